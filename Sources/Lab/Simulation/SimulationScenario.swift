import App
import Config
import Foundation
import Simulator

/// A traffic scenario file for `switchboard simulate --scenario FILE`, in Asterisk's INI syntax:
///
///     [traffic]
///     calls = 30
///     rate = 0.5          ; arrivals per simulated second
///     seed = 7
///     speed = 20          ; simulated seconds per real second
///     dnis = 4008
///     script = ivr/main
///     known = 13900000001, 13900000002   ; numbers some callers call from
///
///     [keys]              ; what callers press: a window in seconds => keys to pick one from
///     1-2 => 1112
///     5-7 => 111222230
///
///     [agents]            ; the phones: answers AFTER TALK | busy | noanswer | unavailable
///     PJSIP/1001 = answers 2 30
///     PJSIP/operator = busy
public enum SimulationScenario {
    public static func load(_ path: String, into options: inout SimulatedTraffic.Options) throws {
        let document = try INIParser.parse(file: path)
        var problems: [ConfigDiagnostic] = []
        for section in document.concreteSections {
            switch section.name {
            case "traffic":
                for entry in section.entries {
                    func number<T: LosslessStringConvertible>(_ type: T.Type) -> T? {
                        guard let value = T(entry.value) else {
                            problems.append(.error("\(entry.key): '\(entry.value)' is not a number", at: entry.location))
                            return nil
                        }
                        return value
                    }
                    switch entry.key {
                    case "calls": if let value = number(Int.self) { options.calls = value }
                    case "rate": if let value = number(Double.self) { options.rate = value }
                    case "seed": if let value = number(UInt64.self) { options.seed = value }
                    case "speed": if let value = number(Double.self) { options.speed = value }
                    case "agents": if let value = number(Int.self) { options.agents = value }
                    case "dnis": options.dnis = entry.value
                    case "script": options.script = entry.value
                    case "known": options.knownNumbers = entry.value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                    default: problems.append(.warning("[traffic]: unknown key '\(entry.key)'", at: entry.location))
                    }
                }
            case "keys":
                options.presses = section.entries.compactMap { entry in
                    let bounds = entry.key.split(separator: "-").compactMap { Double($0) }
                    guard bounds.count == 2, bounds[0] <= bounds[1], !entry.value.isEmpty, entry.value.allSatisfy({ "0123456789*#".contains($0) }) else {
                        problems.append(.error("[keys]: '\(entry.key) => \(entry.value)' is not FROM-TO => KEYS (such as 1-2 => 12)", at: entry.location))
                        return nil
                    }
                    return (bounds[0]...bounds[1], entry.value)
                }
            case "agents":
                options.agents = 0
                for entry in section.entries {
                    guard let behaviour = Self.behaviour(entry.value) else {
                        problems.append(.error("[agents] \(entry.key): '\(entry.value)' is not answers AFTER TALK, busy, noanswer or unavailable", at: entry.location))
                        continue
                    }
                    options.otherEndpoints[entry.key] = behaviour
                }
            default:
                problems.append(.warning("unknown section [\(section.name)]", at: section.location))
            }
        }
        let errors = problems.filter { $0.severity == .error }
        if !errors.isEmpty { throw ConfigError(errors) }
    }

    static func behaviour(_ text: String) -> EndpointBehaviour? {
        let words = text.lowercased().split(separator: " ")
        switch words.first {
        case "busy": return .busy
        case "noanswer": return .noAnswer
        case "unavailable": return .unavailable
        case "answers":
            guard words.count == 3, let after = Double(words[1]), let talk = Double(words[2]) else { return nil }
            return .answers(after: after, talk: talk)
        default: return nil
        }
    }
}

import Config
import Core
import Foundation

/// Reads flow files into `Flow` values, collecting every problem as `file:line: message`.
public enum FlowLoader {
    /// The flows in `folder` (`*.conf`, except `holidays.conf`), by name (the file's base name).
    public static func loadFolder(_ folder: String) -> (flows: [String: Flow], diagnostics: [ConfigDiagnostic]) {
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
            .filter { $0.hasSuffix(".conf") && $0 != "holidays.conf" }.sorted()
        guard !files.isEmpty else {
            return ([:], [.error("no flow files (*.conf) in \(folder)", at: nil)])
        }
        var flows: [String: Flow] = [:]
        var diagnostics: [ConfigDiagnostic] = []
        for file in files {
            let (flow, found) = load(file: folder + "/" + file)
            diagnostics += found
            if let flow { flows[flow.name] = flow }
        }
        return (flows, diagnostics)
    }

    public static func load(file: String) -> (Flow?, [ConfigDiagnostic]) {
        let document: INIDocument
        do {
            document = try INIParser.parse(file: file)
        } catch let error as ConfigError {
            return (nil, error.diagnostics)
        } catch {
            return (nil, [.error("\(error)", at: SourceLocation(file: file, line: 0))])
        }
        var reader = Reader()
        let flow = reader.flow(document, file: file)
        return (reader.diagnostics.contains { $0.severity == .error } ? nil : flow, reader.diagnostics)
    }

    /// Node types and the keys each understands (besides `type` and `next`).
    static let keys: [String: Set<String>] = [
        "play": ["prompt"],
        "menu": ["prompt", "options", "timeout", "retries", "invalid", "timeout-prompt", "exhausted"],
        "collect": ["prompt", "variable", "min", "max", "terminator", "timeout", "pattern", "check", "sensitive", "retries", "invalid", "exhausted"],
        "say": ["number", "digits", "date", "time"],
        "condition": ["when", "then", "else"],
        "set": ["language"],
        "lookup": ["found", "not-found"],
        "queue": ["queue", "skills", "priority", "after-call"],
        "transfer": ["target", "timeout", "fallback", "after-call"],
        "voicemail": ["prompt", "max"],
        "survey": ["questions"],
        "ticket": ["subject", "category", "priority", "queue"],
        "ticket-status": ["prompt", "found", "not-found"],
        "goto": ["target"],
        "subflow": ["flow", "return"],
        "hangup": ["prompt"],
    ]

    private struct Reader {
        var diagnostics: [ConfigDiagnostic] = []

        mutating func flow(_ document: INIDocument, file: String) -> Flow? {
            let name = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
            guard let header = document.sections(named: "flow").first else {
                diagnostics.append(.error("no [flow] section (it names the start node)", at: SourceLocation(file: file, line: 1)))
                return nil
            }
            guard let start = header.entry("start")?.value, !start.isEmpty else {
                diagnostics.append(.error("[flow] needs start = <node>", at: header.location))
                return nil
            }
            var holidays: [String: String] = [:]
            if let entry = header.entry("holidays") {
                let path = entry.value.hasPrefix("/") ? entry.value : ((file as NSString).deletingLastPathComponent + "/" + entry.value)
                do {
                    for section in try INIParser.parse(file: path).concreteSections {
                        for date in section.entries {
                            if date.key.range(of: #"^\d{4}-\d{2}-\d{2}$"#, options: .regularExpression) == nil {
                                diagnostics.append(.error("'\(date.key)' is not a date (YYYY-MM-DD)", at: date.location))
                            }
                            holidays[date.key] = date.value
                        }
                    }
                } catch let error as ConfigError {
                    diagnostics += error.diagnostics.isEmpty ? [.error("cannot read holidays \(path)", at: entry.location)] : error.diagnostics
                } catch {
                    diagnostics.append(.error("cannot read holidays \(path): \(error)", at: entry.location))
                }
            }
            for entry in header.entries where !["start", "language", "on-error", "operator", "max-steps", "holidays", "record"].contains(entry.key) {
                diagnostics.append(.warning("[flow]: unknown key '\(entry.key)'", at: entry.location))
            }
            var nodes: [String: Node] = [:]
            for section in document.concreteSections where section.name != "flow" {
                if nodes[section.name] != nil {
                    diagnostics.append(.error("node [\(section.name)] defined twice", at: section.location))
                    continue
                }
                if let node = node(section) { nodes[section.name] = node }
            }
            return Flow(
                name: name, file: file, start: start, language: header.entry("language")?.value,
                onError: header.entry("on-error")?.value, operatorTarget: header.entry("operator")?.value,
                maxStepsWithoutInput: int(header, "max-steps", default: 50, range: 2...10_000),
                holidays: holidays, record: bool(header, "record"), nodes: nodes, location: header.location
            )
        }

        mutating func node(_ section: INISection) -> Node? {
            guard let type = section.entry("type")?.value.lowercased() else {
                diagnostics.append(.error("node [\(section.name)] has no type (play, menu, collect, say, condition, set, lookup, queue, transfer, voicemail, survey, goto, subflow, hangup)", at: section.location))
                return nil
            }
            guard let known = FlowLoader.keys[type] else {
                diagnostics.append(.error("node [\(section.name)]: unknown type '\(type)'", at: section.entry("type")?.location))
                return nil
            }
            if type != "set" {
                for entry in section.entries where entry.key != "type" && entry.key != "next" && !known.contains(entry.key) {
                    diagnostics.append(.warning("node [\(section.name)]: unknown key '\(entry.key)' for a \(type) node", at: entry.location))
                }
            }
            var keyLocations: [String: SourceLocation] = [:]
            for entry in section.entries { keyLocations[entry.key] = entry.location }
            let next = section.entry("next")?.value
            let kind: Node.Kind
            switch type {
            case "play":
                kind = .play(prompts: prompts(section, "prompt", required: true))
            case "menu":
                var options: [(key: Character, target: String)] = []
                for item in (section.entry("options")?.value ?? "").split(separator: ",") {
                    let parts = item.replacingOccurrences(of: "=>", with: "=").split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                    guard parts.count == 2, parts[0].count == 1, let key = parts[0].first, "0123456789*#".contains(key), !parts[1].isEmpty else {
                        diagnostics.append(.error("node [\(section.name)]: option '\(item.trimmingCharacters(in: .whitespaces))' is not key => node (keys 0-9, *, #)", at: keyLocations["options"]))
                        continue
                    }
                    options.append((key, parts[1]))
                }
                if options.isEmpty { diagnostics.append(.error("menu [\(section.name)] has no options", at: keyLocations["options"] ?? section.location)) }
                kind = .menu(Node.Menu(
                    prompts: prompts(section, "prompt", required: true), options: options,
                    timeoutSeconds: Double(int(section, "timeout", default: 5, range: 1...120)),
                    retries: int(section, "retries", default: 3, range: 1...20),
                    invalidPrompts: prompts(section, "invalid") .ifEmpty(["invalid"]),
                    timeoutPrompts: prompts(section, "timeout-prompt"), exhausted: section.entry("exhausted")?.value
                ))
            case "collect":
                let minimum = int(section, "min", default: 1, range: 1...64)
                let maximum = int(section, "max", default: 20, range: 1...64)
                if minimum > maximum { diagnostics.append(.error("node [\(section.name)]: min \(minimum) is above max \(maximum)", at: keyLocations["min"])) }
                let pattern = section.entry("pattern")?.value
                if let pattern, (try? NSRegularExpression(pattern: pattern)) == nil {
                    diagnostics.append(.error("node [\(section.name)]: pattern '\(pattern)' is not a regular expression", at: keyLocations["pattern"]))
                }
                let check = section.entry("check")?.value.lowercased()
                if let check, check != "luhn" { diagnostics.append(.error("node [\(section.name)]: check '\(check)' is unknown (luhn)", at: keyLocations["check"])) }
                let terminator = section.entry("terminator")?.value ?? "#"
                kind = .collect(Node.Collect(
                    prompts: prompts(section, "prompt", required: true), variable: section.entry("variable")?.value ?? "DIGITS",
                    minDigits: minimum, maxDigits: maximum, terminator: terminator.isEmpty || terminator == "none" ? nil : terminator.first,
                    timeoutSeconds: Double(int(section, "timeout", default: 6, range: 1...120)), pattern: pattern, luhn: check == "luhn",
                    sensitive: bool(section, "sensitive"), retries: int(section, "retries", default: 3, range: 1...20),
                    invalidPrompts: prompts(section, "invalid").ifEmpty(["invalid"]), exhausted: section.entry("exhausted")?.value
                ))
            case "say":
                let given = Node.Say.What.allCases.filter { section.entry($0.rawValue) != nil }
                guard given.count == 1, let what = given.first else {
                    diagnostics.append(.error("say node [\(section.name)] needs exactly one of number, digits, date, time", at: section.location))
                    return nil
                }
                kind = .say(Node.Say(what: what, value: section.entry(what.rawValue)!.value))
            case "condition":
                guard let when = required(section, "when"), let then = required(section, "then"), let otherwise = required(section, "else") else { return nil }
                do {
                    kind = .condition(when: try Condition(parsing: when), then: then, otherwise: otherwise)
                } catch {
                    diagnostics.append(.error("node [\(section.name)]: \(error)", at: keyLocations["when"]))
                    return nil
                }
            case "set":
                let variables = section.entries.filter { !["type", "next", "language"].contains($0.key) }.map { ($0.key, $0.value) }
                kind = .set(variables: variables, language: section.entry("language")?.value)
            case "lookup":
                kind = .lookup(found: section.entry("found")?.value, notFound: section.entry("not-found")?.value)
            case "queue":
                guard let queue = required(section, "queue") else { return nil }
                var skills: [String: Int] = [:]
                for item in (section.entry("skills")?.value ?? "").split(separator: ",") {
                    let parts = item.split(separator: ":").map { $0.trimmingCharacters(in: .whitespaces) }
                    guard parts.count == 2, let level = Int(parts[1]), (1...5).contains(level) else {
                        diagnostics.append(.error("node [\(section.name)]: skill '\(item.trimmingCharacters(in: .whitespaces))' is not skill:level (1-5)", at: keyLocations["skills"]))
                        continue
                    }
                    skills[parts[0]] = level
                }
                kind = .queue(Node.Queue(
                    name: queue, skills: skills, priority: int(section, "priority", default: 0, range: 0...100), afterCall: section.entry("after-call")?.value
                ))
            case "transfer":
                guard let target = required(section, "target") else { return nil }
                kind = .transfer(Node.Transfer(
                    target: target, timeoutSeconds: int(section, "timeout", default: 30, range: 1...600), fallback: section.entry("fallback")?.value,
                    afterCall: section.entry("after-call")?.value
                ))
            case "voicemail":
                kind = .voicemail(prompt: prompts(section, "prompt").ifEmpty(["vm-intro"]), maxSeconds: int(section, "max", default: 120, range: 5...3600))
            case "survey":
                let questions = prompts(section, "questions", required: true)
                kind = .survey(questions: questions)
            case "ticket":
                guard let subject = required(section, "subject") else { return nil }
                let priorityName = section.entry("priority")?.value ?? "normal"
                guard let priority = TicketPriority(rawValue: priorityName) else {
                    diagnostics.append(.error("node [\(section.name)]: priority '\(priorityName)' is not one of \(TicketPriority.allCases.map(\.rawValue).joined(separator: ", "))", at: keyLocations["priority"]))
                    return nil
                }
                kind = .ticket(Node.TicketNode(subject: subject, category: section.entry("category")?.value, priority: priority, queue: section.entry("queue")?.value))
            case "ticket-status":
                kind = .ticketStatus(Node.TicketStatusNode(
                    prompts: prompts(section, "prompt").ifEmpty(["custom/ticket-enter-number"]), found: section.entry("found")?.value,
                    notFound: section.entry("not-found")?.value
                ))
            case "goto":
                guard let target = required(section, "target") else { return nil }
                kind = .goto(target: target)
            case "subflow":
                guard let flow = required(section, "flow") else { return nil }
                kind = .subflow(flow: flow, returnTo: section.entry("return")?.value)
            default:
                kind = .hangup(prompts: prompts(section, "prompt"))
            }
            return Node(name: section.name, kind: kind, next: next, location: section.location, keyLocations: keyLocations)
        }

        /// `a&b` or `a, b`: prompts in order.
        mutating func prompts(_ section: INISection, _ key: String, required: Bool = false) -> [String] {
            guard let value = section.entry(key)?.value, !value.isEmpty else {
                if required { diagnostics.append(.error("node [\(section.name)] needs \(key) =", at: section.location)) }
                return []
            }
            return value.split(whereSeparator: { $0 == "&" || $0 == "," }).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }

        mutating func required(_ section: INISection, _ key: String) -> String? {
            guard let value = section.entry(key)?.value, !value.isEmpty else {
                diagnostics.append(.error("node [\(section.name)] needs \(key) =", at: section.location))
                return nil
            }
            return value
        }

        mutating func int(_ section: INISection, _ key: String, default fallback: Int, range: ClosedRange<Int>) -> Int {
            guard let entry = section.entry(key) else { return fallback }
            guard let value = Int(entry.value), range.contains(value) else {
                diagnostics.append(.error("\(key): '\(entry.value)' is not a whole number from \(range.lowerBound) to \(range.upperBound)", at: entry.location))
                return fallback
            }
            return value
        }

        mutating func bool(_ section: INISection, _ key: String) -> Bool {
            guard let entry = section.entry(key) else { return false }
            switch entry.value.lowercased() {
            case "yes", "true", "on", "1": return true
            case "no", "false", "off", "0": return false
            default:
                diagnostics.append(.error("\(key): '\(entry.value)' is not yes or no", at: entry.location))
                return false
            }
        }
    }
}

extension Array {
    func ifEmpty(_ fallback: [Element]) -> [Element] { isEmpty ? fallback : self }
}

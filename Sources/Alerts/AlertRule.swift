import Foundation

/// One alert rule as an admin writes it in `[alerts] rule = …`:
///
///     longest-wait support > 60s     a caller waiting longer (any queue when none is named)
///     service-level sales < 80%      today's service level under the figure
///     agent-state paused > 15m       an agent in the state longer (available, ringing,
///                                    on-call, wrap-up, paused)
///     ami-down > 10s                 the AMI connection down longer (`ami-down` alone: at once)
///     disk-free < 10%                the recordings' disk fuller
public struct AlertRule: Sendable, Equatable {
    public enum Condition: Sendable, Equatable {
        case longestWait(queue: String?, overSeconds: Double)
        case serviceLevel(queue: String?, under: Double)
        case agentState(activity: String, overSeconds: Double)
        case amiDown(overSeconds: Double)
        case diskFree(under: Double)
    }

    public var condition: Condition
    /// The rule as written.
    public var text: String

    public static let activities = ["available", "ringing", "on_call", "wrap_up", "paused"]

    /// Reads a rule; throws a message naming what is wrong.
    public init(parsing text: String) throws {
        self.text = text
        let words = text.split(separator: " ").map(String.init)
        guard let kind = words.first else { throw AlertRuleError("an empty rule") }
        func threshold(_ index: Int, _ op: String) throws -> String {
            guard words.count == index + 2, words[index] == op else {
                throw AlertRuleError("'\(text)': write \(kind) \(kind == "agent-state" ? "STATE" : "[QUEUE]") \(op) VALUE")
            }
            return words[index + 1]
        }
        switch kind {
        case "longest-wait":
            let named = words.count == 4
            condition = .longestWait(queue: named ? words[1] : nil, overSeconds: try Self.seconds(try threshold(named ? 2 : 1, ">"), text))
        case "service-level":
            let named = words.count == 4
            condition = .serviceLevel(queue: named ? words[1] : nil, under: try Self.percent(try threshold(named ? 2 : 1, "<"), text))
        case "agent-state":
            guard words.count == 4 else { throw AlertRuleError("'\(text)': write agent-state STATE > DURATION") }
            let activity = words[1].replacingOccurrences(of: "-", with: "_")
            guard Self.activities.contains(activity) else {
                throw AlertRuleError("'\(words[1])' is not an agent state (available, ringing, on-call, wrap-up, paused)")
            }
            condition = .agentState(activity: activity, overSeconds: try Self.seconds(try threshold(2, ">"), text))
        case "ami-down":
            condition = .amiDown(overSeconds: words.count == 1 ? 0 : try Self.seconds(try threshold(1, ">"), text))
        case "disk-free":
            condition = .diskFree(under: try Self.percent(try threshold(1, "<"), text))
        default:
            throw AlertRuleError("'\(kind)' is not an alert (longest-wait, service-level, agent-state, ami-down, disk-free)")
        }
    }

    /// `90s`, `15m`, `2h`.
    static func seconds(_ value: String, _ text: String) throws -> Double {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600]
        guard let unit = value.last.flatMap({ units[$0] }), let number = Double(value.dropLast()), number >= 0 else {
            throw AlertRuleError("'\(value)' in '\(text)' is not a duration such as 90s, 15m or 2h")
        }
        return number * unit
    }

    /// `80%` → 0.8.
    static func percent(_ value: String, _ text: String) throws -> Double {
        guard value.hasSuffix("%"), let number = Double(value.dropLast()), (0...100).contains(number) else {
            throw AlertRuleError("'\(value)' in '\(text)' is not a percentage such as 80%")
        }
        return number / 100
    }
}

/// A rule that cannot be read, and why.
public struct AlertRuleError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

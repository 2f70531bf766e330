import Config
import Core
import Foundation
import IVR
import Tickets

/// The tickets file (`[tickets] rules`): which calls become tickets, the SLA policies, open
/// time and how long a caller's open ticket takes their new calls.
///
///     [general]
///     business_hours = main/hours   ; the `when` of that flow's condition node, and its holidays
///     repeat_window = 72            ; hours
///     check_every = 30s             ; how often serve escalates and places survey calls
///     [abandoned]                   ; a rule per kind of call: abandoned, voicemail, callback, error
///     category = missed-call
///     priority = normal
///     subject = Call back ${CALLER} (${QUEUE}, ${WAIT} s)
///     [wrapup]                      ; agents' codes for the call just handled
///     1 = solve
///     2 = pending
///     3 = create fault high
///     [escalate-late]               ; steps, each fired once per ticket
///     due = resolution              ; or first_response
///     at = -30m                     ; before (-) or after the due time
///     raise_priority = yes
///     reassign = queue:supervisors
///     call = PJSIP/supervisor       ; rung over AMI, hears custom/ticket-escalated
///     [survey]                      ; call customers back when their ticket is solved
///     after = 10m
///     tries = 3
///     retry = 2h
///     [retention]                   ; days a recording linked to a ticket is kept, by category
///     complaint = 730d              ; (before its queue's retention)
///     [sla-urgent]                  ; policies, first match wins
///     priority = urgent, high
///     first_response = 30m
///     resolution = 4h
public struct TicketSettings: Sendable {
    public var rules: [TicketRule.Trigger: TicketRule] = [:]
    public var policies: [SLAPolicy] = []
    /// `flow/node`: a condition node whose `when` is the call center's opening hours; nil: always open.
    public var businessHours: (flow: String, node: String)?
    /// A caller's open ticket created within this gets their new calls instead of a new ticket.
    public var repeatWindowSeconds = 72.0 * 3600
    /// Agents' wrap-up codes (`*55` on the phone, `tickets wrapup`), by the digits keyed.
    public var wrapUpCodes: [String: WrapUpCode] = [:]
    /// Escalation steps, in the file's order.
    public var escalations: [EscalationStep] = []
    /// How often `serve` looks for escalation steps and survey calls due.
    public var checkEverySeconds = 30.0
    /// Days a recording linked to a ticket of the category is kept (`[retention]`).
    public var retentionByCategory: [String: Int] = [:]
    /// Satisfaction survey calls to customers whose ticket was solved; nil: none.
    public var surveyCalls: SurveyCalls?

    /// `[survey]`: when a ticket is solved, call the customer (in open time) into the survey flow.
    public struct SurveyCalls: Sendable, Equatable {
        /// After the ticket is solved.
        public var delaySeconds = 600.0
        public var tries = 3
        public var retrySeconds = 7200.0
    }

    public init() {}

    /// Every problem as `file:line: message`.
    public static func load(file: String) throws -> TicketSettings {
        var settings = TicketSettings()
        var problems: [ConfigDiagnostic] = []
        for section in try INIParser.parse(file: file).concreteSections {
            func fail(_ entry: INIEntry, _ message: String) { problems.append(.error("\(entry.key): \(message)", at: entry.location)) }
            if section.name == "general" {
                for entry in section.entries {
                    switch entry.key {
                    case "business_hours":
                        let parts = entry.value.split(separator: "/").map(String.init)
                        if parts.count == 2 { settings.businessHours = (parts[0], parts[1]) } else { fail(entry, "'\(entry.value)' is not FLOW/NODE, such as main/hours") }
                    case "check_every":
                        if let seconds = Self.seconds(entry.value), seconds >= 1 { settings.checkEverySeconds = seconds } else { fail(entry, "'\(entry.value)' is not a time of at least 1 s, such as 30s") }
                    case "repeat_window":
                        if let hours = Double(entry.value), hours >= 0 { settings.repeatWindowSeconds = hours * 3600 } else { fail(entry, "'\(entry.value)' is not a number of hours") }
                    default: problems.append(.warning("unknown key \(entry.key)", at: entry.location))
                    }
                }
            } else if section.name == "survey" {
                var calls = SurveyCalls()
                for entry in section.entries {
                    switch entry.key {
                    case "after", "retry":
                        guard let seconds = Self.seconds(entry.value) else {
                            fail(entry, "'\(entry.value)' is not a time such as 10m or 2h")
                            continue
                        }
                        if entry.key == "after" { calls.delaySeconds = seconds } else { calls.retrySeconds = seconds }
                    case "tries":
                        if let tries = Int(entry.value), (1...10).contains(tries) { calls.tries = tries } else { fail(entry, "'\(entry.value)' is not a number of tries from 1 to 10") }
                    default: problems.append(.warning("unknown key \(entry.key)", at: entry.location))
                    }
                }
                settings.surveyCalls = calls
            } else if section.name == "wrapup" {
                for entry in section.entries {
                    guard !entry.key.isEmpty, entry.key.allSatisfy(\.isNumber), entry.key.count <= 4 else {
                        fail(entry, "a wrap-up code is 1 to 4 digits")
                        continue
                    }
                    guard let code = WrapUpCode(parsing: entry.value) else {
                        fail(entry, "'\(entry.value)' is not solve, pending, open, close or create CATEGORY [PRIORITY]")
                        continue
                    }
                    settings.wrapUpCodes[entry.key] = code
                }
            } else if section.name == "retention" {
                for entry in section.entries {
                    guard let days = RecordingRetention.days(entry.value) else {
                        fail(entry, "'\(entry.value)' is not a number of days such as 730d")
                        continue
                    }
                    settings.retentionByCategory[entry.key] = days
                }
            } else if section.name.hasPrefix("escalate-"), section.name.count > 9 {
                var step = EscalationStep(name: String(section.name.dropFirst(9)), due: .resolution, offsetSeconds: 0)
                for entry in section.entries {
                    switch entry.key {
                    case "due":
                        if let due = EscalationStep.Due(rawValue: entry.value) { step.due = due } else { fail(entry, "'\(entry.value)' is not first_response or resolution") }
                    case "at":
                        let sign: Double = entry.value.hasPrefix("-") ? -1 : 1
                        if let seconds = Self.seconds(String(entry.value.drop { $0 == "-" || $0 == "+" })) { step.offsetSeconds = sign * seconds } else {
                            fail(entry, "'\(entry.value)' is not a time before (-30m) or after (+1h) the due time")
                        }
                    case "raise_priority":
                        if let yes = ["yes": true, "no": false][entry.value.lowercased()] { step.raisePriority = yes } else { fail(entry, "'\(entry.value)' is not yes or no") }
                    case "reassign":
                        if let assignee = TicketAssignee(parsing: entry.value) { step.reassign = assignee } else { fail(entry, "'\(entry.value)' is not agent:ID or queue:NAME") }
                    case "call": step.call = entry.value
                    default: problems.append(.warning("unknown key \(entry.key)", at: entry.location))
                    }
                }
                settings.escalations.append(step)
            } else if let trigger = TicketRule.Trigger(rawValue: section.name) {
                var rule = TicketRule(trigger: trigger)
                for entry in section.entries {
                    switch entry.key {
                    case "category": rule.category = entry.value
                    case "subject": rule.subject = entry.value
                    case "priority":
                        if let priority = TicketPriority(rawValue: entry.value) { rule.priority = priority } else { fail(entry, "'\(entry.value)' is not one of \(Self.priorityNames)") }
                    default: problems.append(.warning("unknown key \(entry.key)", at: entry.location))
                    }
                }
                settings.rules[trigger] = rule
            } else if section.name.hasPrefix("sla-"), section.name.count > 4 {
                var policy = SLAPolicy(name: String(section.name.dropFirst(4)))
                for entry in section.entries {
                    let words = entry.value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                    switch entry.key {
                    case "priority":
                        let priorities = words.compactMap(TicketPriority.init(rawValue:))
                        if priorities.count == words.count { policy.priorities = Set(priorities) } else { fail(entry, "'\(entry.value)' is not a list of \(Self.priorityNames)") }
                    case "category": policy.categories = Set(words)
                    case "queue": policy.queues = Set(words)
                    case "first_response", "resolution":
                        guard let seconds = Self.seconds(entry.value) else {
                            fail(entry, "'\(entry.value)' is not a time such as 30m, 4h or 90 (seconds) of open time")
                            continue
                        }
                        if entry.key == "first_response" { policy.firstResponseSeconds = seconds } else { policy.resolutionSeconds = seconds }
                    default: problems.append(.warning("unknown key \(entry.key)", at: entry.location))
                    }
                }
                settings.policies.append(policy)
            } else {
                problems.append(.error("[\(section.name)] is not general, wrapup, survey, retention, escalate-NAME, a rule (\(TicketRule.Trigger.allCases.map(\.rawValue).joined(separator: ", "))) or sla-NAME", at: section.location))
            }
        }
        if problems.contains(where: { $0.severity == .error }) { throw ConfigError(problems) }
        return settings
    }

    static var priorityNames: String { TicketPriority.allCases.map(\.rawValue).joined(separator: ", ") }

    /// `30m`, `4h`, `90s` or `90`.
    static func seconds(_ text: String) -> Double? {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600]
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let last = trimmed.last else { return nil }
        let unit = units[last]
        guard let number = Double(unit == nil ? trimmed : String(trimmed.dropLast())), number >= 0 else { return nil }
        return number * (unit ?? 1)
    }

    /// Open time as the flows define it: the condition node named by `business_hours`, with its
    /// flow's holidays. Always open when none is named.
    public func calendar(flows: [String: Flow], zone: TimeZone) throws -> BusinessCalendar {
        guard let (flowName, nodeName) = businessHours else { return .always(in: zone) }
        guard let flow = flows[flowName] else { throw ConfigError([.error("business_hours: no flow '\(flowName)'", at: nil)]) }
        guard let node = flow.nodes[nodeName], case .condition(let when, _, _) = node.kind else {
            throw ConfigError([.error("business_hours: flow '\(flowName)' has no condition node '\(nodeName)'", at: nil)])
        }
        let holidays = Set(flow.holidays.keys)
        return BusinessCalendar(zone: zone) { minute in
            when.holds(weekday: minute.weekday, minuteOfDay: minute.minuteOfDay, date: minute.date, holidays: holidays)
        }
    }
}

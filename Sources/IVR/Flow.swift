import Config
import Core

/// One IVR flow as an admin wrote it in `dialplans/ivr/<name>.conf`: a `[flow]` section and one
/// section per node. Immutable once loaded: a call keeps the version it started with, so a
/// reload never changes a flow under a caller.
public struct Flow: Sendable {
    public var name: String
    public var file: String
    public var start: String
    /// The channel language the flow begins in (prompts are looked up per language).
    public var language: String?
    /// Where runtime errors go; nil: apologise and transfer to the operator.
    public var onError: String?
    /// The flow's own operator (`operator =`); nil: the configured one ([ivr] operator).
    public var operatorTarget: String?
    /// Steps in a row without caller input before the flow is taken to be looping.
    public var maxStepsWithoutInput: Int
    /// Holiday calendar: dates `YYYY-MM-DD` → name.
    public var holidays: [String: String]
    /// `record = yes`: the whole call is recorded from the answer on (sensitive steps left out).
    public var record = false
    public var nodes: [String: Node]
    public var location: SourceLocation

    public func node(_ name: String) -> Node? { nodes[name] }
}

/// One step of a flow.
public struct Node: Sendable {
    public var name: String
    public var kind: Kind
    /// Where to go when the node is done (for kinds with one way on).
    public var next: String?
    public var location: SourceLocation
    /// Key → location, for diagnostics that point at a key.
    public var keyLocations: [String: SourceLocation] = [:]

    public enum Kind: Sendable {
        case play(prompts: [String])
        case menu(Menu)
        case collect(Collect)
        case say(Say)
        case condition(when: Condition, then: String, otherwise: String)
        case set(variables: [(name: String, value: String)], language: String?)
        case lookup(found: String?, notFound: String?)
        case queue(Queue)
        case transfer(Transfer)
        case voicemail(prompt: [String], maxSeconds: Int)
        case survey(questions: [String])
        case ticket(TicketNode)
        case ticketStatus(TicketStatusNode)
        case goto(target: String)
        case subflow(flow: String, returnTo: String?)
        case hangup(prompts: [String])
    }

    public struct Menu: Sendable {
        public var prompts: [String]
        public var options: [(key: Character, target: String)]
        public var timeoutSeconds: Double
        public var retries: Int
        public var invalidPrompts: [String]
        public var timeoutPrompts: [String]
        /// Where to go when the retries are used up; nil: the flow's error handling.
        public var exhausted: String?
    }

    public struct Collect: Sendable {
        public var prompts: [String]
        public var variable: String
        public var minDigits: Int
        public var maxDigits: Int
        public var terminator: Character?
        public var timeoutSeconds: Double
        public var pattern: String?
        public var luhn: Bool
        public var sensitive: Bool
        public var retries: Int
        public var invalidPrompts: [String]
        public var exhausted: String?
    }

    public struct Say: Sendable {
        public enum What: String, Sendable, CaseIterable { case number, digits, date, time }
        public var what: What
        public var value: String
    }

    /// `type = ticket`: a ticket for the call (an IVR choice such as "report a fault"); its
    /// number goes into `${TICKET}` (`T-000123`) and `${TICKET_DIGITS}` (`123`).
    public struct TicketNode: Sendable {
        public var subject: String
        public var category: String?
        public var priority: TicketPriority
        /// The queue it is given to.
        public var queue: String?
    }

    /// `type = ticket-status`: the caller keys a ticket number (or none: their newest open
    /// ticket, found by their number) and hears its status and when it is due.
    public struct TicketStatusNode: Sendable {
        public var prompts: [String]
        public var found: String?
        public var notFound: String?

        /// What is said of a ticket: "ticket number" 1 2 3 "is being worked on", "we expect
        /// to solve it by" date, time; or that none was found.
        public static let numberIs = "custom/ticket-number-is"
        public static let dueBy = "custom/ticket-due-by"
        public static let notFoundPrompt = "custom/ticket-not-found"
        public static func statusPrompt(_ status: TicketStatus) -> String { "custom/ticket-\(status.rawValue)" }
        public static var spoken: [String] { [numberIs, dueBy, notFoundPrompt] + TicketStatus.allCases.map(statusPrompt) }
    }

    public struct Queue: Sendable {
        public var name: String
        public var skills: [String: Int]
        public var priority: Int
        /// Where the caller goes on when the agent hangs up first (a survey); nil: the call ends.
        public var afterCall: String?
    }

    public struct Transfer: Sendable {
        public var target: String
        public var timeoutSeconds: Int
        /// Where the caller goes when nobody answers; nil: the flow's error handling.
        public var fallback: String?
        /// Where the caller goes on when the answered party hangs up first (a survey).
        public var afterCall: String?
    }

    /// Every node this one can lead to.
    public var targets: [String] {
        var all: [String] = next.map { [$0] } ?? []
        switch kind {
        case .menu(let menu): all += menu.options.map(\.target) + (menu.exhausted.map { [$0] } ?? [])
        case .collect(let collect): all += collect.exhausted.map { [$0] } ?? []
        case .condition(_, let then, let otherwise): all += [then, otherwise]
        case .lookup(let found, let notFound): all += [found, notFound].compactMap { $0 }
        case .ticketStatus(let status): all += [status.found, status.notFound].compactMap { $0 }
        case .transfer(let transfer): all += [transfer.fallback, transfer.afterCall].compactMap { $0 }
        case .queue(let queue): all += queue.afterCall.map { [$0] } ?? []
        case .goto(let target): all.append(target)
        case .subflow(_, let returnTo): all += returnTo.map { [$0] } ?? []
        default: break
        }
        return all
    }

    /// Whether the node waits for the caller (keys, speech): what breaks a loop.
    public var takesInput: Bool {
        switch kind {
        case .menu, .collect, .survey, .voicemail, .transfer, .queue, .ticketStatus: true
        default: false
        }
    }

    /// The prompts the node plays.
    public var prompts: [String] {
        switch kind {
        case .play(let prompts), .hangup(let prompts), .voicemail(let prompts, _): prompts
        case .menu(let menu): menu.prompts + menu.invalidPrompts + menu.timeoutPrompts
        case .collect(let collect): collect.prompts + collect.invalidPrompts
        case .survey(let questions): questions
        case .ticketStatus(let status): status.prompts + TicketStatusNode.spoken
        default: []
        }
    }
}

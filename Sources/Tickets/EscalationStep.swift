import Core
import Foundation

/// A step of escalation: at a moment before or after one of a ticket's due times, raise its
/// priority, give it to another queue or agent, and tell someone. Each step fires at most once
/// per ticket (the store keeps which have). Pure: the moment is passed in.
public struct EscalationStep: Sendable, Equatable {
    public enum Due: String, Sendable, CaseIterable {
        case firstResponse = "first_response"
        case resolution
    }

    public var name: String
    public var due: Due
    /// Seconds after the due time (negative: before it), by the clock on the wall.
    public var offsetSeconds: Double
    public var raisePriority = false
    public var reassign: TicketAssignee?
    /// Rings this phone (AMI Originate) and plays a prompt, when AMI is up.
    public var call: String?

    public init(name: String, due: Due, offsetSeconds: Double) {
        self.name = name
        self.due = due
        self.offsetSeconds = offsetSeconds
    }

    /// When the step is due for `ticket`; nil when the ticket has no such due time running
    /// (pending, solved, closed, or the first response made).
    public func moment(for ticket: Ticket) -> Date? {
        guard ticket.status == .new || ticket.status == .open else { return nil }
        switch due {
        case .firstResponse: return ticket.firstResponseAt == nil ? ticket.firstResponseDue?.addingTimeInterval(offsetSeconds) : nil
        case .resolution: return ticket.resolutionDue?.addingTimeInterval(offsetSeconds)
        }
    }

    /// The steps due for `ticket` at `now` that have not fired (`fired`: their names), in order.
    public static func due(_ ticket: Ticket, steps: [EscalationStep], fired: Set<String>, at now: Date) -> [EscalationStep] {
        steps.filter { step in !fired.contains(step.name) && step.moment(for: ticket).map { $0 <= now } == true }
    }

    /// The ticket once the step has acted on it.
    public func applied(to ticket: Ticket) -> Ticket {
        var ticket = ticket
        if raisePriority { ticket.priority = ticket.priority.raised }
        if let reassign {
            ticket.assignee = reassign
            if case .queue(let queue) = reassign { ticket.queue = queue }
        }
        return ticket
    }
}

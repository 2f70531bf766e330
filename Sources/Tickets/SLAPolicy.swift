import Core
import Foundation

/// How long a kind of ticket may take, in open time: to the first response and to the
/// resolution. A ticket takes the first policy (in the file's order) that matches it.
public struct SLAPolicy: Sendable, Equatable {
    public var name: String
    /// Empty: any.
    public var priorities: Set<TicketPriority> = []
    public var categories: Set<String> = []
    public var queues: Set<String> = []
    /// Open seconds allowed; nil: no such due time.
    public var firstResponseSeconds: Double?
    public var resolutionSeconds: Double?

    public init(name: String, firstResponseSeconds: Double? = nil, resolutionSeconds: Double? = nil) {
        self.name = name
        self.firstResponseSeconds = firstResponseSeconds
        self.resolutionSeconds = resolutionSeconds
    }

    public func matches(priority: TicketPriority, category: String?, queue: String?) -> Bool {
        (priorities.isEmpty || priorities.contains(priority))
            && (categories.isEmpty || category.map(categories.contains) == true)
            && (queues.isEmpty || queue.map(queues.contains) == true)
    }

    /// The policy for a ticket: the first that matches.
    public static func first(in policies: [SLAPolicy], priority: TicketPriority, category: String?, queue: String?) -> SLAPolicy? {
        policies.first { $0.matches(priority: priority, category: category, queue: queue) }
    }
}

/// A ticket's SLA clock: due times counted in open time, stopped while the ticket waits on the
/// customer (pending). Pure: the moments come from the caller, the open time from the calendar.
public struct SLAClock: Sendable, Equatable, Codable {
    public var firstResponseDue: Date?
    public var resolutionDue: Date?
    /// While stopped: the open seconds that were left to each due time.
    public var firstResponseLeft: Double?
    public var resolutionLeft: Double?

    public init(firstResponseDue: Date? = nil, resolutionDue: Date? = nil, firstResponseLeft: Double? = nil, resolutionLeft: Double? = nil) {
        self.firstResponseDue = firstResponseDue
        self.resolutionDue = resolutionDue
        self.firstResponseLeft = firstResponseLeft
        self.resolutionLeft = resolutionLeft
    }

    public var isStopped: Bool { firstResponseLeft != nil || resolutionLeft != nil }

    /// Started at `start` under `policy`.
    public static func start(_ policy: SLAPolicy, at start: Date, calendar: BusinessCalendar) -> SLAClock {
        SLAClock(
            firstResponseDue: policy.firstResponseSeconds.map { calendar.adding($0, to: start) },
            resolutionDue: policy.resolutionSeconds.map { calendar.adding($0, to: start) }
        )
    }

    /// Stopped at `moment` (the ticket went pending): what was left of each due time is kept.
    /// `responded`: the first response has been made, so its due time no longer runs.
    public func stopped(at moment: Date, responded: Bool, calendar: BusinessCalendar) -> SLAClock {
        guard !isStopped else { return self }
        // To the millisecond: a date's arithmetic leaves crumbs far below it.
        func left(_ due: Date?) -> Double? {
            due.map { due in
                let seconds = due <= moment ? -calendar.openSeconds(from: due, to: moment) : calendar.openSeconds(from: moment, to: due)
                return (seconds * 1000).rounded() / 1000
            }
        }
        return SLAClock(firstResponseLeft: responded ? nil : left(firstResponseDue), resolutionLeft: left(resolutionDue))
    }

    /// Running again from `moment` (the ticket left pending): each due time as far ahead, in open
    /// time, as it was when the clock stopped. A due time already missed stays missed by as much.
    public func resumed(at moment: Date, calendar: BusinessCalendar) -> SLAClock {
        guard isStopped else { return self }
        func due(_ left: Double?) -> Date? {
            guard let left else { return nil }
            return left >= 0 ? calendar.adding(left, to: moment) : moment.addingTimeInterval(left)
        }
        return SLAClock(firstResponseDue: due(firstResponseLeft), resolutionDue: due(resolutionLeft))
    }
}

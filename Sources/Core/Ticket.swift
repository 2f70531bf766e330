import Foundation

/// A follow-up owed to a customer, tied to the calls that raised it: what it is about, who has
/// it, where it stands, and when its first response and resolution are due.
public struct Ticket: Sendable, Codable, Equatable {
    public var id: Int64
    public var subject: String
    public var category: String?
    public var priority: TicketPriority
    public var status: TicketStatus
    public var customerID: Int64?
    /// The customer's number as the caller id gave it.
    public var phone: String?
    public var assignee: TicketAssignee?
    /// The queue the ticket came from, or was given to.
    public var queue: String?
    /// The SLA policy whose due times it carries (nil: none applies).
    public var slaPolicy: String?
    public var firstResponseDue: Date?
    public var resolutionDue: Date?
    /// While pending (the SLA clock stopped): the open seconds that were left to each due time.
    public var firstResponseLeft: Double?
    public var resolutionLeft: Double?
    public var firstResponseAt: Date?
    public var createdAt: Date
    /// The rule (`rule:abandoned`) or the person (`user:ana`) that created it.
    public var createdBy: String
    public var updatedAt: Date
    public var solvedAt: Date?
    public var closedAt: Date?
    /// Calls linked to it, oldest first.
    public var calls: [TicketCall]
    /// Recordings and voicemail files linked to it.
    public var files: [TicketFile]

    public init(
        id: Int64, subject: String, category: String?, priority: TicketPriority, status: TicketStatus, customerID: Int64?, phone: String?,
        assignee: TicketAssignee?, queue: String?, slaPolicy: String?, firstResponseDue: Date?, resolutionDue: Date?,
        firstResponseLeft: Double?, resolutionLeft: Double?, firstResponseAt: Date?, createdAt: Date, createdBy: String, updatedAt: Date,
        solvedAt: Date?, closedAt: Date?, calls: [TicketCall], files: [TicketFile]
    ) {
        self.id = id
        self.subject = subject
        self.category = category
        self.priority = priority
        self.status = status
        self.customerID = customerID
        self.phone = phone
        self.assignee = assignee
        self.queue = queue
        self.slaPolicy = slaPolicy
        self.firstResponseDue = firstResponseDue
        self.resolutionDue = resolutionDue
        self.firstResponseLeft = firstResponseLeft
        self.resolutionLeft = resolutionLeft
        self.firstResponseAt = firstResponseAt
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.updatedAt = updatedAt
        self.solvedAt = solvedAt
        self.closedAt = closedAt
        self.calls = calls
        self.files = files
    }

    public var number: String { TicketNumber.text(id) }

    /// Past a due time it has not met, at `now`.
    public func isOverdue(at now: Date) -> Bool {
        guard status.isOpen, status != .pending else { return false }
        if let due = resolutionDue, due < now { return true }
        if firstResponseAt == nil, let due = firstResponseDue, due < now { return true }
        return false
    }
}

/// A ticket as it is first written.
public struct TicketDraft: Sendable, Equatable {
    public var subject: String
    public var category: String?
    public var priority: TicketPriority
    public var customerID: Int64?
    public var phone: String?
    public var assignee: TicketAssignee?
    public var queue: String?
    public var createdBy: String
    /// The call that raised it and the rule that made it from the call.
    public var call: TicketCall?
    public var files: [TicketFile]

    public init(
        subject: String, category: String? = nil, priority: TicketPriority = .normal, customerID: Int64? = nil, phone: String? = nil,
        assignee: TicketAssignee? = nil, queue: String? = nil, createdBy: String, call: TicketCall? = nil, files: [TicketFile] = []
    ) {
        self.subject = subject
        self.category = category
        self.priority = priority
        self.customerID = customerID
        self.phone = phone
        self.assignee = assignee
        self.queue = queue
        self.createdBy = createdBy
        self.call = call
        self.files = files
    }
}

public enum TicketStatus: String, Sendable, Codable, CaseIterable {
    case new, open
    /// Waiting on the customer: the SLA clock stops.
    case pending
    case solved, closed

    /// Not yet solved or closed: the ticket is still owed.
    public var isOpen: Bool { self == .new || self == .open || self == .pending }

    /// Whether a ticket in this status may move to `next`. Solved and closed tickets only reopen.
    public func canChange(to next: TicketStatus) -> Bool {
        switch (self, next) {
        case (.new, .open), (.new, .pending), (.new, .solved), (.new, .closed): true
        case (.open, .pending), (.open, .solved), (.open, .closed): true
        case (.pending, .open), (.pending, .solved), (.pending, .closed): true
        case (.solved, .closed), (.solved, .open): true
        case (.closed, .open): true
        default: false
        }
    }
}

public enum TicketPriority: String, Sendable, Codable, CaseIterable, Comparable {
    case low, normal, high, urgent

    /// One step up; urgent stays urgent.
    public var raised: TicketPriority { Self.allCases[min(Self.allCases.count - 1, Self.allCases.firstIndex(of: self)! + 1)] }

    public static func < (a: TicketPriority, b: TicketPriority) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// Who has a ticket: an agent, or a queue (any of its agents).
public enum TicketAssignee: Sendable, Codable, Equatable, CustomStringConvertible {
    case agent(String)
    case queue(String)

    /// `agent:1001` or `queue:support`, as written and stored.
    public init?(parsing text: String) {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, !parts[1].isEmpty else { return nil }
        switch parts[0] {
        case "agent": self = .agent(parts[1])
        case "queue": self = .queue(parts[1])
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .agent(let id): "agent:\(id)"
        case .queue(let name): "queue:\(name)"
        }
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let assignee = Self(parsing: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "'\(text)' is not agent:ID or queue:NAME"))
        }
        self = assignee
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// A call linked to a ticket, and the rule that linked it (`abandoned`, `repeat-caller`, `manual`).
public struct TicketCall: Sendable, Codable, Equatable {
    public var uniqueID: String
    public var rule: String
    public var at: Date

    public init(uniqueID: String, rule: String, at: Date) {
        self.uniqueID = uniqueID
        self.rule = rule
        self.at = at
    }
}

public struct TicketFile: Sendable, Codable, Equatable {
    public enum Kind: String, Sendable, Codable { case recording, voicemail }
    public var path: String
    public var kind: Kind

    public init(path: String, kind: Kind) {
        self.path = path
        self.kind = kind
    }
}

/// One change in a ticket's history, which is only ever appended to.
public struct TicketChange: Sendable, Codable, Equatable {
    public var at: Date
    /// `user:ana`, `agent:1001`, `rule:abandoned`, `system`.
    public var who: String
    /// `created`, `status`, `priority`, `assignee`, `comment`, `call`, `file`, `due`.
    public var field: String
    public var old: String?
    public var new: String?

    public init(at: Date, who: String, field: String, old: String? = nil, new: String? = nil) {
        self.at = at
        self.who = who
        self.field = field
        self.old = old
        self.new = new
    }
}

/// A satisfaction survey call owed for a solved ticket: when it may be placed next, and the
/// uniqueid of the call that placed it last.
public struct TicketSurvey: Sendable, Equatable {
    public var ticketID: Int64
    public var phone: String
    public var tries: Int
    public var nextAt: Date

    public init(ticketID: Int64, phone: String, tries: Int, nextAt: Date) {
        self.ticketID = ticketID
        self.phone = phone
        self.tries = tries
        self.nextAt = nextAt
    }
}

/// Ticket numbers people read aloud and key in: `T-000123`; digits alone are accepted.
public enum TicketNumber {
    public static func text(_ id: Int64) -> String { "T-" + String(format: "%06lld", id) }

    /// The id in `T-000123`, `t-123` or `000123`; nil for anything else.
    public static func id(_ text: String) -> Int64? {
        var digits = Substring(text.trimmingCharacters(in: .whitespaces))
        if digits.uppercased().hasPrefix("T-") { digits = digits.dropFirst(2) }
        guard !digits.isEmpty, digits.count <= 18, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber), let id = Int64(digits), id > 0 else { return nil }
        return id
    }
}

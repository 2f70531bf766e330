import Foundation

/// An agent as stored: who, which phone to ring, what they can do. The PIN itself is never
/// stored or shown, only whether one is set.
public struct Agent: Sendable, Codable, Equatable {
    public var id: String
    public var name: String
    /// What Asterisk dials to ring the agent: `PJSIP/1001`, `SIP/1001`, `Local/1001@agents`.
    public var endpoint: String
    /// Skill → level 1…5.
    public var skills: [String: Int]
    public var languages: [String]
    public var hasPIN: Bool
    public var createdAt: Date

    public init(id: String, name: String, endpoint: String, skills: [String: Int] = [:], languages: [String] = [], hasPIN: Bool = false, createdAt: Date = Date()) {
        self.id = id
        self.name = name
        self.endpoint = endpoint
        self.skills = skills
        self.languages = languages
        self.hasPIN = hasPIN
        self.createdAt = createdAt
    }
}

public struct Customer: Sendable, Codable, Equatable {
    public var id: Int64
    public var name: String
    /// As entered; matched through `PhoneNumberPlan.key`.
    public var phones: [String]
    /// 0 = none; higher is more important.
    public var vipTier: Int
    public var language: String?
    public var notes: String?
    public var createdAt: Date
}

/// A customer to add: everything but the id.
public struct CustomerDraft: Sendable, Equatable {
    public var name: String
    public var phones: [String]
    public var vipTier: Int
    public var language: String?
    public var notes: String?

    public init(name: String, phones: [String], vipTier: Int = 0, language: String? = nil, notes: String? = nil) {
        self.name = name
        self.phones = phones
        self.vipTier = vipTier
        self.language = language
        self.notes = notes
    }
}

/// One call as reports read it: who, where it went, when each step happened, how it ended.
public struct CallRecord: Sendable, Codable, Equatable {
    public enum Direction: String, Sendable, Codable {
        case inbound, outbound, `internal`
    }

    public var id: Int64?
    public var uniqueID: String
    public var linkedID: String?
    public var direction: Direction
    public var callerNumber: String?
    public var callerName: String?
    public var dnis: String?
    public var flow: String?
    public var queue: String?
    public var agentID: String?
    public var customerID: Int64?
    public var arrivedAt: Date
    public var queuedAt: Date?
    public var offeredAt: Date?
    public var answeredAt: Date?
    public var endedAt: Date?
    /// `answered`, `abandoned`, `voicemail`, `transferred`, …
    public var outcome: String?
    public var hangupCause: Int?
    public var waitSeconds: Double?
    public var talkSeconds: Double?

    public init(uniqueID: String, direction: Direction = .inbound, arrivedAt: Date = Date()) {
        self.uniqueID = uniqueID
        self.direction = direction
        self.arrivedAt = arrivedAt
    }
}

/// One step of a call's timeline (`ivr-node`, `queued`, `offered`, `dtmf`, …).
/// A caller waiting to be called back: their number, and what keeps their place in line (the
/// queue as it stood, their own priority and skills, and since when they have waited).
public struct PendingCallback: Sendable, Equatable {
    public var uniqueID: String
    public var number: String
    public var queue: String
    public var queueSkills: [String: Int]
    public var queuePriority: Int
    public var extraPriority: Int
    public var extraSkills: [String: Int]
    public var waitingSince: Date
    public var requestedAt: Date

    public init(
        uniqueID: String, number: String, queue: String, queueSkills: [String: Int], queuePriority: Int,
        extraPriority: Int, extraSkills: [String: Int], waitingSince: Date, requestedAt: Date
    ) {
        self.uniqueID = uniqueID
        self.number = number
        self.queue = queue
        self.queueSkills = queueSkills
        self.queuePriority = queuePriority
        self.extraPriority = extraPriority
        self.extraSkills = extraSkills
        self.waitingSince = waitingSince
        self.requestedAt = requestedAt
    }
}

public struct CallEvent: Sendable, Codable, Equatable {
    public var kind: String
    public var at: Date
    /// Free text or JSON; digits a flow marks sensitive arrive here already masked.
    public var data: String?

    public init(kind: String, at: Date = Date(), data: String? = nil) {
        self.kind = kind
        self.at = at
        self.data = data
    }
}

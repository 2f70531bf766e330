import Foundation

/// One call as reports read it: who, where it went, when each step happened, how it ended.
/// Kept from what both sides saw (FastAGI and AMI) by `CallJourney`; times are wall clock from
/// one clock, durations come from the steps' times.
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
    /// The last queue the call was in (the timeline has every one).
    public var queue: String?
    public var agentID: String?
    public var customerID: Int64?
    public var arrivedAt: Date
    public var queuedAt: Date?
    /// The first time an agent was chosen for the call.
    public var offeredAt: Date?
    public var answeredAt: Date?
    public var endedAt: Date?
    /// Nil while the call is in progress.
    public var outcome: CallOutcome?
    /// How the caller left the queue without an agent: a key, its time limit, a callback.
    public var queueExit: QueueExit?
    public var hangupCause: Int?
    public var hangupSide: HangupSide?
    /// In queue and not ringing an agent.
    public var waitSeconds: Double?
    /// Ringing agents (every ring of the call, answered or not).
    public var ringSeconds: Double?
    /// In the bridge with the agent (AMI BridgeEnter → BridgeLeave), hold included.
    public var talkSeconds: Double?
    public var holdSeconds: Double?
    /// The agent's wrap-up after the call (the queue's).
    public var wrapUpSeconds: Double?
    /// How many times an agent was chosen for the call.
    public var offers: Int
    public var recording: String?

    public init(uniqueID: String, direction: Direction = .inbound, arrivedAt: Date = Date()) {
        self.uniqueID = uniqueID
        self.direction = direction
        self.arrivedAt = arrivedAt
        self.offers = 0
    }

    /// Seconds from arrival to the end; nil while in progress.
    public var totalSeconds: Double? { endedAt.map { $0.timeIntervalSince(arrivedAt) } }
}

/// How a call ended, one of a closed set.
public enum CallOutcome: String, Sendable, Codable, CaseIterable {
    /// An agent answered.
    case answered
    /// The caller left the queue without an agent (hung up, or a key or time limit ended the
    /// wait and nothing else served them).
    case abandoned
    /// Hung up in the queue sooner than the queue's short-abandon threshold.
    case shortAbandoned = "short-abandoned"
    case voicemail
    case callback
    /// A flow's transfer was answered.
    case transferred
    /// Ended in the flow, without a queue.
    case ivrOnly = "ivr-only"
    /// The operator took the call (after a flow error).
    case `operator`
    /// A flow error ended the call.
    case error
}

public enum HangupSide: String, Sendable, Codable {
    case caller, agent
    /// The flow or Asterisk ended the call.
    case system
}

public enum QueueExit: String, Sendable, Codable {
    case key, timeout, callback
    /// A supervisor sent the caller on (`switchboard queue remove`).
    case supervisor
}

import Core
import Foundation

/// What a queue's calls add up to over some time: counts and sums that add across intervals
/// and nodes, kept per queue and 15 minutes as calls end (`Store.queueTallies`). Every figure
/// a report shows is worked out from them here, once; README "Report definitions" says each
/// in words.
///
/// A call counts whole in the interval it joined the queue, under the last queue it was in.
public struct QueueTally: Sendable, Equatable, Codable {
    /// Calls that joined the queue and have ended.
    public var offered = 0
    /// An agent answered (a call transferred on after the answer included).
    public var answered = 0
    /// Answered within the queue's service-level threshold (`answerWait ≤ threshold`).
    public var answeredInTime = 0
    /// Left unserved after the short-abandon threshold (hung up, or a key or time limit ended the wait).
    public var abandoned = 0
    /// Hung up sooner than the short-abandon threshold: in neither the abandon rate nor the service level.
    public var shortAbandoned = 0
    public var exitsByKey = 0
    public var exitsByTimeout = 0
    public var exitsToCallback = 0
    /// Answered calls handed on to a transfer target.
    public var transfers = 0
    /// Seconds from joining the queue to the answer, summed over answered calls.
    public var answerWaitSeconds = 0.0
    /// The longest time one call spent in the queue, answered or not.
    public var longestWaitSeconds = 0.0
    /// Handle time's parts over answered calls: talk (bridged, hold excluded), hold, wrap-up.
    public var talkSeconds = 0.0
    public var holdSeconds = 0.0
    public var wrapUpSeconds = 0.0

    public init() {}

    /// One ended call's part. `serviceLevel` is the queue's threshold in seconds; whether the
    /// call was a short abandon was decided when it ended (`CallOutcome.shortAbandoned`).
    public init(_ call: CallRecord, serviceLevel: Double) {
        guard call.queuedAt != nil, call.outcome != nil else { return }
        offered = 1
        let inQueue = Self.secondsInQueue(call)
        longestWaitSeconds = inQueue
        if call.answeredAt != nil, call.agentID != nil {
            answered = 1
            answeredInTime = inQueue <= serviceLevel ? 1 : 0
            answerWaitSeconds = inQueue
            holdSeconds = call.holdSeconds ?? 0
            talkSeconds = max(0, (call.talkSeconds ?? 0) - holdSeconds)
            wrapUpSeconds = call.wrapUpSeconds ?? 0
            transfers = call.outcome == .transferred ? 1 : 0
        } else if call.outcome == .shortAbandoned {
            shortAbandoned = 1
        } else if call.outcome == .abandoned {
            abandoned = 1
        }
        switch call.queueExit {
        case .key: exitsByKey = 1
        case .timeout: exitsByTimeout = 1
        case .callback: exitsToCallback = 1
        case .supervisor, nil: break
        }
    }

    /// From joining the queue to the answer, or to leaving it: waiting plus ringing agents.
    public static func secondsInQueue(_ call: CallRecord) -> Double {
        if let answered = call.answeredAt, let queued = call.queuedAt { return max(0, answered.timeIntervalSince(queued)) }
        return (call.waitSeconds ?? 0) + (call.ringSeconds ?? 0)
    }

    public static func + (a: QueueTally, b: QueueTally) -> QueueTally {
        var sum = a
        sum += b
        return sum
    }

    public static func += (a: inout QueueTally, b: QueueTally) {
        a.offered += b.offered
        a.answered += b.answered
        a.answeredInTime += b.answeredInTime
        a.abandoned += b.abandoned
        a.shortAbandoned += b.shortAbandoned
        a.exitsByKey += b.exitsByKey
        a.exitsByTimeout += b.exitsByTimeout
        a.exitsToCallback += b.exitsToCallback
        a.transfers += b.transfers
        a.answerWaitSeconds += b.answerWaitSeconds
        a.longestWaitSeconds = max(a.longestWaitSeconds, b.longestWaitSeconds)
        a.talkSeconds += b.talkSeconds
        a.holdSeconds += b.holdSeconds
        a.wrapUpSeconds += b.wrapUpSeconds
    }

    // MARK: Figures (nil when there is nothing to divide by)

    /// Answered within the threshold out of answered calls.
    public var serviceLevelOfAnswered: Double? { ratio(answeredInTime, answered) }
    /// Answered within the threshold out of answered and abandoned calls (short abandons excluded).
    public var serviceLevelInclusive: Double? { ratio(answeredInTime, answered + abandoned) }
    /// Abandoned out of offered calls less short abandons.
    public var abandonRate: Double? { ratio(abandoned, offered - shortAbandoned) }
    /// Average speed of answer: seconds from joining the queue to the answer.
    public var averageSpeedOfAnswer: Double? { answered == 0 ? nil : answerWaitSeconds / Double(answered) }
    /// Average handle time: (talk + hold + wrap-up) / answered calls.
    public var averageHandleTime: Double? { answered == 0 ? nil : (talkSeconds + holdSeconds + wrapUpSeconds) / Double(answered) }

    private func ratio(_ part: Int, _ whole: Int) -> Double? { whole <= 0 ? nil : Double(part) / Double(whole) }
}

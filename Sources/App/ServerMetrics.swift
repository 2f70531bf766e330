import Core
import Foundation
import Synchronization

/// What the server counts as it runs, for `/metrics`: calls by outcome, the store's write
/// times, and how far behind Asterisk the AMI events are taken. Everything else on the page
/// (waiting calls, agents, sessions, AMI state) is read live when it is scraped.
final class ServerMetrics: Sendable {
    /// The bucket bounds of the store's write-time histogram, in seconds.
    static let writeBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]

    struct Counts {
        var outcomes: [String: Int] = [:]
        /// Per bucket of `writeBuckets` (not cumulative), then above the last.
        var writeBuckets = [Int](repeating: 0, count: ServerMetrics.writeBuckets.count + 1)
        var writeSeconds = 0.0
        var writes = 0
        var eventLag: Double?
    }

    private let counts = Mutex(Counts())

    var snapshot: Counts { counts.withLock { $0 } }

    /// A call's record was handed to the store with this outcome.
    func callFinished(_ outcome: CallOutcome?) {
        counts.withLock { $0.outcomes[outcome?.rawValue ?? "unknown", default: 0] += 1 }
    }

    /// One transaction of the store's writer took `seconds`.
    func storeWrite(seconds: Double) {
        let bucket = Self.writeBuckets.firstIndex { seconds <= $0 } ?? Self.writeBuckets.count
        counts.withLock { counts in
            counts.writeBuckets[bucket] += 1
            counts.writeSeconds += seconds
            counts.writes += 1
        }
    }

    /// An AMI event stamped by Asterisk (`Timestamp:`, with `timestampevents = yes` in
    /// manager.conf) was taken `seconds` after that stamp.
    func eventTaken(lag seconds: Double) {
        counts.withLock { $0.eventLag = max(0, seconds) }
    }
}

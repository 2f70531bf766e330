import Core
import Synchronization

/// Connections that closed (or stalled) before sending their environment. A port probe or a
/// load balancer's health check makes hundreds of them, so the first is logged with its peer
/// and error, and the rest are counted into one summary line per period.
final class EarlyDrops: Sendable {
    struct Tally {
        var pending = 0
        var lastPeer = ""
        var lastError = ""
        var loggedAt: MonotonicTime?
    }

    private let period: Duration
    private let tally = Mutex(Tally())
    private let logger: Logger

    init(period: Duration, logger: Logger) {
        self.period = period
        self.logger = logger
    }

    /// A connection dropped: logged now when nothing was logged for a period, counted otherwise
    /// (and logged at debug level, for whoever is looking into one).
    func note(peer: String, error: String) {
        logger.debug("AGI connection closed before its environment", ["peer": peer, "error": error])
        let now = MonotonicTime.now()
        let logNow = tally.withLock { tally -> Bool in
            if let at = tally.loggedAt, now < at.advanced(by: period) {
                tally.pending += 1
                tally.lastPeer = peer
                tally.lastError = error
                return false
            }
            tally.loggedAt = now
            return true
        }
        if logNow { logger.warning("dropped AGI connection before its environment", ["peer": peer, "error": error]) }
    }

    /// Logs the drops counted since the last line, if any; called once a period.
    func flush() {
        let tally = tally.withLock { tally -> Tally? in
            guard tally.pending > 0 else { return nil }
            defer {
                tally.pending = 0
                tally.loggedAt = MonotonicTime.now()
            }
            return tally
        }
        guard let tally else { return }
        logger.warning("dropped \(tally.pending) more AGI connections before their environment", [
            "last peer": tally.lastPeer, "last error": tally.lastError, "within": "\(period.components.seconds) s",
        ])
    }
}

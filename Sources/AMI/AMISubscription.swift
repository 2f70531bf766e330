import Core
import Synchronization

/// What a subscriber to the AMI client receives, in order.
public enum AMIFeed: Sendable {
    /// Logged in; `reconnect` is true after the first time. State owners resync now
    /// (CoreShowChannels, DeviceStateList, …): events during the outage are gone.
    case connected(reconnect: Bool)
    case event(AMIEvent)
    /// This subscriber fell behind and `missed` events were dropped for it alone: rebuild
    /// what it derives from events as after a reconnect.
    case resync(missed: Int)
    case disconnected(reason: String)
}

/// One subscriber's bounded buffer. The client's reader never waits for it: when it is full,
/// events for this subscriber are dropped and counted, and a `.resync` goes in as soon as
/// there is room again.
final class Subscriber: Sendable {
    let id: Int
    let name: String
    private let continuation: AsyncStream<AMIFeed>.Continuation
    private let overflow = Mutex<(missed: Int, episodes: Int)>((0, 0))

    init(id: Int, name: String, continuation: AsyncStream<AMIFeed>.Continuation) {
        self.id = id
        self.name = name
        self.continuation = continuation
    }

    /// Hands `feed` on; returns true when this call started an overflow (to report it once).
    func deliver(_ feed: AMIFeed) -> Bool {
        overflow.withLock { state in
            if state.missed > 0 {
                guard case .enqueued = continuation.yield(.resync(missed: state.missed)) else {
                    state.missed += 1
                    return false
                }
                state.missed = 0
            }
            guard case .dropped = continuation.yield(feed) else { return false }
            state.missed = 1
            state.episodes += 1
            return true
        }
    }

    /// Times this subscriber fell behind.
    var overflows: Int { overflow.withLock { $0.episodes } }

    func finish() { continuation.finish() }
}

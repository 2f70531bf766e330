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

/// One subscriber's feed from the AMI client (`AMIClient.subscribe`): iterate it with
/// `for await`. It ends when the client stops or the iterating task is cancelled; once it is
/// dropped, the client stops filling it.
public struct AMISubscription: AsyncSequence, Sendable {
    public typealias Element = AMIFeed
    public typealias Failure = Never

    private let lease: Lease

    init(_ subscriber: Subscriber, onEnd: @escaping @Sendable () -> Void) {
        lease = Lease(subscriber: subscriber, onEnd: onEnd)
    }

    public func makeAsyncIterator() -> Iterator { Iterator(lease: lease) }

    /// Takes what the client delivered a batch at a time: one wake-up for many events, not one
    /// per event.
    public struct Iterator: AsyncIteratorProtocol {
        fileprivate let lease: Lease
        private var batch: [AMIFeed] = []
        private var position = 0

        fileprivate init(lease: Lease) {
            self.lease = lease
        }

        public mutating func next() async -> AMIFeed? {
            if position == batch.count {
                guard let taken = await lease.subscriber.take() else { return nil }
                batch = taken
                position = 0
            }
            defer { position += 1 }
            return batch[position]
        }
    }

    /// Ends the subscription when the last copy of the sequence and its iterators is gone.
    fileprivate final class Lease: Sendable {
        let subscriber: Subscriber
        let onEnd: @Sendable () -> Void

        init(subscriber: Subscriber, onEnd: @escaping @Sendable () -> Void) {
            self.subscriber = subscriber
            self.onEnd = onEnd
        }

        deinit {
            subscriber.finish()
            onEnd()
        }
    }
}

/// One subscriber's bounded buffer. The client's reader never waits for it: when it holds
/// `limit` undelivered feeds, events for this subscriber are dropped and counted, and a
/// `.resync` goes in as soon as there is room again.
///
/// While Asterisk streams faster than one read takes, the subscriber is woken only when half
/// its buffer is full or the reader has caught up (`wake()`), not for every read: a thread
/// wake-up costs more than the events of a small read.
final class Subscriber: Sendable {
    let id: Int
    let name: String
    private let limit: Int
    private let state: Mutex<State>

    private struct State {
        var waiting: [AMIFeed] = []
        var reader: CheckedContinuation<[AMIFeed]?, Never>?
        var missed = 0
        var finished = false
    }

    init(id: Int, name: String, limit: Int) {
        self.id = id
        self.name = name
        self.limit = max(1, limit)
        state = Mutex(State())
    }

    /// Hands `feeds` on, in order, waking the subscriber if `wake` or its buffer is half full;
    /// returns true when this call started an overflow (to report it once).
    func deliver(_ feeds: [AMIFeed], wake: Bool) -> Bool {
        let (reader, handed, started) = state.withLock { state -> (CheckedContinuation<[AMIFeed]?, Never>?, [AMIFeed], Bool) in
            guard !state.finished else { return (nil, [], false) }
            var started = false
            var feeds = feeds[...]
            if state.missed > 0, state.waiting.count < limit {
                state.waiting.append(.resync(missed: state.missed))
                state.missed = 0
            }
            if state.missed == 0 {
                let room = limit - state.waiting.count
                if feeds.count <= room {
                    state.waiting.append(contentsOf: feeds)
                    feeds = []
                } else {
                    state.waiting.append(contentsOf: feeds.prefix(max(0, room)))
                    feeds = feeds.dropFirst(max(0, room))
                    started = true
                }
            }
            state.missed += feeds.count
            guard wake || state.waiting.count >= limit / 2 || state.missed > 0 else { return (nil, [], started) }
            guard let reader = state.reader, !state.waiting.isEmpty else { return (nil, [], started) }
            state.reader = nil
            defer { state.waiting = [] }
            return (reader, state.waiting, started)
        }
        reader?.resume(returning: handed)
        return started
    }

    /// Wakes the subscriber if it waits and something is waiting for it.
    func wake() {
        _ = deliver([], wake: true)
    }

    /// Everything delivered and not yet taken, waiting for some if there is none; nil once
    /// finished (or the waiting task is cancelled) and nothing is left.
    func take() async -> [AMIFeed]? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (reader: CheckedContinuation<[AMIFeed]?, Never>) in
                let ready = state.withLock { state -> [AMIFeed]?? in
                    if !state.waiting.isEmpty {
                        defer { state.waiting = [] }
                        return .some(state.waiting)
                    }
                    if state.finished || Task.isCancelled { return .some(nil) }
                    state.reader = reader
                    return .none
                }
                if let ready { reader.resume(returning: ready) }
            }
        } onCancel: {
            finish()
        }
    }

    /// Ends the feed: a waiting reader gets what is left, then nil.
    func finish() {
        let reader = state.withLock { state -> CheckedContinuation<[AMIFeed]?, Never>? in
            state.finished = true
            defer { state.reader = nil }
            return state.reader
        }
        reader?.resume(returning: nil)
    }
}

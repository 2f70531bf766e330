import Core
import Foundation
import Synchronization
import Wire

/// Switchboard's standing link to Asterisk: connects and logs in, reconnects with capped
/// exponential backoff and jitter, checks liveness with Ping/Pong, keeps the live channel
/// tracker (rebuilt from CoreShowChannels on every connect), and fans events out to
/// subscribers, each with its own bounded buffer.
public final class AMIClient: Sendable {
    public struct Settings: Sendable {
        public var host: String
        public var port: UInt16
        public var username: String
        public var secret: Secret
        public var auth: AMIAction.AuthType = .md5
        /// Event classes to receive (`Events:` of the Login).
        public var events = "on"
        public var connection = AMIConnection.Options()
        /// Ping this often; nil turns keepalive off.
        public var pingInterval: Duration? = .seconds(10)
        /// A Pong not back within this long means the connection is dead.
        public var pongTimeout: Duration = .seconds(5)
        public var backoff = Backoff()
        /// Events a subscriber may have waiting before it is told to resync.
        public var subscriberBuffer = 10_000
        /// Events kept while the channel list is read after a connect (then applied to it).
        public var resyncBufferLimit = 100_000

        public init(host: String, port: UInt16 = 5038, username: String, secret: Secret) {
            self.host = host
            self.port = port
            self.username = username
            self.secret = secret
        }
    }

    /// The client's state for `switchboard status`.
    public struct Status: Sendable, Codable, Equatable {
        /// `connecting`, `connected`, `retrying`, `stopped`.
        public var state: String
        public var detail: String
        public var connects: Int
        public var events: Int
        public var liveChannels: Int
        public var subscriberOverflows: Int
    }

    private struct State {
        var connection: AMIConnection?
        var stopped = false
        var connects = 0
        var events = 0
        var overflows = 0
        var status = "connecting"
        var detail = ""
        var tracker = ChannelTracker()
        /// While the tracker is rebuilt, the events that arrive meanwhile, applied after; at most
        /// `Settings.resyncBufferLimit`, past which the rebuild is abandoned and the connection tried again.
        var resyncBuffer: [AMIEvent]?
        var resyncOverflowed = false
        var subscribers: [Int: Subscriber] = [:]
        var nextSubscriber = 0
        var sleeper: Task<Void, any Error>?
    }

    public let settings: Settings
    private let logger: Logger
    private let state = Mutex(State())

    public init(settings: Settings, logger: Logger) {
        self.settings = settings
        self.logger = logger.with("ami", "\(settings.host):\(settings.port)")
    }

    /// Connects, and reconnects after every loss, until `stop()` or cancellation.
    public func run() async {
        var attempt = 0
        while !isStopped, !Task.isCancelled {
            do {
                let connection = try await open()
                attempt = 0
                let reason = await serve(connection)
                guard !isStopped else { break }
                logger.warning("AMI connection lost: \(reason)")
                setStatus("retrying", reason)
            } catch {
                logger.warning("AMI connection failed: \(error)", ["attempt": "\(attempt + 1)"])
                setStatus("retrying", "\(error)")
            }
            attempt += 1
            let delay = settings.backoff.delay(attempt: attempt)
            let sleeper = Task { try await Task.sleep(for: delay) }
            guard state.withLock({ state in
                if state.stopped { return false }
                state.sleeper = sleeper
                return true
            }) else { break }
            _ = try? await sleeper.value
        }
        setStatus("stopped", "")
    }

    /// Logs off (best effort), closes, and ends `run()` and every subscription.
    public func stop() async {
        let (connection, sleeper, subscribers) = state.withLock { state in
            state.stopped = true
            defer { state.subscribers = [:] }
            return (state.connection, state.sleeper, Array(state.subscribers.values))
        }
        sleeper?.cancel()
        if let connection {
            _ = try? await connection.send(.logoff(), timeout: .seconds(1))
            connection.close(reason: "Switchboard stopped")
        }
        for subscriber in subscribers { subscriber.finish() }
    }

    /// Sends an action on the current connection; `AMIError.notConnected` while there is none.
    public func send(_ action: AMIAction, timeout: Duration? = nil) async throws -> AMIResponse {
        let (connection, status) = state.withLock { ($0.connection, "\($0.status): \($0.detail)") }
        guard let connection else { throw AMIError.notConnected(status) }
        return try await connection.send(action, timeout: timeout)
    }

    /// A feed of connects, events, resyncs and disconnects; ends when the client stops.
    /// - Parameter buffer: feeds it may have waiting before it is told to resync
    ///   (`Settings.subscriberBuffer` by default).
    public func subscribe(name: String, buffer: Int? = nil) -> AMISubscription {
        let subscriber = state.withLock { state -> Subscriber in
            state.nextSubscriber += 1
            let subscriber = Subscriber(id: state.nextSubscriber, name: name, limit: buffer ?? settings.subscriberBuffer)
            if state.stopped { subscriber.finish() } else { state.subscribers[subscriber.id] = subscriber }
            return subscriber
        }
        return AMISubscription(subscriber) { [weak self] in
            _ = self?.state.withLock { $0.subscribers.removeValue(forKey: subscriber.id) }
        }
    }

    public var status: Status {
        state.withLock { state in
            Status(
                state: state.status, detail: state.detail, connects: state.connects, events: state.events,
                liveChannels: state.tracker.count, subscriberOverflows: state.overflows
            )
        }
    }

    /// The live channels, oldest first.
    public var channels: [ChannelTracker.TrackedChannel] { state.withLock { $0.tracker.live } }

    /// A copy of the tracker (live and recently ended channels).
    public var tracker: ChannelTracker { state.withLock { $0.tracker } }

    private var isStopped: Bool { state.withLock { $0.stopped } }

    /// Connects, logs in and rebuilds the tracker; the connection is live when this returns.
    private func open() async throws -> AMIConnection {
        setStatus("connecting", "\(settings.host):\(settings.port)")
        let address = try await SocketAddress.resolve(host: settings.host, port: settings.port)
        state.withLock { state in
            state.resyncBuffer = []
            state.resyncOverflowed = false
        }
        let connection = try await AMIConnection.connect(
            to: address, options: settings.connection, logger: logger,
            onEvents: { [weak self] events in self?.dispatch(events) },
            onCaughtUp: { [weak self] in self?.wakeSubscribers() }
        )
        do {
            try await connection.login(username: settings.username, secret: settings.secret, auth: settings.auth, events: settings.events)
            let list = try await connection.send(.coreShowChannels())
            let reconnect = try state.withLock { state -> Bool? in
                // stop() may have run while this connection was being set up.
                if state.stopped { return nil }
                if state.resyncOverflowed {
                    state.resyncBuffer = nil
                    throw AMIError.disconnected("over \(settings.resyncBufferLimit) events arrived while the channel list was read")
                }
                state.tracker.rebuild(from: list.items)
                for event in state.resyncBuffer ?? [] { state.tracker.apply(event) }
                state.resyncBuffer = nil
                state.connection = connection
                state.connects += 1
                return state.connects > 1
            }
            guard let reconnect else { throw AMIError.notConnected("stopped") }
            logger.notice(reconnect ? "AMI reconnected" : "AMI connected", [
                "banner": connection.banner, "user": settings.username, "channels": "\(list.items.count)",
            ])
            setStatus("connected", "\(address) as \(settings.username)")
            broadcast(.connected(reconnect: reconnect))
            return connection
        } catch {
            connection.close()
            throw error
        }
    }

    /// Keeps the connection alive with Ping until it ends; returns why it ended.
    private func serve(_ connection: AMIConnection) async -> String {
        let keepalive = Task { [settings, logger] in
            guard let interval = settings.pingInterval else { return }
            while !Task.isCancelled, connection.isOpen {
                try await Task.sleep(for: interval)
                do {
                    let pong = try await connection.send(.ping(), timeout: settings.pongTimeout)
                    if pong.message["Ping"] != "Pong" { logger.debug("AMI Ping answered without Pong") }
                } catch AMIError.timedOut {
                    connection.close(reason: "no Pong within \(settings.pongTimeout)")
                }
            }
        }
        let reason = await connection.closed()
        keepalive.cancel()
        state.withLock { $0.connection = nil }
        broadcast(.disconnected(reason: reason))
        return reason
    }

    /// Runs on the connection's reader with the events of one read: updates the tracker and
    /// fills subscriber buffers; never waits.
    private func dispatch(_ events: [AMIEvent]) {
        let subscribers = state.withLock { state -> [Subscriber] in
            state.events += events.count
            if state.resyncBuffer != nil {
                let room = settings.resyncBufferLimit - state.resyncBuffer!.count
                state.resyncBuffer!.append(contentsOf: events.prefix(room))
                if events.count > room { state.resyncOverflowed = true }
            } else {
                for event in events { state.tracker.apply(event) }
            }
            return Array(state.subscribers.values)
        }
        guard !subscribers.isEmpty else { return }
        deliver(events.map(AMIFeed.event), to: subscribers)
    }

    /// The reader has handed on everything received: subscribers that were not woken for
    /// each read (`Subscriber.deliver`) take what is waiting now.
    private func wakeSubscribers() {
        for subscriber in state.withLock({ Array($0.subscribers.values) }) { subscriber.wake() }
    }

    private func broadcast(_ feed: AMIFeed) {
        deliver([feed], to: state.withLock { Array($0.subscribers.values) }, now: true)
    }

    private func deliver(_ feeds: [AMIFeed], to subscribers: [Subscriber], now: Bool = false) {
        for subscriber in subscribers where subscriber.deliver(feeds, wake: now) {
            state.withLock { $0.overflows += 1 }
            logger.warning("AMI subscriber fell behind; its events are dropped until it catches up, then it resyncs", ["subscriber": subscriber.name])
        }
    }

    private func setStatus(_ status: String, _ detail: String) {
        state.withLock { state in
            state.status = status
            state.detail = detail
        }
    }
}

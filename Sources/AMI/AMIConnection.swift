import Core
import Synchronization
import Wire

/// One AMI session over one TCP connection: banner, login, actions matched to their answers by
/// ActionID, and every event handed to `onEvents` with the others of the same read.
///
/// The reader task only frames, parses and hands off; `onEvents` runs on it and must be quick
/// (the client's fan-out puts events into bounded buffers). Writes go through one writer task.
/// When the connection ends, for whatever reason, every pending action fails with
/// `AMIError.disconnected` and `closed` returns the reason.
public final class AMIConnection: Sendable {
    public struct Options: Sendable {
        /// ActionIDs are this prefix and a counter (`sb-1`, `sb-2`, …).
        public var actionIDPrefix = "sb-"
        /// Time limit for an action that is given none.
        public var actionTimeout: Duration = .seconds(10)
        /// Time to connect and receive the banner.
        public var connectTimeout: Duration = .seconds(5)
        /// Largest header block accepted; a bigger one ends the connection.
        public var maxMessageSize = Framer.defaultMaxMessageSize

        public init() {}
    }

    /// The first line Asterisk sent (`Asterisk Call Manager/9.0.0`).
    public let banner: String
    public let peer: SocketAddress

    private let connection: Connection
    private let options: Options
    private let logger: Logger
    private let nextActionID = Atomic<Int>(1)
    private let state = Mutex(State())
    private let outgoing: AsyncStream<[UInt8]>.Continuation
    private let closedReason = ClosedSignal()

    private struct State {
        var pending = PendingActions()
        /// Why the connection ended; nil while it is open.
        var closed: String?
    }

    /// Connects to `address` and reads the banner. `onEvents` receives every event that is not
    /// part of an action's answer, in order, the events of one read at a time; `onCaughtUp`
    /// is called whenever every event received has been handed on and the reader waits for more.
    public static func connect(
        to address: SocketAddress,
        options: Options = Options(),
        logger: Logger,
        onEvents: @escaping @Sendable ([AMIEvent]) -> Void,
        onCaughtUp: @escaping @Sendable () -> Void = {}
    ) async throws -> AMIConnection {
        // Asterisk may write without TCP_NODELAY: acknowledge at once so its next event is not held.
        let connection = try await Connection.connect(to: address, deadline: .after(options.connectTimeout), quickAck: true)
        var reader = FramedReader(
            connection: connection, framer: Framer(maxLineLength: options.maxMessageSize, maxMessageSize: options.maxMessageSize), readSize: Self.readSize
        )
        let banner: String
        do {
            guard let line = try await reader.readLine(deadline: .after(options.connectTimeout)) else {
                throw AMIError.disconnected("\(address) closed the connection before sending a banner")
            }
            banner = line
        } catch {
            connection.close()
            throw error
        }
        guard banner.contains("Call Manager/") else {
            connection.close()
            throw AMIError.notAMI(banner: String(banner.prefix(80)))
        }
        return AMIConnection(connection: connection, reader: reader, banner: banner, options: options, logger: logger, onEvents: onEvents, onCaughtUp: onCaughtUp)
    }

    private init(
        connection: Connection, reader: FramedReader, banner: String, options: Options, logger: Logger,
        onEvents: @escaping @Sendable ([AMIEvent]) -> Void, onCaughtUp: @escaping @Sendable () -> Void
    ) {
        self.connection = connection
        self.banner = banner
        self.peer = connection.peer
        self.options = options
        self.logger = logger
        let (stream, outgoing) = AsyncStream.makeStream(of: [UInt8].self)
        self.outgoing = outgoing
        Task(executorPreference: connection.loop) { [self] in await self.write(stream) }
        Task(executorPreference: connection.loop) { [self] in await self.read(reader, onEvents: onEvents, onCaughtUp: onCaughtUp) }
        Task { [self] in await self.expireActions() }
    }

    /// Logs in: MD5 challenge by default (the secret never crosses the wire), plain on request.
    /// A refusal throws `AMIError.authenticationFailed`; Asterisk closes the connection after it.
    public func login(username: String, secret: Secret, auth: AMIAction.AuthType = .md5, events: String = "on") async throws {
        let action: AMIAction
        switch auth {
        case .md5:
            let answer = try await send(.challenge())
            guard let challenge = answer.message["Challenge"] else {
                throw AMIError.authenticationFailed("no challenge in Asterisk's answer")
            }
            action = .login(username: username, key: AMIAction.md5Key(challenge: challenge, secret: secret.reveal), events: events)
        case .plain:
            action = .login(username: username, secret: secret.reveal, events: events)
        }
        do {
            _ = try await send(action)
        } catch AMIError.actionFailed(_, let message) {
            throw AMIError.authenticationFailed("\(message) (user \(username) at \(peer))")
        }
    }

    /// Sends `action` and waits for its whole answer. `Response: Error` throws
    /// `AMIError.actionFailed` with Asterisk's message.
    public func send(_ action: AMIAction, timeout: Duration? = nil) async throws -> AMIResponse {
        let id = options.actionIDPrefix + String(nextActionID.add(1, ordering: .relaxed).oldValue)
        let bytes = try action.encoded(actionID: id)
        let timeout = timeout ?? options.actionTimeout
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (waiter: PendingActions.Waiter) in
                let refused = state.withLock { state -> String? in
                    if let reason = state.closed { return reason }
                    state.pending.add(id: id, .init(
                        action: action.name, waiter: waiter, timeout: timeout,
                        deadline: .now + timeout, awaitsOriginateResponse: action.completesWithOriginateResponse
                    ))
                    return nil
                }
                if let refused {
                    waiter.resume(throwing: AMIError.disconnected(refused))
                    return
                }
                logger.trace("AMI action", ["action": action.description, "id": id])
                outgoing.yield(bytes)
            }
        } onCancel: {
            state.withLock { $0.pending.remove(id: id, error: .disconnected("cancelled")) }?.resume()
        }
    }

    /// Ends the session without Logoff; pending actions fail.
    public func close(reason: String = "closed by Switchboard") {
        finish(reason)
        connection.shutdown()
    }

    /// Waits until the connection has ended and returns why.
    public func closed() async -> String {
        await closedReason.wait()
    }

    public var isOpen: Bool { state.withLock { $0.closed == nil } }

    /// Actions waiting for their answer.
    public var pendingActions: Int { state.withLock { $0.pending.count } }

    /// Bytes taken from the socket at once: a burst of events is read, parsed and handed on
    /// together (Asterisk's events are ~400 bytes; 64 KB is ~160 of them).
    static let readSize = 65_536

    private func read(_ reader: FramedReader, onEvents: @Sendable ([AMIEvent]) -> Void, onCaughtUp: @Sendable () -> Void) async {
        var reader = reader
        var reason = "Asterisk closed the connection"
        var messages: [AMIMessage] = []
        do {
            while try await reader.read(caughtUp: onCaughtUp, { AMIMessage.parse($0, into: &messages) }) {
                defer { messages.removeAll(keepingCapacity: true) }
                let (untaken, resolutions) = state.withLock { state in
                    var untaken: [AMIMessage] = []
                    var resolutions: [PendingActions.Resolution] = []
                    untaken.reserveCapacity(messages.count)
                    for message in messages {
                        let (taken, resolution) = state.pending.accept(message)
                        if let resolution { resolutions.append(resolution) }
                        if !taken { untaken.append(message) }
                    }
                    return (untaken, resolutions)
                }
                var events: [AMIEvent] = []
                events.reserveCapacity(untaken.count)
                for message in untaken {
                    switch message.kind {
                    case .event: events.append(AMIEvent(message))
                    case .response: logger.debug("AMI response matches no pending action", ["actionid": message.actionID ?? "none"])
                    case .unknown: logger.warning("AMI message neither response nor event ignored", ["first": message.headers.first?.name ?? ""])
                    }
                }
                for resolution in resolutions { resolution.resume() }
                if !events.isEmpty { onEvents(events) }
            }
        } catch {
            reason = "\(error) from \(peer)"
        }
        finish(reason)
        connection.close()
    }

    private func write(_ stream: AsyncStream<[UInt8]>) async {
        for await bytes in stream {
            do {
                try await connection.write(bytes)
            } catch {
                finish("write failed: \(error)")
                connection.shutdown()
                return
            }
        }
    }

    /// Fails actions past their deadline, every 50 ms while the connection is open.
    private func expireActions() async {
        while isOpen {
            try? await Task.sleep(for: .milliseconds(50))
            let expired = state.withLock { $0.pending.expire(now: .now) }
            for resolution in expired { resolution.resume() }
        }
    }

    private func finish(_ reason: String) {
        let failed = state.withLock { state -> [PendingActions.Resolution]? in
            guard state.closed == nil else { return nil }
            state.closed = reason
            return state.pending.failAll(.disconnected(reason))
        }
        guard let failed else { return }
        outgoing.finish()
        for resolution in failed { resolution.resume() }
        closedReason.fire(reason)
    }
}

/// A one-shot signal carrying why a connection ended; waiters before and after it fires get it.
final class ClosedSignal: Sendable {
    private let state = Mutex<(reason: String?, waiters: [CheckedContinuation<String, Never>])>((nil, []))

    func fire(_ reason: String) {
        let waiters = state.withLock { state -> [CheckedContinuation<String, Never>] in
            guard state.reason == nil else { return [] }
            state.reason = reason
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(returning: reason) }
    }

    func wait() async -> String {
        await withCheckedContinuation { waiter in
            let reason = state.withLock { state -> String? in
                if let reason = state.reason { return reason }
                state.waiters.append(waiter)
                return nil
            }
            if let reason { waiter.resume(returning: reason) }
        }
    }
}

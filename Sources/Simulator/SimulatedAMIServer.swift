import AMI
import Core
import Foundation
import Synchronization
import Wire

/// Asterisk's side of AMI, as the transcripts show it: the banner, MD5 and plain login (a
/// refusal comes after one second and closes the connection, as manager.c does), actions
/// answered with the ActionID echoed, events to every session that logged in with events on.
///
/// What it knows of calls comes from its owner (`channels` for CoreShowChannels, `broadcast`
/// for events); the simulator's PBX core drives it, tests drive it directly.
public final class SimulatedAMIServer: Sendable {
    public static let banner = "Asterisk Call Manager/9.0.0"

    public let server: ConnectionServer
    private let accounts: [String: String]
    private let logger: Logger
    private let state = Mutex(State())
    private let started = MonotonicTime.now()

    private struct State {
        var sessions: [Int: Session] = [:]
        var nextSession = 0
        var answersPing = true
        var channels: [AMIMessage] = []
        var actionsSeen: [String] = []
        var nextChallenge = 175_416_284
        var actions: ActionHandler?
    }

    /// Answers an action the server itself does not know: its response headers (first is
    /// `Response:`) and list items; nil for an unknown action.
    public typealias ActionHandler = @Sendable (AMIMessage) -> (response: [(name: String, value: String)], items: [AMIMessage])?

    /// Lets the simulated PBX answer Originate, Hangup, Redirect, Getvar, …
    public func setActionHandler(_ handler: @escaping ActionHandler) { state.withLock { $0.actions = handler } }

    /// One logged-in (or logging-in) manager session: its outgoing queue and whether it wants events.
    final class Session: Sendable {
        let outgoing: AsyncStream<[UInt8]>.Continuation
        let wantsEvents = Atomic<Bool>(false)
        /// Writes queued and not yet on the socket: the firehose waits on it.
        let queued = Atomic<Int>(0)
        init(outgoing: AsyncStream<[UInt8]>.Continuation) { self.outgoing = outgoing }

        func send(_ bytes: [UInt8]) {
            queued.add(1, ordering: .relaxed)
            outgoing.yield(bytes)
        }
    }

    /// - Parameter accounts: username → secret, as in manager.conf.
    public init(listener: Listener, accounts: [String: String], logger: Logger) {
        server = ConnectionServer(name: "simulated AMI", listener: listener, logger: logger)
        self.accounts = accounts
        self.logger = logger
    }

    public var localAddress: SocketAddress { server.listener.localAddress }

    public func run() async {
        await server.run { [self] connection in await serve(connection) }
    }

    /// Stops listening and drops every session.
    public func stop() {
        server.stopAccepting()
        server.closeAll()
    }

    /// Drops every session, as an Asterisk restart does; new connections are still accepted.
    public func dropSessions() {
        server.closeAll()
    }

    /// The challenge the next `Challenge` action gets (tests replaying a recorded MD5 login).
    public func setNextChallenge(_ challenge: Int) { state.withLock { $0.nextChallenge = challenge - 7919 } }

    /// Whether Ping gets its Pong (false: the action is read and never answered).
    public func setAnswersPing(_ answers: Bool) { state.withLock { $0.answersPing = answers } }

    /// The `CoreShowChannel` items a CoreShowChannels action lists.
    public func setChannels(_ items: [AMIMessage]) { state.withLock { $0.channels = items } }

    /// Actions received so far, by name, in order.
    public var actionsSeen: [String] { state.withLock { $0.actionsSeen } }

    /// Logged-in sessions that receive events.
    public var eventSessions: Int { state.withLock { $0.sessions.values.filter { $0.wantsEvents.load(ordering: .relaxed) }.count } }

    /// Sends `event` to every session that logged in with events on.
    public func broadcast(_ event: AMIMessage) {
        let bytes = event.encoded
        for session in state.withLock({ Array($0.sessions.values) }) where session.wantsEvents.load(ordering: .relaxed) {
            session.send(bytes)
        }
    }

    /// Sends `events` (encoded back to back) `times` over to every session with events on, as
    /// fast as each reads them: a session's queue is kept short, so memory stays flat.
    public func firehose(_ events: [UInt8], times: Int) async {
        let sessions = state.withLock { Array($0.sessions.values) }.filter { $0.wantsEvents.load(ordering: .relaxed) }
        for _ in 0..<times {
            for session in sessions {
                while session.queued.load(ordering: .relaxed) > 4 { try? await Task.sleep(for: .microseconds(200)) }
                session.send(events)
            }
        }
    }

    /// `IPV4/TCP/127.0.0.1/5038`, as security events name the ends of a session.
    static func describe(_ address: SocketAddress) -> String {
        switch address {
        case .ipv4(let ip, let port): "IPV4/TCP/\(ip)/\(port)"
        case .ipv6(let ip, let port): "IPV6/TCP/\(ip)/\(port)"
        case .unix(let path): "UNIX/\(path)"
        }
    }

    /// `2026-11-23T18:57:03.169+0000`, the EventTV format.
    static func eventTime() -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss.SSSZ"
        return formatter.string(from: Date())
    }

    private func serve(_ connection: Connection) async {
        let (stream, outgoing) = AsyncStream.makeStream(of: [UInt8].self)
        let session = Session(outgoing: outgoing)
        let id = state.withLock { state in
            state.nextSession += 1
            state.sessions[state.nextSession] = session
            return state.nextSession
        }
        defer { _ = state.withLock { $0.sessions.removeValue(forKey: id) } }
        let writer = Task(executorPreference: connection.loop) {
            for await bytes in stream {
                try await connection.write(bytes)
                session.queued.subtract(1, ordering: .relaxed)
            }
        }
        defer { writer.cancel() }
        session.send(Array((Self.banner + "\r\n").utf8))
        var reader = FramedReader(connection: connection)
        var challenge: String?
        var user: String?
        do {
            while let block = try await reader.readBlock() {
                let action = AMIMessage(block: block)
                let name = action["Action"] ?? ""
                state.withLock { $0.actionsSeen.append(name) }
                func reply(_ headers: [(name: String, value: String)]) {
                    var all: [(name: String, value: String)] = [headers[0]]
                    if let id = action.actionID { all.append(("ActionID", id)) }
                    session.send(AMIMessage(all + headers.dropFirst()).encoded)
                }
                switch name.lowercased() {
                case "challenge":
                    let value = state.withLock { state in
                        state.nextChallenge += 7919
                        return String(state.nextChallenge)
                    }
                    challenge = value
                    reply([("Response", "Success"), ("Challenge", value)])
                case "login":
                    let username = action["Username"] ?? ""
                    let accepted: Bool
                    if let key = action["Key"], action["AuthType"]?.lowercased() == "md5", let challenge, let secret = accounts[username] {
                        accepted = key == AMIAction.md5Key(challenge: challenge, secret: secret)
                    } else if let secret = action["Secret"] {
                        accepted = accounts[username] == secret
                    } else {
                        accepted = false
                    }
                    guard accepted else {
                        try await Task.sleep(for: .seconds(1))
                        reply([("Response", "Error"), ("Message", "Authentication failed")])
                        outgoing.finish()
                        _ = await writer.result
                        return
                    }
                    user = username
                    session.wantsEvents.store((action["Events"] ?? "on").lowercased() != "off", ordering: .relaxed)
                    reply([("Response", "Success"), ("Message", "Authentication accepted")])
                    if session.wantsEvents.load(ordering: .relaxed) {
                        let uptime = String(Int(started.secondsElapsed))
                        session.send(AMIMessage([
                            ("Event", "FullyBooted"), ("Privilege", "system,all"), ("Uptime", uptime), ("LastReload", uptime), ("Status", "Fully Booted"),
                        ]).encoded)
                        let now = Self.eventTime()
                        session.send(AMIMessage([
                            ("Event", "SuccessfulAuth"), ("Privilege", "security,all"), ("EventTV", now), ("Severity", "Informational"),
                            ("Service", "AMI"), ("EventVersion", "1"), ("AccountID", username), ("SessionID", String(format: "0x%012lx", id)),
                            ("LocalAddress", Self.describe(localAddress)), ("RemoteAddress", Self.describe(connection.peer)),
                            ("UsingPassword", "0"), ("SessionTV", now),
                        ]).encoded)
                    }
                case _ where user == nil:
                    reply([("Response", "Error"), ("Message", "Permission denied")])
                case "ping":
                    if state.withLock({ $0.answersPing }) {
                        reply([("Response", "Success"), ("Ping", "Pong"), ("Timestamp", String(format: "%.6f", Date().timeIntervalSince1970))])
                    }
                case "coreshowchannels":
                    let items = state.withLock { $0.channels }
                    reply([("Response", "Success"), ("EventList", "start"), ("Message", "Channels will follow")])
                    for item in items {
                        session.send(AMIMessage([item.headers[0]] + [("ActionID", action.actionID ?? "")] + item.headers.dropFirst()).encoded)
                    }
                    session.send(AMIMessage([
                        ("Event", "CoreShowChannelsComplete"), ("ActionID", action.actionID ?? ""), ("EventList", "Complete"), ("ListItems", String(items.count)),
                    ]).encoded)
                case "logoff":
                    reply([("Response", "Goodbye"), ("Message", "Thanks for all the fish.")])
                    outgoing.finish()
                    _ = await writer.result
                    return
                default:
                    if let answer = state.withLock({ $0.actions })?(action) {
                        reply(answer.response)
                        for item in answer.items {
                            session.send(AMIMessage([item.headers[0], ("ActionID", action.actionID ?? "")] + item.headers.dropFirst()).encoded)
                        }
                    } else {
                        reply([("Response", "Error"), ("Message", "Invalid/unknown command: \(name). Use Action: ListCommands to show available commands.")])
                    }
                }
            }
        } catch {
            logger.debug("simulated AMI session ended: \(error)")
        }
    }
}

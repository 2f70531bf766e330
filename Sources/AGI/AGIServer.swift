import Core
import Synchronization
import Wire

/// The FastAGI server: accepts Asterisk's connections, reads each environment, and runs the
/// handler registered for its script path.
///
/// Every call ends cleanly whatever happens: an unknown script gets a VERBOSE line on the
/// Asterisk console and a HANGUP; a handler that throws gets its call hung up and logged with
/// the uniqueid; a peer that sends no environment in time is dropped. The others go on.
public final class AGIServer: Sendable {
    public struct Limits: Sendable {
        /// The whole environment block must arrive within this (a slowloris peer is dropped).
        public var environmentDeadline = Duration.seconds(5)
        public var maxEnvironmentLines = 256
        public var maxLineLength = 64 * 1024
        public var maxSessions = 10_000
        public var hangupGrace = Duration.milliseconds(250)
        /// Connections dropped before their environment (port probes) are logged once, then
        /// summed up once per this period.
        public var earlyDropPeriod = Duration.seconds(10)

        public init() {}
    }

    public let router: AGIRouter
    private let server: ConnectionServer
    private let limits: Limits
    private let logger: Logger
    private let finished = Atomic<Int>(0)
    private let failed = Atomic<Int>(0)
    private let earlyDrops: EarlyDrops

    public init(listener: Listener, allow: [AddressRange], router: AGIRouter, limits: Limits = Limits(), logger: Logger) {
        self.router = router
        self.limits = limits
        self.logger = logger
        earlyDrops = EarlyDrops(period: limits.earlyDropPeriod, logger: logger)
        server = ConnectionServer(
            name: "agi", listener: listener, maxConnections: limits.maxSessions, logger: logger,
            isAllowed: { peer in
                guard let ip = peer.ip else { return true }
                return allow.contains { $0.contains(ip) }
            }
        )
    }

    public var localAddress: SocketAddress { server.listener.localAddress }
    public var activeSessions: Int { server.activeConnections }
    public var acceptedConnections: Int { server.acceptedConnections }
    public var finishedSessions: Int { finished.load(ordering: .relaxed) }
    public var failedSessions: Int { failed.load(ordering: .relaxed) }

    public func run() async {
        let summaries = Task { [earlyDrops, period = limits.earlyDropPeriod] in
            while (try? await Task.sleep(for: period)) != nil { earlyDrops.flush() }
        }
        await server.run { [self] connection in await serve(connection) }
        summaries.cancel()
        earlyDrops.flush()
    }

    public func stopAccepting() { server.stopAccepting() }
    public func closeAll() { server.closeAll() }

    /// One call: its environment, then its script's handler. Each step is a function of its
    /// own so that what a step needs is gone from the task's memory once it is done: a waiting
    /// call holds only the frames of the step it waits in (memory per idle call is a figure
    /// Switchboard is measured on).
    private func serve(_ connection: Connection) async {
        guard let session = await open(connection) else { return }
        await run(session)
    }

    /// Reads the environment and makes the call's session; nil (noted as an early drop) when
    /// the peer sends none.
    @inline(never)
    private func open(_ connection: Connection) async -> AGISession? {
        var reader = FramedReader(connection: connection, framer: Framer(maxLineLength: limits.maxLineLength))
        let environment: AGIEnvironment
        do {
            environment = try await readEnvironment(&reader)
        } catch {
            earlyDrops.note(peer: "\(connection.peer)", error: "\(error)")
            return nil
        }
        // The reader is moved, not copied: a copy left behind would keep the read buffer alive
        // (and copy it on the session's first read) for the whole call.
        return AGISession(
            environment: environment, reader: consume reader, logger: logger.with("uniqueid", environment.uniqueID), hangupGrace: limits.hangupGrace
        )
    }

    /// Runs the handler registered for the session's script, and ends the call cleanly whatever it does.
    /// (`@concurrent` as the handler is: the session is handed to it within one isolation.)
    @inline(never)
    @concurrent private func run(_ session: AGISession) async {
        let path = session.environment.script.path
        guard let handler = router.handler(for: path) else {
            await refuse(session, path: path)
            return
        }
        started(session, path: path)
        do {
            try await handler(session)
            finished(session)
        } catch {
            await end(session, path: path, failure: error)
        }
    }

    /// Out of line, as the other steps: what logging needs stays out of the frame a call keeps.
    @inline(never)
    private func started(_ session: AGISession, path: String) {
        session.logger.debug("AGI session started", ["script": path, "channel": session.environment.channel])
    }

    @inline(never)
    private func finished(_ session: AGISession) {
        session.logger.debug("AGI session finished", ["commands": "\(session.commandCount)"])
        finished.add(1, ordering: .relaxed)
    }

    /// No handler for the script: said on Asterisk's console and hung up.
    @inline(never)
    private func refuse(_ session: AGISession, path: String) async {
        session.logger.warning("no handler for AGI script; hanging up", ["script": path, "channel": session.environment.channel])
        try? await session.verbose("Switchboard: no handler for AGI script '\(path)'; hanging up", level: 1)
        try? await session.hangup()
        failed.add(1, ordering: .relaxed)
    }

    /// A handler that threw: logged as what it was, and the call hung up unless it is gone.
    @inline(never)
    private func end(_ session: AGISession, path: String, failure: any Error) async {
        switch failure {
        case AGIError.hangup:
            session.logger.info("caller hung up", ["script": path])
            finished.add(1, ordering: .relaxed)
        case AGIError.protocolViolation(let text):
            session.logger.error("AGI session ended: Asterisk's reply is not AGI", ["script": path, "reply": text])
            failed.add(1, ordering: .relaxed)
        default:
            session.logger.error("AGI handler failed; hanging up the call", ["script": path, "error": "\(failure)"])
            failed.add(1, ordering: .relaxed)
            if !session.closedByAsterisk { try? await session.hangup() }
        }
    }

    /// Reads `agi_*` lines up to the blank line, within the environment deadline.
    func readEnvironment(_ reader: inout FramedReader) async throws -> AGIEnvironment {
        let deadline = MonotonicTime.after(limits.environmentDeadline)
        // Room for what Asterisk sends (25 lines and the script's arguments) in one allocation
        // under 1 KB. Grown line by line it took five, the last over 1 KB: past malloc's
        // per-thread cache, a request that makes glibc consolidate its free lists, at every call.
        var environment = AGIEnvironment(capacity: 30)
        var number = 0
        var ended = false
        while !ended {
            let read = try await reader.readLine(deadline: deadline) { line in
                number += 1
                if line.isEmpty {
                    ended = true
                    return
                }
                guard number <= limits.maxEnvironmentLines else { throw AGIError.environmentTooLarge(limit: limits.maxEnvironmentLines) }
                try environment.append(line: line, number: number)
            }
            guard read else { throw AGIError.connectionClosed }
        }
        environment.trim()
        return environment
    }
}

import App
import AGI
import Core
import Foundation
import Wire

/// `switchboard bench agi`: the real FastAGI server under load from a simulated Asterisk, in one
/// process on 127.0.0.1; optionally the same load against panoramisk's FastAGI server.
public struct AGIBenchmark: Sendable {
    public struct Options: Sendable {
        public var concurrency = 1000
        public var sessions = 5000
        public var commandsPerSession = 50
        public var idleSessions = 2000
        /// Commands per second offered in all (sessions pace their replies); nil = as fast as possible.
        public var rate: Int?
        /// Path of the panoramisk server script; nil skips the comparison.
        public var panoramiskScript: String?

        public init() {}
    }

    public struct Run: Codable, Sendable {
        public var server: String
        public var sessions: Int
        public var commands: Int
        public var failures: Int
        public var seconds: Double
        public var sessionsPerSecond: Double
        public var commandsPerSecond: Double
        public var roundTrip: LatencySummary
    }

    public struct Report: Codable, Sendable {
        public var concurrency: Int
        public var offeredRate: Int?
        public var commandsPerSession: Int
        public var switchboard: Run
        public var idleSessions: Int
        public var bytesPerIdleSession: Int
        public var panoramisk: Run?
        /// Switchboard's commands/s over panoramisk's.
        public var throughputRatio: Double?
    }

    public var options: Options
    public var progress: @Sendable (String) -> Void

    public init(options: Options, progress: @escaping @Sendable (String) -> Void) {
        self.options = options
        self.progress = progress
    }

    public func run() async throws -> Report {
        let router = AGIRouter()
        let commands = options.commandsPerSession
        router.register("bench") { session in
            for index in 0..<commands { _ = try await session.getVariable("BENCH_\(index % 10)") }
        }
        router.register("idle") { session in
            // Waits on a reply that never comes, as a call sits in a long Dial.
            _ = try await session.exec("Wait", ["3600"])
        }
        var limits = AGIServer.Limits()
        limits.maxSessions = max(options.concurrency, options.idleSessions) + 100
        let server = AGIServer(
            listener: try Listener(bind: try SocketAddress(host: "127.0.0.1", port: 0)),
            allow: [try AddressRange(parsing: "127.0.0.0/8")], router: router, limits: limits, logger: .silent
        )
        let serving = Task { await server.run() }
        defer {
            server.stopAccepting()
            server.closeAll()
        }

        // Idle memory first, while the heap holds nothing freed by the load phase.
        progress("idle: \(options.idleSessions) sessions holding a long EXEC")
        let perIdle = try await measureIdle(server)

        progress("warming up")
        _ = await generator(server.localAddress, sessions: min(200, options.sessions)).run()
        progress("switchboard: \(options.sessions) sessions × \(commands) commands, \(options.concurrency) concurrent")
        let ours = Self.summarize("switchboard", await generator(server.localAddress, sessions: options.sessions).run())
        progress(String(format: "  %.0f commands/s, p99 %.0f µs", ours.commandsPerSecond, ours.roundTrip.p99Microseconds))

        server.stopAccepting()
        server.closeAll()
        await serving.value

        var theirs: Run?
        if let script = options.panoramiskScript {
            progress("panoramisk: same load")
            theirs = try await runPanoramisk(script: script)
            if let theirs {
                progress(String(format: "  %.0f commands/s, p99 %.0f µs", theirs.commandsPerSecond, theirs.roundTrip.p99Microseconds))
            }
        }
        return Report(
            concurrency: options.concurrency, offeredRate: options.rate, commandsPerSession: commands, switchboard: ours,
            idleSessions: options.idleSessions, bytesPerIdleSession: perIdle, panoramisk: theirs,
            throughputRatio: theirs.map { ours.commandsPerSecond / max($0.commandsPerSecond, 1) }
        )
    }

    private func generator(_ address: SocketAddress, sessions: Int, script: String = "bench") -> AGILoadGenerator {
        let concurrency = min(options.concurrency, sessions)
        var generator = AGILoadGenerator(target: address, script: script, concurrency: concurrency, totalSessions: sessions)
        if let rate = options.rate {
            generator.pace = .nanoseconds(Int64(concurrency) * 1_000_000_000 / Int64(rate))
        }
        return generator
    }

    /// Resident memory added per idle session, client and server sides together (an upper bound
    /// for the server alone).
    private func measureIdle(_ server: AGIServer) async throws -> Int {
        let before = ProcessMemory.residentBytes()
        var clients: [(Connection, FramedReader)] = []
        for index in 0..<options.idleSessions {
            let connection = try await Connection.connect(to: server.localAddress)
            try await connection.write(AGILoadGenerator.environment(script: "idle", uniqueID: "1795469999.\(index)"))
            clients.append((connection, FramedReader(connection: connection)))
        }
        for index in clients.indices {
            _ = try await clients[index].1.readLine(deadline: .after(.seconds(30)))
        }
        let after = ProcessMemory.residentBytes()
        for (connection, _) in clients { connection.close() }
        while server.activeSessions > 0 { try await Task.sleep(for: .milliseconds(10)) }
        return max(0, after - before) / max(1, options.idleSessions)
    }

    private func runPanoramisk(script: String) async throws -> Run {
        let port = try AsteriskLab.freePort()
        let peer = try PeerProcess(["python3", script, "--port", String(port), "--commands", String(options.commandsPerSession)])
        defer { peer.stop() }
        guard await peer.firstOutput().hasPrefix("listening") else {
            throw BenchmarkError("the panoramisk server did not start (is it installed? pip install panoramisk)")
        }
        let address = try SocketAddress(host: "127.0.0.1", port: port)
        _ = await generator(address, sessions: min(200, options.sessions)).run()
        return Self.summarize("panoramisk", await generator(address, sessions: options.sessions).run())
    }

    static func summarize(_ name: String, _ result: AGILoadGenerator.Result) -> Run {
        Run(
            server: name, sessions: result.sessions, commands: result.commands, failures: result.failures,
            seconds: result.seconds,
            sessionsPerSecond: Double(result.sessions) / result.seconds,
            commandsPerSecond: Double(result.commands) / result.seconds,
            roundTrip: LatencySummary(nanoseconds: result.roundTrips)
        )
    }
}

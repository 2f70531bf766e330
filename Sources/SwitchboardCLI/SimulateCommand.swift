import Lab
import App
import Config
import Core
import Foundation
import Wire

/// `switchboard simulate`: simulated callers against the running server (or one started here).
enum SimulateCommand {
    static let spec = CommandSpec(
        name: "simulate",
        summary: "run simulated callers and agents against the server",
        discussion: """
            Callers arrive at random (Poisson, --rate per simulated second), reach the server's
            FastAGI script through a simulated Asterisk, press a menu key, and wait with limited
            patience; --agents simulated phones answer the Dials the flows make. Runs against the
            server whose control socket the configuration names, or starts one in this process
            when none answers. Everything is seeded: the same --seed gives the same callers.
            """,
        options: [
            .value("calls", "N", "callers in all (default 50)"),
            .value("rate", "R", "arrivals per simulated second (default 0.5)"),
            .value("agents", "K", "agent phones (default 5)"),
            .value("seed", "S", "random seed (default 1)"),
            .value("speed", "X", "simulated seconds per real second (default 20)"),
            .value("script", "PATH", "the FastAGI script calls run (default ivr/main)"),
            .value("scenario", "FILE", "a scenario file: [traffic], [keys], [agents] (the options above override it)"),
            .config, .json,
        ],
        action: run
    )

    @Sendable static func run(_ parsed: ParsedCommand, _ terminal: Terminal) async throws {
        var options = SimulatedTraffic.Options()
        if let scenario = parsed.value("scenario") { try SimulationScenario.load(scenario, into: &options) }
        options.calls = try parsed.integer("calls", default: options.calls, range: 1...1_000_000)
        options.agents = try parsed.integer("agents", default: options.agents, range: 0...10_000)
        options.seed = UInt64(try parsed.integer("seed", default: Int(options.seed), range: 0...Int.max))
        options.rate = try parsed.number("rate", default: options.rate, range: 0.001...10_000)
        options.speed = try parsed.number("speed", default: options.speed, range: 0.1...10_000)
        options.script = parsed.value("script") ?? options.script
        let (config, _) = try ConfigLocation.load(for: parsed)
        options.recordingsFolder = config.general.recordingsPath

        let traffic = SimulatedTraffic(options: options)
        let total = options.calls
        try await RunningServer.with(config, terminal: terminal, pace: options.speed) { agi in
            let json = parsed.flag("json")
            let summary = await traffic.run(against: agi) { progress in
                if !json {
                    terminal.progress(
                        "calls \(progress.finished)/\(total) finished, \(progress.answered) answered, \(progress.abandoned) abandoned",
                        done: progress.finished, total: total
                    )
                }
            }
            terminal.print(json ? try JSONOutput.encode(summary) : render(summary))
        }
    }

    static func render(_ summary: SimulatedTraffic.Summary) -> String {
        var lines = [
            "calls:       \(summary.calls)",
            "answered:    \(summary.answered)",
            "abandoned:   \(summary.abandoned)",
            "unanswered:  \(summary.unanswered) (the flow ended the call without an agent)",
            String(format: "mean wait:   %.1f s", summary.meanWaitSeconds),
            String(format: "time:        %.0f simulated seconds in %.1f s", summary.simulatedSeconds, summary.realSeconds),
        ]
        if summary.failed > 0 { lines.append("failed:      \(summary.failed) (could not reach the server)") }
        if !summary.handledByAgent.isEmpty {
            lines.append("handled by agent:")
            lines += summary.handledByAgent.sorted { $0.key < $1.key }.map { "  \($0.key): \($0.value)" }
        }
        return lines.joined(separator: "\n")
    }
}

/// The server a command drives: the one already running (found through its control socket),
/// or one started in this process for the command's duration.
enum RunningServer {
    static func with(
        _ config: SwitchboardConfig, terminal: Terminal, clock: @escaping @Sendable () -> Date = { Date() }, pace: Double = 1,
        _ body: (SocketAddress) async throws -> Void
    ) async throws {
        let client = ControlClient(path: config.control.socketPath)
        if let status = try? await client.send("status", as: StatusReport.self) {
            terminal.printError("using the running server (pid \(status.pid))")
            try await body(try agiAddress(status))
            return
        }
        terminal.printError("no server running: starting one in this process")
        let (stop, stopping) = AsyncStream.makeStream(of: Int32.self)
        let logger = Logger(label: "switchboard", level: .warning, sink: StreamLogSink())
        let server = SwitchboardServer(config: config, logger: logger, clock: clock, pace: pace)
        let serving = Task { try await server.run(until: stop) }
        defer { stopping.finish() }
        var status: StatusReport?
        for _ in 0..<500 where status == nil {
            status = try? await client.send("status", as: StatusReport.self)
            if status == nil { try await Task.sleep(for: .milliseconds(10)) }
        }
        guard let status else {
            stopping.yield(SIGTERM)
            try await serving.value
            throw StartupError("the server did not start")
        }
        try await body(try agiAddress(status))
        stopping.yield(SIGTERM)
        try await serving.value
    }

    static func agiAddress(_ status: StatusReport) throws -> SocketAddress {
        guard let detail = status.agi.detail else { throw StartupError("the server reports no FastAGI address") }
        return try SocketAddress(parsing: detail, defaultPort: 4573)
    }
}

import App
import Config
import Core
import Glibc

/// `switchboard serve`: the long-running service.
enum ServeCommand {
    static let spec = CommandSpec(
        name: "serve",
        summary: "run the server until SIGTERM or SIGINT",
        discussion: """
            Logs to standard error (or [general] logfile). SIGHUP reloads the IVR flows (calls in
            a flow keep the version they started with). Stops accepting on SIGTERM/SIGINT, lets
            calls in progress drain for a moment, and exits 0. A broken configuration exits 1 with
            one line; 'switchboard config check' lists every problem.
            """,
        options: [.config],
        action: run
    )

    @Sendable static func run(_ parsed: ParsedCommand, _ terminal: Terminal) async throws {
        let config: SwitchboardConfig
        let warnings: [ConfigDiagnostic]
        do {
            (config, warnings) = try ConfigLocation.load(for: parsed)
        } catch let error as ConfigError {
            let first = error.diagnostics.first { $0.severity == .error }.map(\.description) ?? "\(error)"
            let more = error.diagnostics.filter { $0.severity == .error }.count - 1
            let tail = more > 0 ? " (and \(more) more; run 'switchboard config check')" : ""
            throw StartupError("bad configuration: \(first)\(tail)")
        }
        let logger = try Logger.forServer(config)
        for warning in warnings { logger.warning("\(warning)") }
        let server = SwitchboardServer(config: config, logger: logger)
        try await server.run(until: SignalStream.watch([SIGTERM, SIGINT, SIGHUP]))
    }
}

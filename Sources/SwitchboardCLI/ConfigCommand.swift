import Core
import App
import Config

/// `switchboard config check`.
enum ConfigCommand {
    static let spec = CommandSpec(
        name: "config",
        summary: "check the configuration",
        subcommands: [
            CommandSpec(
                name: "check",
                summary: "validate the configuration and print it resolved, secrets masked",
                discussion: """
                    Prints every error and warning as file:line: message — switchboard.conf and
                    the files it names for the ACD ([acd] queues and agents) — then the resolved
                    configuration. Exits 1 if there is any error.
                    """,
                options: [.config],
                action: check
            ),
        ]
    )

    @Sendable static func check(_ parsed: ParsedCommand, _ terminal: Terminal) async throws {
        do {
            let (config, warnings) = try ConfigLocation.load(for: parsed)
            for warning in warnings { terminal.printError(warning.description) }
            // The server reads these (queues, agents, tickets) at start and refuses to run with errors in them.
            var problems: [ConfigDiagnostic] = []
            let files: [(String?, (String) throws -> Void)] = [
                (config.acd.queuesPath, { _ = try QueueSettings.load(file: $0) }), (config.acd.agentsPath, { _ = try AgentSeeds.load(file: $0) }),
                (config.tickets.rulesPath, { _ = try TicketSettings.load(file: $0) }),
            ]
            for (path, load) in files {
                guard let path else { continue }
                do { try load(path) } catch let error as ConfigError { problems += error.diagnostics }
            }
            if !problems.isEmpty { throw ConfigError(problems) }
            terminal.print(config.rendered())
            terminal.printError("configuration OK\(warnings.isEmpty ? "" : " (\(warnings.count) warning\(warnings.count == 1 ? "" : "s"))")")
        } catch let error as ConfigError {
            for diagnostic in error.diagnostics { terminal.printError(diagnostic.description) }
            let count = error.diagnostics.filter { $0.severity == .error }.count
            terminal.printError("configuration has \(count) error\(count == 1 ? "" : "s")")
            throw ExitStatus(code: 1)
        }
    }
}

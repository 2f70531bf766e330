import App
import Config
import Core
import Foundation
import Glibc

/// The `switchboard` command: parses the command line and runs the matching command.
public enum Switchboard {
    static let usageExitCode: Int32 = 64
    /// EX_NOPERM: the user lacks the command's role.
    static let deniedExitCode: Int32 = 77

    static let root = CommandSpec(
        name: "switchboard",
        summary: "call-center application server for Asterisk",
        discussion: """
            Switchboard answers Asterisk's FastAGI connections, watches and steers channels over AMI,
            and keeps calls, agents and customers in its database.
            """,
        subcommands: [
            ServeCommand.spec,
            StatusCommand.spec,
            ChannelsCommand.spec,
            FlowsCommand.spec,
            QueueCommands.queue,
            QueueCommands.agent,
            CallCommands.spy,
            CallCommands.call,
            WallboardCommand.spec,
            SimulateCommand.spec,
            DemoCommand.spec,
            AgentsCommand.spec,
            CustomersCommand.spec,
            CallsCommand.spec,
            TicketsCommand.spec,
            RecordingsCommand.spec,
            DialplanCommand.spec,
            AuditCommand.spec,
            ReportCommand.spec,
            DBCommand.spec,
            ConfigCommand.spec,
            BenchCommand.spec,
            VersionCommand.spec,
        ]
    )

    /// Runs the command line `arguments` (without the program name) and returns the exit status:
    /// 0 on success, 64 on a usage error, 1 on a runtime failure (one line on standard error).
    public static func main(_ arguments: [String]) async -> Int32 {
        await run(arguments, terminal: .standard)
    }

    static func run(_ arguments: [String], terminal: Terminal) async -> Int32 {
        // A write to a peer that went away must be an EPIPE error, not the end of the process.
        signal(SIGPIPE, SIG_IGN)
        do {
            switch try CommandLineParser.parse(arguments, root: root) {
            case .help(let command, let path):
                terminal.print(command.help(path: path))
                return 0
            case .run(let command, let parsed):
                let (identity, role, need) = try CommandRoles.authorize(parsed)
                do {
                    try await command.action!(parsed, terminal)
                } catch {
                    if need.audited {
                        let result = (error as? ExitStatus).map { "failed: exit \($0.code)" } ?? "failed: \(error)"
                        try? await CommandRoles.audit(parsed, identity: identity, role: role, result: result)
                    }
                    throw error
                }
                if need.audited { try await CommandRoles.audit(parsed, identity: identity, role: role, result: "ok") }
                return 0
            }
        } catch let denied as AccessDenied {
            terminal.printError("switchboard: \(denied); nothing was done")
            return deniedExitCode
        } catch let error as UsageError {
            terminal.printError("switchboard: \(error.message)")
            terminal.printError("Run '\(error.commandPath.joined(separator: " ")) --help' for usage.")
            return usageExitCode
        } catch let status as ExitStatus {
            return status.code
        } catch {
            terminal.printError("switchboard: error: \(error)")
            return 1
        }
    }
}

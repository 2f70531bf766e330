import Core
import App
import Config
import Foundation

/// `switchboard queue show` and `switchboard agent login|logout|pause|unpause`: the ACD of the
/// running server, through its control socket.
enum QueueCommands {
    static let queue = CommandSpec(
        name: "queue",
        summary: "what the ACD is doing: waiting callers and agents; move or raise a waiting caller",
        subcommands: [
            CommandSpec(
                name: "show", summary: "waiting callers (wait, priority, position) and agents (state, time in it), for one queue or all",
                options: [.config, .json], arguments: [ArgumentSpec(name: "NAME", help: "a queue", isOptional: true)], action: show
            ),
        ] + waitingCommands
    )

    /// `queue move`, `queue priority`: a supervisor's hand on a waiting caller.
    static let waitingCommands = [
        CommandSpec(
            name: "move", summary: "move a waiting caller to another queue, keeping their arrival time",
            options: [.config], arguments: [ArgumentSpec(name: "UNIQUEID", help: "the caller (queue show lists them)"), ArgumentSpec(name: "QUEUE", help: "the queue")],
            action: { parsed, terminal in
                try await send(parsed, terminal, "queue-move", ["uniqueid": parsed.argument(0), "queue": parsed.argument(1)])
            }
        ),
        CommandSpec(
            name: "remove", summary: "take a waiting caller out of line: --to voicemail (the queue's next step) or --to callback (keeps the place)",
            options: [.value("to", "WHERE", "voicemail or callback"), .config], arguments: [ArgumentSpec(name: "UNIQUEID", help: "the caller")],
            action: { parsed, terminal in
                guard let to = parsed.value("to"), RoutingService.Removal(rawValue: to) != nil else {
                    throw UsageError(message: "--to voicemail or --to callback is needed", commandPath: parsed.path)
                }
                try await send(parsed, terminal, "queue-remove", ["uniqueid": parsed.argument(0), "to": to])
            }
        ),
        CommandSpec(
            name: "priority", summary: "raise (+N) or lower (-N) a waiting caller's priority",
            options: [.config], arguments: [ArgumentSpec(name: "UNIQUEID", help: "the caller"), ArgumentSpec(name: "STEP", help: "+N or -N")],
            action: { parsed, terminal in
                guard let step = Int(parsed.argument(1)) else { throw UsageError(message: "'\(parsed.argument(1))' is not +N or -N", commandPath: parsed.path) }
                try await send(parsed, terminal, "queue-priority", ["uniqueid": parsed.argument(0), "by": String(step)])
            }
        ),
    ]

    /// Sends a command to the running server and prints its answer.
    static func send(_ parsed: ParsedCommand, _ terminal: Terminal, _ command: String, _ arguments: [String: String]) async throws {
        let (config, _) = try ConfigLocation.load(for: parsed)
        terminal.print(try await ControlClient(path: config.control.socketPath).send(command, arguments: arguments, as: String.self))
    }

    static let agent = CommandSpec(
        name: "agent",
        summary: "log an agent in or out, pause or unpause them",
        subcommands: RoutingService.AgentChange.allCases.map { change in
            CommandSpec(
                name: change.rawValue, summary: "\(change.rawValue) an agent" + (change == .pause ? " (with --reason)" : ""),
                options: (change == .pause ? [.value("reason", "TEXT", "why (shown in queue show; default: break)")] : []) + [.config],
                arguments: [ArgumentSpec(name: "ID", help: "the agent's id")],
                action: { parsed, terminal in try await changeAgent(parsed, terminal, change) }
            )
        }
    )

    @Sendable static func show(_ parsed: ParsedCommand, _ terminal: Terminal) async throws {
        let (config, _) = try ConfigLocation.load(for: parsed)
        var report = try await ControlClient(path: config.control.socketPath).send("queue-show", as: QueueReport.self)
        if let name = parsed.arguments.first {
            guard report.queues.contains(name) else { throw ControlCommandError("no queue '\(name)' (queues: \(report.queues.joined(separator: ", ")))") }
            report.waiting = report.waiting.filter { $0.queue == name }
            report.agents = report.agents.filter { $0.queues.contains(name) }
        }
        if parsed.flag("json") { return terminal.print(try JSONOutput.encode(report)) }
        var lines = ["waiting: \(report.waiting.count)"]
        if !report.waiting.isEmpty {
            lines.append(TextTable.render(
                header: ["CALL", "UNIQUEID", "QUEUE", "WAIT", "PRIORITY", "POSITION", "RINGING", "NOTE"],
                rows: report.waiting.map { caller in
                    let note = caller.parked ? "callback, parked until AMI is back" : caller.callback ? "callback" : ""
                    return ["\(caller.call)", caller.uniqueID ?? "-", caller.queue, "\(Int(caller.waitSeconds)) s", "\(caller.priority)", caller.parked ? "-" : "\(caller.position)", caller.ringing ?? "", note]
                }
            ))
        }
        lines.append("")
        lines.append(TextTable.render(
            header: ["AGENT", "STATE", "FOR", "CALLS TODAY"],
            rows: report.agents.map {
                [$0.agent, $0.state + ($0.phoneBusy ? " (phone busy)" : ""), StatusCommand.duration($0.secondsInState), "\($0.callsToday)"]
            }
        ))
        terminal.print(lines.joined(separator: "\n"))
    }

    static func changeAgent(_ parsed: ParsedCommand, _ terminal: Terminal, _ change: RoutingService.AgentChange) async throws {
        let (config, _) = try ConfigLocation.load(for: parsed)
        var arguments = ["agent": parsed.argument(0), "change": change.rawValue]
        if let reason = parsed.value("reason") { arguments["reason"] = reason }
        terminal.print(try await ControlClient(path: config.control.socketPath).send("agent", arguments: arguments, as: String.self))
    }
}

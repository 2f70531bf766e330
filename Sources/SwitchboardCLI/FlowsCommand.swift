import App
import Config
import Core
import Foundation
import IVR
import Store

/// `switchboard flows …`: check, try, show and reload the IVR flows.
enum FlowsCommand {
    static let spec = CommandSpec(
        name: "flows",
        summary: "check, try, show and reload IVR flows",
        subcommands: [
            CommandSpec(
                name: "check", summary: "report every problem in the flows as file:line: message",
                discussion: """
                    Unknown node references, unreachable nodes, menus without a way out, loops that
                    never wait for the caller, bad time expressions, and prompts missing from the
                    sounds folder ([ivr] sounds) for the flows' languages, looked for as Asterisk
                    does (the language, without its region, no language, then en) — the flows'
                    own and those the server plays (queue hold, feature codes). Exits 1 on errors.
                    """,
                options: [.config], arguments: [ArgumentSpec(name: "DIR", help: "flows folder (default: [ivr] flows)", isOptional: true)],
                action: check
            ),
            CommandSpec(
                name: "try", summary: "run a flow at the terminal as a caller would hear it",
                discussion: """
                    Shows each node taken and each prompt by name; type keys and Enter when asked
                    (nothing within the node's timeout is a timeout). The same interpreter as live calls.
                    """,
                options: [
                    .value("caller", "NUMBER", "the caller's number (customers are looked up in the database)"),
                    .value("at", "TIME", "pretend it is this time, such as 2026-11-23 20:00"),
                    .config,
                ],
                arguments: [ArgumentSpec(name: "FLOW", help: "the flow's name (its file without .conf)")], action: tryFlow
            ),
            CommandSpec(
                name: "show", summary: "show a flow as an indented tree, or Graphviz DOT",
                options: [.flag("dot", "print Graphviz DOT instead"), .config],
                arguments: [ArgumentSpec(name: "FLOW", help: "the flow's name")], action: show
            ),
            CommandSpec(name: "reload", summary: "make the running server load the flows again", options: [.config], action: reload),
        ]
    )

    @Sendable static func check(_ parsed: ParsedCommand, _ terminal: Terminal) async throws {
        let (config, _) = try ConfigLocation.load(for: parsed)
        let folder = parsed.arguments.first ?? config.ivr.flowsPath
        var (flows, diagnostics) = FlowChecker.check(folder: folder, sounds: config.ivr.soundsPath)
        if let sounds = config.ivr.soundsPath {
            // A broken queues file is config check's to report; its prompts are checked once it loads.
            let queues = (try? config.acd.queuesPath.map { try QueueSettings.load(file: $0) }) ?? nil
            let flowLanguages = flows.values.reduce(into: Set<String>()) { $0.formUnion(FlowChecker.languages(of: $1)) }
            for group in ServerPrompts.groups(queues: queues ?? [:]) {
                let languages = group.languages ?? flowLanguages.sorted()
                diagnostics += FlowChecker.missingPrompts(group.prompts, used: group.usedBy, languages: languages, sounds: sounds)
            }
        }
        for diagnostic in diagnostics { terminal.printError(diagnostic.description) }
        let errors = diagnostics.filter { $0.severity == .error }.count
        let warnings = diagnostics.count - errors
        let summary = "\(flows.count) flow\(flows.count == 1 ? "" : "s") in \(folder): \(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")"
        if errors > 0 {
            terminal.printError(summary)
            throw ExitStatus(code: 1)
        }
        terminal.print(summary)
    }

    static func library(_ parsed: ParsedCommand) throws -> (SwitchboardConfig, [String: Flow]) {
        let (config, _) = try ConfigLocation.load(for: parsed)
        let (flows, diagnostics) = FlowLoader.loadFolder(config.ivr.flowsPath)
        let errors = diagnostics.filter { $0.severity == .error }
        guard errors.isEmpty else { throw ConfigError(errors) }
        return (config, flows)
    }

    @Sendable static func tryFlow(_ parsed: ParsedCommand, _ terminal: Terminal) async throws {
        let (config, flows) = try library(parsed)
        let name = parsed.argument(0)
        guard let flow = flows[name] else { throw FlowError.unknownFlow("\(name) (flows: \(flows.keys.sorted().joined(separator: ", ")))") }
        let at = try parsed.time("at", in: config.general.timeZone) ?? Date()
        let store = FileManager.default.fileExists(atPath: config.general.databasePath)
            ? try? await Store.open(path: config.general.databasePath, readOnly: true, plan: config.general.phoneNumbers) : nil
        defer { store?.close() }
        let caller = CallerInfo(number: parsed.value("caller"), name: nil, dnis: nil, uniqueID: "try-\(getpid())", language: flow.language ?? "en")
        terminal.print("flow \(flow.name) (\(flow.file)), caller \(caller.number ?? "unknown")")
        let outcome = await FlowRunner(
            flow: flow, channel: TerminalFlowChannel(caller: caller, terminal: terminal),
            services: TerminalFlowServices(terminal: terminal, store: store, flows: flows, at: at, timeZone: config.general.timeZone, operatorTarget: config.ivr.operatorTarget), logger: .silent
        ).run()
        terminal.print("end: \(outcome.result.rawValue) after \(outcome.path.count) node\(outcome.path.count == 1 ? "" : "s")")
    }

    @Sendable static func show(_ parsed: ParsedCommand, _ terminal: Terminal) async throws {
        let (_, flows) = try library(parsed)
        let name = parsed.argument(0)
        guard let flow = flows[name] else { throw FlowError.unknownFlow(name) }
        terminal.print(parsed.flag("dot") ? FlowPicture.dot(flow) : FlowPicture.tree(flow))
    }

    @Sendable static func reload(_ parsed: ParsedCommand, _ terminal: Terminal) async throws {
        let (config, _) = try ConfigLocation.load(for: parsed)
        let reply = try await ControlClient(path: config.control.socketPath).send("flows-reload", as: FlowsReloadReply.self)
        for problem in reply.problems { terminal.printError(problem) }
        guard reply.reloaded else {
            terminal.printError("not reloaded: the server keeps the flows it had")
            throw ExitStatus(code: 1)
        }
        terminal.print("reloaded: \(reply.flows.joined(separator: ", "))")
    }
}

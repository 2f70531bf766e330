import AMI
import App
import Config
import Core
import Dialplan
import Foundation
import IVR
import Store
import Tickets
import Wire

/// `switchboard dialplan render|check|diff|apply|history`: the dialplan templates filled from
/// the configuration, checked as Asterisk reads them, compared with what is installed and
/// loaded, and applied with a way back.
enum DialplanCommand {
    static let spec = CommandSpec(
        name: "dialplan",
        summary: "dialplan templates: render, check, diff, apply (with a way back), history",
        discussion: """
            The templates are the *.conf files in [dialplan] templates (dialplans/), in Asterisk's
            own syntax with {{values}}, {{#each x in list}} … {{/each}} and {{#if value}} … {{/if}}
            (README: Dialplan templates). They are filled from switchboard.conf, the agents and
            the flows, and installed into [dialplan] asterisk (/etc/asterisk).
            """,
        subcommands: [
            CommandSpec(name: "render", summary: "fill the templates; print them, or write them into --out DIR", options: [
                .value("out", "DIR", "write the files into DIR instead of printing them"), .config,
            ], action: render),
            CommandSpec(name: "check", summary: "render and check as Asterisk would read the result: template:line: problem", options: [.config], action: check),
            CommandSpec(name: "diff", summary: "what would change: against the installed files, and against the running Asterisk (AMI)", options: [.config], action: diff),
            CommandSpec(
                name: "apply", summary: "check, show the diff, install, reload over AMI, verify; put the old files back on any failure",
                discussion: """
                    The old files are kept beside the new ones as NAME.previous. After `dialplan reload`
                    every rendered context is looked up in the running dialplan; if one is missing or
                    differs, the old files go back and Asterisk reloads them. Every apply is written to
                    the audit (`switchboard dialplan history`).
                    """,
                options: [.flag("yes", "apply without asking"), .flag("dry-run", "stop after the diff"), .config],
                action: apply
            ),
            CommandSpec(name: "history", summary: "the audit of applies: who, when, what changed, how it ended", options: [.config, .json], action: history),
        ]
    )

    /// The templates rendered, with what `check` needs.
    struct Rendered {
        var config: SwitchboardConfig
        var templates: DialplanTemplates
        var agents: [Agent]
        var flows: Set<String>

        func problems() -> [String] { templates.check(config: config, flows: flows, agents: agents) }
    }

    static func rendered(_ parsed: ParsedCommand) async throws -> Rendered {
        let (config, _) = try ConfigLocation.load(for: parsed)
        var agents: [String: Agent] = [:]
        if let file = config.acd.agentsPath {
            for seed in try AgentSeeds.load(file: file) { agents[seed.agent.id] = seed.agent }
        }
        if FileManager.default.fileExists(atPath: config.general.databasePath) {
            for agent in try await StoreAccess.with(parsed, readOnly: true, { store, _ in try await store.agents() }) { agents[agent.id] = agent }
        }
        let wrapUp = try config.tickets.rulesPath.map { try TicketSettings.load(file: $0).wrapUpCodes } ?? [:]
        let templates = try DialplanTemplates(config: config, agents: Array(agents.values), wrapUpCodes: wrapUp)
        let flows = Set(FlowLoader.loadFolder(config.ivr.flowsPath).flows.keys)
        return Rendered(config: config, templates: templates, agents: agents.values.sorted { $0.id < $1.id }, flows: flows)
    }

    @Sendable static func render(_ parsed: ParsedCommand, _ terminal: Terminal) async throws {
        let rendered = try await rendered(parsed)
        guard let folder = parsed.value("out") else {
            for file in rendered.templates.files { terminal.print(rendered.templates.shown(file.text)) }
            return
        }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for file in rendered.templates.files {
            try file.text.write(toFile: folder + "/" + file.name, atomically: true, encoding: .utf8)
            terminal.print("wrote \(folder)/\(file.name) (\(file.lines.count) lines from \(file.template))")
        }
    }

    @Sendable static func check(_ parsed: ParsedCommand, _ terminal: Terminal) async throws {
        let rendered = try await rendered(parsed)
        let problems = rendered.problems()
        guard problems.isEmpty else {
            terminal.printError(problems.joined(separator: "\n"))
            terminal.printError("\(problems.count) problem\(problems.count == 1 ? "" : "s"): nothing is applied until they are fixed")
            throw ExitStatus(code: 1)
        }
        let lines = rendered.templates.files.reduce(0) { $0 + $1.lines.count }
        terminal.print("dialplan OK: \(rendered.templates.files.count) file\(rendered.templates.files.count == 1 ? "" : "s"), \(lines) lines, checked against Asterisk \(AsteriskCatalog.asterisk20.version)")
    }

    @Sendable static func diff(_ parsed: ParsedCommand, _ terminal: Terminal) async throws {
        let rendered = try await rendered(parsed)
        let installer = DialplanInstaller(templates: rendered.templates, folder: rendered.config.dialplan.asteriskPath)
        printChanges(installer, terminal)
        do {
            let asterisk = try await AsteriskCommandLine.connect(rendered.config)
            defer { asterisk.close() }
            let differences = try await installer.differencesFromLoaded(asterisk.run)
            terminal.print(differences.isEmpty ? "the running Asterisk has the rendered dialplan loaded" : (["loaded in the running Asterisk:"] + differences.map { "  " + $0 }).joined(separator: "\n"))
        } catch {
            terminal.printError("switchboard: cannot compare with the running Asterisk: \(error)")
        }
    }

    /// Each changed file's diff, secrets masked; true when something changes.
    @discardableResult
    static func printChanges(_ installer: DialplanInstaller, _ terminal: Terminal) -> Bool {
        var changed = false
        for change in installer.changes() {
            let path = installer.folder + "/" + change.name
            if change.diff.isEmpty {
                terminal.print("\(path): up to date")
                continue
            }
            changed = true
            terminal.print(installer.templates.shown(change.diff.unified(oldName: change.installed == nil ? "/dev/null" : path, newName: path + " (rendered)")))
        }
        return changed
    }

    @Sendable static func apply(_ parsed: ParsedCommand, _ terminal: Terminal) async throws {
        let rendered = try await rendered(parsed)
        let who = TicketsCommand.who
        let problems = rendered.problems()
        guard problems.isEmpty else {
            terminal.printError(problems.joined(separator: "\n"))
            try await audit(parsed, DialplanApply(at: Date(), who: who, summary: "\(problems.count) problems", result: "refused: the check failed"))
            terminal.printError("\(problems.count) problem\(problems.count == 1 ? "" : "s"): nothing applied")
            throw ExitStatus(code: 1)
        }
        let installer = DialplanInstaller(templates: rendered.templates, folder: rendered.config.dialplan.asteriskPath)
        printChanges(installer, terminal)
        if parsed.flag("dry-run") { return }
        if !parsed.flag("yes") {
            guard await terminal.confirm("apply to \(installer.folder) and reload Asterisk's dialplan?") else {
                terminal.print("nothing applied")
                return
            }
        }
        let asterisk: AsteriskCommandLine
        do {
            asterisk = try await AsteriskCommandLine.connect(rendered.config)
        } catch {
            try await audit(parsed, DialplanApply(at: Date(), who: who, summary: "not connected", result: "refused: \(error)"))
            throw DialplanError("cannot reach Asterisk over AMI to reload: \(error); nothing applied")
        }
        defer { asterisk.close() }
        let outcome = try await installer.apply(asterisk.run) { terminal.print($0) }
        try await audit(parsed, DialplanApply(at: Date(), who: who, summary: outcome.summary, result: outcome.result))
        guard outcome.succeeded else {
            terminal.printError("switchboard: \(outcome.result); the previous dialplan is back")
            throw ExitStatus(code: 1)
        }
        terminal.print("dialplan \(outcome.result) (\(outcome.summary)): Asterisk has every rendered context and user loaded")
    }

    static func audit(_ parsed: ParsedCommand, _ apply: DialplanApply) async throws {
        try await StoreAccess.with(parsed) { store, _ in try await store.dialplanApplied(apply) }
    }

    @Sendable static func history(_ parsed: ParsedCommand, _ terminal: Terminal) async throws {
        let (applies, config) = try await StoreAccess.with(parsed, readOnly: true) { store, config in (try await store.dialplanApplies(), config) }
        if parsed.flag("json") { return terminal.print(try JSONOutput.encode(applies)) }
        let times = CallTimes(config.general.timeZone)
        let table = TextTable.render(header: ["WHEN", "WHO", "CHANGED", "RESULT"], rows: applies.map { [times.full($0.at), $0.who, $0.summary, $0.result] })
        terminal.print(applies.isEmpty ? "no dialplan applied yet" : table)
    }
}

/// Asterisk CLI commands over AMI (`Action: Command`), for the dialplan commands.
struct AsteriskCommandLine: Sendable {
    let connection: AMIConnection

    static func connect(_ config: SwitchboardConfig) async throws -> AsteriskCommandLine {
        guard config.ami.isConfigured else { throw DialplanError("[ami] is not configured") }
        let connection = try await AMIConnection.connect(to: try SocketAddress(host: config.ami.host, port: config.ami.port), logger: .silent) { _ in }
        do {
            try await connection.login(username: config.ami.username, secret: config.ami.secret, auth: config.ami.login == .md5 ? .md5 : .plain, events: "off")
        } catch {
            connection.close()
            throw error
        }
        return AsteriskCommandLine(connection: connection)
    }

    /// The command's output lines; nil when Asterisk says it failed.
    @Sendable func run(_ command: String) async throws -> [String]? {
        let response: AMIResponse
        do {
            response = try await connection.send(.command(command), timeout: .seconds(30))
        } catch AMIError.actionFailed {
            return nil
        }
        let output = response.output
        if !response.isSuccess || output.contains(where: { $0.hasPrefix("Command '") && $0.hasSuffix("' failed.") }) { return nil }
        return output
    }

    func close() { connection.close() }
}

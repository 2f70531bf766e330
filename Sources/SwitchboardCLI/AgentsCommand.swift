import Core
import Foundation
import Store

/// `switchboard agents …`: the agents Switchboard routes calls to.
enum AgentsCommand {
    static let details: [OptionSpec] = [
        .value("name", "NAME", "the agent's name, shown to supervisors"),
        .value("endpoint", "DIAL", "what Asterisk dials to ring them: PJSIP/1001, SIP/1001, Local/1001@agents"),
        .value("skills", "LIST", "skills with levels 1-5: billing:4,mandarin:5"),
        .value("languages", "LIST", "languages spoken: zh,en"),
        .value("pin", "PIN", "PIN for logging in from the phone (edit: empty removes it)"),
    ]

    static let spec = CommandSpec(
        name: "agents",
        summary: "add, list, show, edit and remove agents",
        subcommands: [
            CommandSpec(name: "add", summary: "add an agent", options: details + [.config], arguments: [ArgumentSpec(name: "ID", help: "the agent's id, such as 1001")], action: add),
            CommandSpec(name: "list", summary: "list agents", options: [.config, .json], action: list),
            CommandSpec(name: "show", summary: "show one agent", options: [.config, .json], arguments: [ArgumentSpec(name: "ID", help: "the agent's id")], action: show),
            CommandSpec(name: "edit", summary: "change an agent: only the options given change", options: details + [.config], arguments: [ArgumentSpec(name: "ID", help: "the agent's id")], action: edit),
            CommandSpec(name: "remove", summary: "remove an agent (their calls stay in the history)", options: [.config], arguments: [ArgumentSpec(name: "ID", help: "the agent's id")], action: remove),
        ]
    )

    @Sendable static func add(_ parsed: ParsedCommand, _ terminal: Terminal) async throws {
        guard let name = parsed.value("name"), let endpoint = parsed.value("endpoint") else {
            throw UsageError(message: "an agent needs --name and --endpoint", commandPath: parsed.path)
        }
        let agent = Agent(id: parsed.argument(0), name: name, endpoint: endpoint, skills: try parsed.skills("skills") ?? [:], languages: parsed.list("languages") ?? [])
        try await StoreAccess.with(parsed) { store, _ in try await store.addAgent(agent, pin: parsed.value("pin")) }
        terminal.print("added agent \(agent.id) (\(agent.name), \(agent.endpoint))")
    }

    @Sendable static func list(_ parsed: ParsedCommand, _ terminal: Terminal) async throws {
        let agents = try await StoreAccess.with(parsed, readOnly: true) { store, _ in try await store.agents() }
        if parsed.flag("json") { return terminal.print(try JSONOutput.encode(agents)) }
        guard !agents.isEmpty else { return terminal.print("no agents; add one with 'switchboard agents add'") }
        terminal.print(TextTable.render(
            header: ["ID", "NAME", "ENDPOINT", "SKILLS", "LANGUAGES", "PIN"],
            rows: agents.map { [$0.id, $0.name, $0.endpoint, skillText($0.skills), $0.languages.joined(separator: ","), $0.hasPIN ? "set" : "-"] }
        ))
    }

    @Sendable static func show(_ parsed: ParsedCommand, _ terminal: Terminal) async throws {
        let id = parsed.argument(0)
        guard let agent = try await StoreAccess.with(parsed, readOnly: true, { store, _ in try await store.agent(id: id) }) else {
            throw StoreError.notFound("agent \(id)")
        }
        if parsed.flag("json") { return terminal.print(try JSONOutput.encode(agent)) }
        terminal.print("""
            agent:     \(agent.id)
            name:      \(agent.name)
            endpoint:  \(agent.endpoint)
            skills:    \(skillText(agent.skills))
            languages: \(agent.languages.joined(separator: ", "))
            PIN:       \(agent.hasPIN ? "set" : "not set")
            """)
    }

    @Sendable static func edit(_ parsed: ParsedCommand, _ terminal: Terminal) async throws {
        let id = parsed.argument(0)
        try await StoreAccess.with(parsed) { store, _ in
            guard var agent = try await store.agent(id: id) else { throw StoreError.notFound("agent \(id)") }
            if let name = parsed.value("name") { agent.name = name }
            if let endpoint = parsed.value("endpoint") { agent.endpoint = endpoint }
            if let skills = try parsed.skills("skills") { agent.skills = skills }
            if let languages = parsed.list("languages") { agent.languages = languages }
            try await store.updateAgent(agent, pin: parsed.value("pin"))
        }
        terminal.print("updated agent \(id)")
    }

    @Sendable static func remove(_ parsed: ParsedCommand, _ terminal: Terminal) async throws {
        let id = parsed.argument(0)
        try await StoreAccess.with(parsed) { store, _ in try await store.removeAgent(id: id) }
        terminal.print("removed agent \(id)")
    }

    static func skillText(_ skills: [String: Int]) -> String {
        skills.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: ",")
    }
}

import App
import Config
import Core
import Foundation
import Glibc
import Store

/// The role every command needs, in one table, and whether the command writes its own audit
/// row (a command that changes things here, in the database or Asterisk's files; one that goes
/// through the running server is checked and audited there too, by the socket's peer).
enum CommandRoles {
    struct Need {
        /// nil: anyone.
        var role: Role?
        var audited: Bool
    }

    static func need(_ role: Role?, audited: Bool = false) -> Need { Need(role: role, audited: audited) }

    /// By command path without `switchboard`. A test checks every command has its line.
    static let table: [String: Need] = [
        "version": need(nil),
        "serve": need(.admin), "simulate": need(.admin), "demo": need(.admin), "config check": need(.admin),
        "spy": need(.supervisor), "call hangup": need(.supervisor), "call transfer": need(.supervisor),
        "call park": need(.supervisor), "call conference": need(.supervisor),
        "queue move": need(.supervisor), "queue priority": need(.supervisor), "queue remove": need(.supervisor),
        "status": need(.supervisor), "channels": need(.supervisor), "wallboard": need(.supervisor), "queue show": need(.supervisor),
        // The server checks that an agent changes only their own state, and audits it.
        "agent login": need(.agent), "agent logout": need(.agent), "agent pause": need(.agent), "agent unpause": need(.agent),
        "flows check": need(.admin), "flows show": need(.admin), "flows try": need(.admin), "flows reload": need(.admin),
        "agents list": need(.supervisor), "agents show": need(.supervisor),
        "agents add": need(.admin, audited: true), "agents edit": need(.admin, audited: true), "agents remove": need(.admin, audited: true),
        "customers list": need(.supervisor), "customers show": need(.supervisor),
        "customers add": need(.admin, audited: true), "customers import": need(.admin, audited: true),
        "calls list": need(.supervisor), "calls show": need(.supervisor),
        "tickets list": need(.supervisor), "tickets search": need(.supervisor), "tickets show": need(.supervisor),
        "tickets create": need(.supervisor, audited: true), "tickets assign": need(.supervisor, audited: true),
        "tickets comment": need(.supervisor, audited: true), "tickets priority": need(.supervisor, audited: true),
        "tickets pending": need(.supervisor, audited: true), "tickets solve": need(.supervisor, audited: true),
        "tickets close": need(.supervisor, audited: true), "tickets reopen": need(.supervisor, audited: true),
        "tickets wrapup": need(.supervisor, audited: true),
        "recordings list": need(.supervisor), "recordings search": need(.supervisor), "recordings show": need(.supervisor),
        "recordings verify": need(.supervisor), "recordings hold": need(.supervisor, audited: true),
        "recordings scan": need(.admin, audited: true), "recordings purge": need(.admin, audited: true),
        "dialplan render": need(.admin), "dialplan check": need(.admin), "dialplan diff": need(.admin), "dialplan history": need(.admin),
        "dialplan apply": need(.admin, audited: true),
        "report queues": need(.supervisor), "report intervals": need(.supervisor), "report agents": need(.supervisor), "report calls": need(.supervisor),
        "db check": need(.admin), "db migrate": need(.admin, audited: true), "db backup": need(.admin, audited: true), "db restore": need(.admin, audited: true),
        "bench agi": need(.admin), "bench ami": need(.admin), "bench store": need(.admin), "bench report": need(.admin), "bench routing": need(.admin),
        "bench acd": need(.admin), "bench tickets": need(.admin), "bench wallboard": need(.admin), "bench recordings": need(.admin),
        "audit list": need(.admin), "audit verify": need(.admin),
    ]

    /// Options whose values never reach the audit.
    static let secretOptions: Set<String> = ["pin", "secret", "password"]

    /// Refuses the command unless `identity` (the user running it) holds its role; the role held.
    static func authorize(_ parsed: ParsedCommand, as identity: Identity = .current) throws -> (identity: Identity, role: Role?, need: Need) {
        let name = parsed.path.dropFirst().joined(separator: " ")
        let need = table[name] ?? Need(role: .admin, audited: true)
        guard let role = need.role else { return (identity, nil, need) }
        // A configuration that does not load is the command's own first error, told its way;
        // meanwhile only root and the server's user pass (the built-in defaults), so a broken
        // --config is no way round the roles.
        let config = (try? ConfigLocation.load(for: parsed))?.0 ?? SwitchboardConfig()
        let held = try AccessPolicy(config.control, serverUID: serverUID(config)).require(role, of: identity, for: "switchboard " + name)
        return (identity, held, need)
    }

    /// The user the server runs as: the owner of its database (the current user while there is none).
    static func serverUID(_ config: SwitchboardConfig) -> UInt32 {
        var status = stat()
        return stat(config.general.databasePath, &status) == 0 ? status.st_uid : geteuid()
    }

    /// Writes the command's audit row: who, as what, the arguments with secrets masked, how it ended.
    static func audit(_ parsed: ParsedCommand, identity: Identity, role: Role?, result: String) async throws {
        let (config, _) = try ConfigLocation.load(for: parsed)
        let store = try await Store.open(path: config.general.databasePath)
        defer { store.close() }
        let options = parsed.values.sorted { $0.key < $1.key }.map { "--\($0.key) \(secretOptions.contains($0.key) ? Secret.mask : $0.value)" }
        let arguments = (parsed.arguments + options + parsed.flags.sorted().map { "--\($0)" }).joined(separator: " ")
        try await store.audit(AuditEntry(
            user: "user:" + identity.user, role: role?.rawValue ?? "none", command: parsed.path.dropFirst().joined(separator: " "), arguments: arguments, result: result
        ))
    }
}

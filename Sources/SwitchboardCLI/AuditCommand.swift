import App
import Config
import Core
import Foundation
import Store

/// `switchboard audit list|verify`: the trail of what people did, and a check that nobody
/// rewrote it.
enum AuditCommand {
    static let spec = CommandSpec(
        name: "audit",
        summary: "the audit trail: who did what, as what, and how it ended; verify its hash chain",
        discussion: """
            Every command that changes something — by an admin or supervisor here or through the
            server, an agent's state change from the command line or the phone — and every
            refused request on the control socket appends a row. Each row holds the hash of the
            one before, so an edited, removed or inserted row breaks the chain: `audit verify`
            names the first row where it breaks.
            """,
        subcommands: [
            CommandSpec(name: "list", summary: "rows, newest first", options: [
                .value("since", "TIME", "from this time (2026-11-23, \"2026-11-23 20:00\", today)"),
                .value("user", "NAME", "rows of this user (alice, or phone:1001)"),
                .value("command", "COMMAND", "rows of commands starting with this (tickets, agent pause)"),
                .value("limit", "N", "at most N (default 200)"), .config, .json,
            ], action: list),
            CommandSpec(name: "verify", summary: "walk the hash chain from the first row; exit 1 at the first broken link", options: [.config], action: verify),
        ]
    )

    @Sendable static func list(_ parsed: ParsedCommand, _ terminal: Terminal) async throws {
        let (config, _) = try ConfigLocation.load(for: parsed)
        let since = try parsed.time("since", in: config.general.timeZone)
        let filter = AuditFilter(since: since, user: parsed.value("user"), command: parsed.value("command"), limit: try parsed.integer("limit", default: 200, range: 1...100_000))
        let rows = try await StoreAccess.with(parsed, readOnly: true) { store, _ in try await store.auditTrail(filter) }
        if parsed.flag("json") { return terminal.print(try JSONOutput.encode(rows)) }
        guard !rows.isEmpty else { return terminal.print("no audit rows") }
        let times = CallTimes(config.general.timeZone)
        terminal.print(TextTable.render(header: ["#", "WHEN", "USER", "ROLE", "COMMAND", "ARGUMENTS", "RESULT"], rows: rows.map {
            [String($0.id ?? 0), times.full($0.at), $0.user, $0.role, $0.command, $0.arguments, $0.result]
        }))
    }

    @Sendable static func verify(_ parsed: ParsedCommand, _ terminal: Terminal) async throws {
        let outcome = try await StoreAccess.with(parsed, readOnly: true) { store, _ in try await store.verifyAudit() }
        guard let broken = outcome.broken else {
            return terminal.print("audit trail intact: \(outcome.rows) row\(outcome.rows == 1 ? "" : "s"), every link holds")
        }
        terminal.printError("switchboard: the audit trail is broken at row \(broken): \(outcome.why ?? "")")
        throw ExitStatus(code: 1)
    }
}

import ACD
import AMI
import Alerts
import Config
import Core
import Foundation
import SQLite
import Store
import Synchronization
import Testing
@testable import App
@testable import SwitchboardCLI
import Reports
import Simulator

/// Roles from the socket's peer (or the process's user), refusals that name the role needed and
/// change nothing, and the hash-chained audit trail.
@Suite struct AccessTests {
    static let bob = Identity(uid: 4242, user: "bob", groups: ["bob", "supervisors"])
    static let li = Identity(uid: 4243, user: "li", groups: ["li", "agents"])
    static let eve = Identity(uid: 4244, user: "eve", groups: ["eve"])

    static var control: SwitchboardConfig.Control {
        var control = SwitchboardConfig.Control()
        control.admins = ["alice"]
        control.supervisors = ["@supervisors"]
        control.agents = ["li:1001", "@agents"]
        return control
    }

    @Test func rolesComeFromUsersAndGroupsAndRootAndTheServerAreAdmins() throws {
        let policy = AccessPolicy(Self.control, serverUID: 999)
        #expect(policy.role(of: Identity(uid: 0, user: "root", groups: [])) == .admin)
        #expect(policy.role(of: Identity(uid: 999, user: "switchboard", groups: [])) == .admin)
        #expect(policy.role(of: Identity(uid: 5000, user: "alice", groups: [])) == .admin)
        #expect(policy.role(of: Self.bob) == .supervisor)
        #expect(policy.role(of: Self.li) == .agent && policy.agentID(of: Self.li) == "1001")
        #expect(policy.role(of: Identity(uid: 4245, user: "ann", groups: ["agents"])) == .agent)
        #expect(policy.agentID(of: Identity(uid: 4245, user: "ann", groups: ["agents"])) == "ann")
        #expect(policy.role(of: Self.eve) == nil)
        #expect(throws: AccessDenied.self) { try policy.require(.supervisor, of: Self.li, for: "queue-show") }
        do {
            _ = try policy.require(.admin, of: Self.bob, for: "switchboard db restore")
        } catch {
            #expect("\(error)" == "switchboard db restore needs the admin role; bob has the supervisor role ([control] admins in switchboard.conf)")
        }
        do {
            _ = try policy.require(.agent, of: Self.eve, for: "agent")
        } catch {
            #expect("\(error)" == "agent needs the agent role; eve has no role ([control] agents in switchboard.conf)")
        }
        // The process's own user is looked up in the system's user and group databases.
        let me = Identity.current
        #expect(me.uid == geteuid() && !me.user.isEmpty)
    }

    /// Requests on the control socket are judged by their sender: refused ones change nothing and
    /// are audited; an agent may change only their own state.
    @Test func theControlSocketRefusesAndAuditsByPeer() async throws {
        let folder = temporaryPath("access")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try await Store.open(path: folder + "/sb.db")
        defer { store.close() }
        let router = ControlRouter()
        let changed = Counter()
        router.register("agent", role: .agent, changes: true) { request in
            changed.add()
            return "agent \(request.arguments["agent"] ?? "?"): \(request.arguments["change"] ?? "?")"
        }
        router.register("queue-show", role: .supervisor, changes: false) { _ in "queues" }
        let server = try await ControlServer(
            path: folder + "/sb.ctl", router: router, policy: AccessPolicy(Self.control, serverUID: 999),
            audit: { entry in try? await store.audit(entry) }, logger: .silent
        )
        defer { server.stopAccepting() }
        func ask(_ line: String, as who: Identity) async -> String {
            guard case .reply(let reply) = await server.answer(line, from: who) else { return "stream" }
            return reply
        }
        let own = await ask(#"{"command":"agent","arguments":{"agent":"1001","change":"pause"}}"#, as: Self.li)
        #expect(own.contains(#""ok":true"#), "\(own)")
        let other = await ask(#"{"command":"agent","arguments":{"agent":"1002","change":"logout"}}"#, as: Self.li)
        #expect(other.contains("li may change only their own state (agent 1001), not agent 1002's; that needs the supervisor role"), "\(other)")
        let supervisor = await ask(#"{"command":"agent","arguments":{"agent":"1002","change":"logout"}}"#, as: Self.bob)
        #expect(supervisor.contains(#""ok":true"#))
        let nobody = await ask(#"{"command":"queue-show"}"#, as: Self.eve)
        #expect(nobody.contains("queue-show needs the supervisor role; eve has no role"))
        #expect(changed.value == 2)
        let rows = try await store.auditTrail(AuditFilter())
        #expect(rows.map { "\($0.user) \($0.role) \($0.command) \($0.result.prefix(7))" } == [
            "user:eve none queue-show refused", "user:bob supervisor agent ok", "user:li none agent refused", "user:li agent agent ok",
        ])
        #expect(rows.last?.arguments == "agent=1001 change=pause")
    }

    @Test func aCommandLineUserWithoutTheRoleIsRefusedBeforeAnythingRuns() throws {
        let folder = temporaryPath("access-cli")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "[general]\ndatabase = sb.db\n[control]\nsupervisors = @supervisors\n".write(toFile: folder + "/sb.conf", atomically: true, encoding: .utf8)
        let tickets = ParsedCommand(path: ["switchboard", "tickets", "solve"], values: ["config": folder + "/sb.conf"], arguments: ["T-000001"])
        #expect(try CommandRoles.authorize(tickets, as: Self.bob).role == .supervisor)
        #expect(throws: AccessDenied.self) { try CommandRoles.authorize(tickets, as: Self.eve) }
        let restore = ParsedCommand(path: ["switchboard", "db", "restore"], values: ["config": folder + "/sb.conf"], arguments: ["x.db"])
        #expect(throws: AccessDenied.self) { try CommandRoles.authorize(restore, as: Self.bob) }
        #expect(try CommandRoles.authorize(ParsedCommand(path: ["switchboard", "version"]), as: Self.eve).role == nil)
        // A configuration that does not load is no way round the roles: only root and the server's user pass.
        try "[control\nsupervisors = bob\n".write(toFile: folder + "/broken.conf", atomically: true, encoding: .utf8)
        let broken = ParsedCommand(path: ["switchboard", "bench", "agi"], values: ["config": folder + "/broken.conf"])
        #expect(throws: AccessDenied.self) { try CommandRoles.authorize(broken, as: Self.bob) }
        #expect(try CommandRoles.authorize(broken, as: Identity(uid: 0, user: "root", groups: [])).role == .admin)
    }

    /// Every command has its line in the roles table.
    @Test func everyCommandDeclaresItsRole() {
        func leaves(_ spec: CommandSpec, _ path: [String]) -> [String] {
            spec.subcommands.isEmpty ? [path.joined(separator: " ")] : spec.subcommands.flatMap { leaves($0, path + [$0.name]) }
        }
        let all = Switchboard.root.subcommands.flatMap { leaves($0, [$0.name]) }
        #expect(all.count > 60)
        #expect(all.filter { CommandRoles.table[$0] == nil } == [])
    }

    /// An edited row, a removed row: `verify` names the first broken link.
    @Test func theAuditTrailIsChainedSoAnEditOrADeletionIsFound() async throws {
        let folder = temporaryPath("audit-chain")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/sb.db"
        do {
            let store = try await Store.open(path: path)
            for (index, command) in ["tickets solve", "agents add", "dialplan apply", "agent pause"].enumerated() {
                try await store.audit(AuditEntry(user: "user:alice", role: "admin", command: command, arguments: "#\(index)", result: "ok"))
            }
            let intact = try await store.verifyAudit()
            #expect(intact.broken == nil && intact.rows == 4)
            store.close()
        }
        // Someone with the file: the triggers refuse, so they drop them and edit.
        let db = try Database(path: path)
        #expect(throws: (any Error).self) { try db.execute("UPDATE audit_trail SET result = 'failed' WHERE id = 2") }
        try db.execute("DROP TRIGGER audit_trail_no_update")
        try db.execute("DROP TRIGGER audit_trail_no_delete")
        try db.execute("UPDATE audit_trail SET arguments = '#9' WHERE id = 2")
        do {
            let store = try await Store.open(path: path, readOnly: true)
            let edited = try await store.verifyAudit()
            #expect(edited.broken == 2 && edited.why?.contains("was changed") == true, "\(edited)")
            store.close()
        }
        try db.execute("UPDATE audit_trail SET arguments = '#1' WHERE id = 2")
        try db.execute("DELETE FROM audit_trail WHERE id = 3")
        let store = try await Store.open(path: path, readOnly: true)
        defer { store.close() }
        let removed = try await store.verifyAudit()
        #expect(removed.broken == 4 && removed.why?.contains("removed") == true, "\(removed)")
    }
}

/// A count shared with a handler.
final class Counter: Sendable {
    private let count = Mutex(0)
    func add() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}

/// The alert watch inside the server: a caller left waiting fires `longest-wait`, shown on the
/// wallboard; when they hang up it clears.
@Suite(.timeLimit(.minutes(1))) struct AlertWatchTests {
    @Test func aLongWaitIsShownOnTheWallboardAndClearsAndTheSupervisorIsRung() async throws {
        let manager = try ACDEndToEndTests.Manager()
        while manager.ami.status.state != "connected" { try await Task.sleep(for: .milliseconds(5)) }
        let center = ACDEndToEndTests.Center()
        try await center.start(agents: [Agent(id: "1001", name: "Li", endpoint: "PJSIP/1001", skills: ["support": 3])], loggedIn: false)
        defer { center.stop() }
        let watch = AlertWatch(
            rules: [try AlertRule(parsing: "longest-wait support > 1s")], call: "PJSIP/supervisor", routing: center.routing, wallboard: center.center.wallboard,
            ami: manager.ami, recordingsFolder: center.folder, logger: .silent
        )
        let watching = Task { await watch.run() }
        defer { watching.cancel() }
        // 40 simulated seconds of waiting are one real second.
        _ = try await center.pbx([:]).call(from: "13800000301", dnis: "4008", caller: CallerScript(hangupAfter: 120))
        func notices() -> [String] {
            center.center.wallboard.frame(center.routing.report(), targets: { _ in ReportSheets.Target() }).notices.map(\.text)
        }
        var seen: [String] = []
        for _ in 0..<300 where !seen.contains(where: { $0.hasPrefix("cleared:") }) {
            seen = notices()
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(seen.filter { $0.hasPrefix("⚠ support: a caller has waited") }.count == 1, "\(seen)")
        #expect(seen.filter { $0.hasPrefix("cleared: support: a caller has waited") }.count == 1, "\(seen)")
        // Rung once, when it fired (the simulated Asterisk answers the Originate).
        #expect(manager.asterisk.actionsSeen.filter { $0 == "Originate" }.count == 1, "\(manager.asterisk.actionsSeen)")
        await manager.stop()
    }
}

/// The control socket is mode 0660, owned by the configured group.
@Suite struct ControlSocketGroupTests {
    @Test func theSocketBelongsToTheConfiguredGroup() async throws {
        let folder = temporaryPath("socket-group")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let group = try #require(getgrnam("daemon")).pointee.gr_gid
        let server = try await ControlServer(
            path: folder + "/sb.ctl", group: "daemon", router: ControlRouter(), policy: AccessPolicy(SwitchboardConfig.Control()), audit: { _ in }, logger: .silent
        )
        defer { server.stopAccepting() }
        var status = stat()
        #expect(stat(folder + "/sb.ctl", &status) == 0)
        #expect(status.st_gid == group && status.st_mode & 0o777 == 0o660)
        await #expect(throws: ControlCommandError.self) {
            _ = try await ControlServer(
                path: folder + "/other.ctl", group: "no-such-group", router: ControlRouter(), policy: AccessPolicy(SwitchboardConfig.Control()),
                audit: { _ in }, logger: .silent
            )
        }
    }
}

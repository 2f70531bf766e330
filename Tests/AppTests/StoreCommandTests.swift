import App
import Config
import Core
import Foundation
import Store
import Testing
@testable import SwitchboardCLI

/// The database commands end to end, on a real SQLite file named by a configuration file.
@Suite struct StoreCommandTests {
    final class Setup {
        let folder = temporaryPath("store-cli")
        var config: String { folder + "/switchboard.conf" }

        init() throws {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try "[general]\ndatabase = sb.db\ncountry_code = 86\nnational_length = 11\n[control]\nsocket = sb.ctl\n"
                .write(toFile: config, atomically: true, encoding: .utf8)
        }

        func run(_ words: [String]) async -> (code: Int32, out: String, err: String) {
            let capture = CapturedTerminal()
            let code = await Switchboard.run(words + ["--config", config], terminal: capture.terminal)
            return (code, capture.standardOutput, capture.standardError)
        }

        deinit { try? FileManager.default.removeItem(atPath: folder) }
    }

    @Test func agentsFromAddToRemove() async throws {
        let setup = try Setup()
        let added = await setup.run(["agents", "add", "1001", "--name", "Li Wei", "--endpoint", "PJSIP/1001", "--skills", "billing:4,mandarin:5", "--languages", "zh,en", "--pin", "4321"])
        #expect(added.code == 0, "\(added.err)")
        #expect(added.out == "added agent 1001 (Li Wei, PJSIP/1001)\n")
        let badSkill = await setup.run(["agents", "add", "1002", "--name", "Ann", "--endpoint", "PJSIP/1002", "--skills", "billing"])
        #expect(badSkill.code == 64)
        #expect(badSkill.err.contains("--skills: 'billing' is not skill:level (such as billing:4)"))
        let list = await setup.run(["agents", "list"])
        #expect(list.out.contains("1001  Li Wei  PJSIP/1001  billing:4,mandarin:5  en,zh      set"))
        #expect(await setup.run(["agents", "edit", "1001", "--skills", "support:3"]).code == 0)
        let shown = await setup.run(["agents", "show", "1001", "--json"])
        struct Shown: Decodable { var skills: [String: Int]; var hasPIN: Bool; var name: String }
        let agent = try JSONDecoder().decode(Shown.self, from: Data(shown.out.utf8))
        #expect(agent.skills == ["support": 3])
        #expect(agent.hasPIN)
        #expect(agent.name == "Li Wei")
        #expect(await setup.run(["agents", "remove", "1001"]).out == "removed agent 1001\n")
        let gone = await setup.run(["agents", "show", "1001"])
        #expect(gone.code == 1)
        #expect(gone.err == "switchboard: error: agent 1001 not found\n")
    }

    @Test func customersAddShowByAnyNumberAndImport() async throws {
        let setup = try Setup()
        #expect(await setup.run(["customers", "add", "--name", "Zhou Min", "--phone", "+86 138-0013-8000;010 6552 9988", "--vip", "2"]).out == "added customer 1 (Zhou Min)\n")
        let byNumber = await setup.run(["customers", "show", "--phone", "8613800138000"])
        #expect(byNumber.out.contains("name:     Zhou Min"))
        #expect(byNumber.out.contains("VIP tier: 2"))

        let csv = setup.folder + "/customers.csv"
        try """
            name,phone,vip,language,notes
            Wang Fang,13900000001,1,zh,
            ,13900000002,,,
            "Li, Na",13900000003;+86 139 0000 0004,x,zh,
            "Chen Jie","13900000005",3,zh,"likes ""tea""
            and mornings"
            Short row,13900000006
            Zhang Wei,13900000007,0,,
            """.write(toFile: csv, atomically: true, encoding: .utf8)
        let strict = await setup.run(["customers", "import", csv])
        #expect(strict.code == 1)
        #expect(strict.err.split(separator: "\n").map(String.init) == [
            "\(csv):3: a customer needs a name",
            "\(csv):4: vip 'x' is not a number",
            "\(csv):7: 2 fields, the header has 5",
            "nothing imported: 3 bad rows (fix them, or add the good ones with --partial)",
        ])
        #expect(await setup.run(["customers", "list", "--json"]).out.contains("Wang Fang") == false)
        let partial = await setup.run(["customers", "import", csv, "--partial"])
        #expect(partial.code == 0)
        #expect(partial.out == "imported 3 customers, skipped 3 bad rows\n")
        let chen = await setup.run(["customers", "show", "--phone", "+8613900000005", "--json"])
        #expect(chen.out.contains("likes \\\"tea\\\"\\nand mornings"))
    }

    @Test func backupCheckAndRestore() async throws {
        let setup = try Setup()
        #expect(await setup.run(["db", "migrate"]).out.hasSuffix("schema version \(Store.latestSchemaVersion) (the latest this switchboard knows)\n"))
        _ = await setup.run(["agents", "add", "1001", "--name", "Li", "--endpoint", "PJSIP/1001"])
        let backup = setup.folder + "/backup.db"
        let made = await setup.run(["db", "backup", backup])
        #expect(made.code == 0, "\(made.err)")
        #expect(made.err.contains("backing up: 100%"))
        #expect(await setup.run(["db", "backup", backup]).err == "switchboard: error: \(backup) already exists\n")
        _ = await setup.run(["agents", "remove", "1001"])
        let check = await setup.run(["db", "check"])
        #expect(check.out.hasSuffix("integrity ok, schema version \(Store.latestSchemaVersion)\n"))
        let restored = await setup.run(["db", "restore", backup])
        #expect(restored.code == 0, "\(restored.err)")
        #expect(await setup.run(["agents", "list"]).out.contains("1001"))
        let notADatabase = setup.folder + "/notes.txt"
        try "not sqlite".write(toFile: notADatabase, atomically: true, encoding: .utf8)
        let refused = await setup.run(["db", "restore", notADatabase])
        #expect(refused.code == 1)
        #expect(refused.err.contains("file is not a database"))
    }

    /// A restore under a running server would lose its writes: refused while its control socket
    /// answers, and while any process holds the database's writer lock.
    @Test func restoreRefusesWhileAServerWrites() async throws {
        let setup = try Setup()
        _ = await setup.run(["agents", "add", "1001", "--name", "Li", "--endpoint", "PJSIP/1001"])
        let backup = setup.folder + "/backup.db"
        _ = await setup.run(["db", "backup", backup])
        let running = try await ControlServer(path: setup.folder + "/sb.ctl", router: ControlRouter(), policy: AccessPolicy(SwitchboardConfig.Control()), audit: { _ in }, logger: .silent)
        let serving = Task { await running.run() }
        defer {
            running.stopAccepting()
            serving.cancel()
        }
        let refused = await setup.run(["db", "restore", backup])
        #expect(refused.code == 1)
        #expect(refused.err == "switchboard: error: the server is running (\(setup.folder)/sb.ctl answers): stop it first\n")
        running.stopAccepting()
        serving.cancel()
        try await Task.sleep(for: .milliseconds(50))
        let database = setup.folder + "/sb.db"
        do {
            let writer = try WriterLock(databasePath: database, holder: "switchboard serve")
            let locked = await setup.run(["db", "restore", backup])
            #expect(locked.code == 1)
            #expect(locked.err == "switchboard: error: \(database) is in use by switchboard serve pid \(getpid()) (it holds \(database).writer)\n", "\(locked.err)")
            withExtendedLifetime(writer) {}
        }
        #expect(await setup.run(["db", "restore", backup]).code == 0)
    }
}

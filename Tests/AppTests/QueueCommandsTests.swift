import Config
import Core
import Foundation
import Store
import Testing
@testable import App
@testable import SwitchboardCLI

/// The ACD through the control socket of a server running in this process.
@Suite(.timeLimit(.minutes(1))) struct QueueCommandsTests {
    @Test func agentsLogInPauseAndShowInTheQueueReport() async throws {
        let folder = temporaryPath("acd-cli")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let configPath = folder + "/sb.conf"
        try "[general]\ndatabase = sb.db\n[agi]\nport = 0\n[ivr]\nflows = \(folder)\n[control]\nsocket = sb.ctl\n".write(toFile: configPath, atomically: true, encoding: .utf8)
        let (config, _) = try SwitchboardConfig.load(path: configPath)
        let store = try await Store.open(path: config.general.databasePath)
        try await store.addAgent(Agent(id: "1001", name: "Li", endpoint: "PJSIP/1001", skills: ["support": 3]))
        store.close()

        let (stop, stopping) = AsyncStream.makeStream(of: Int32.self)
        let server = SwitchboardServer(config: config, logger: .silent)
        let serving = Task { try await server.run(until: stop) }
        defer { stopping.finish() }
        func run(_ words: [String]) async -> (code: Int32, out: String, err: String) {
            let capture = CapturedTerminal()
            let code = await Switchboard.run(words + ["--config", configPath], terminal: capture.terminal)
            return (code, capture.standardOutput, capture.standardError)
        }
        var ready = false
        for _ in 0..<500 where !ready {
            ready = await run(["queue", "show"]).code == 0
            if !ready { try await Task.sleep(for: .milliseconds(10)) }
        }
        #expect(await run(["queue", "show"]).out.split(separator: "\n").contains { $0.hasPrefix("1001 ") && $0.contains("logged out") })
        #expect(await run(["agent", "login", "1001"]).out == "agent 1001: login\n")
        #expect(await run(["agent", "pause", "1001", "--reason", "lunch"]).out == "agent 1001: pause\n")
        let shown = await run(["queue", "show", "--json"])
        struct Report: Decodable { struct Line: Decodable { var agent: String; var state: String }; var agents: [Line] }
        let report = try JSONDecoder().decode(Report.self, from: Data(shown.out.utf8))
        #expect(report.agents.map(\.state) == ["paused: lunch"])
        let unknown = await run(["agent", "unpause", "9999"])
        #expect(unknown.code == 1)
        #expect(unknown.err == "switchboard: error: no agent 9999\n")
        let again = await run(["agent", "login", "1001"])
        #expect(again.err == "switchboard: error: agent 1001 is paused: lunch: cannot login\n")
        // An agent added while the server runs can log in at once, with the skills given.
        #expect(await run(["agents", "add", "2001", "--name", "Ning", "--endpoint", "PJSIP/2001", "--skills", "sales:4"]).code == 0)
        #expect(await run(["agent", "login", "2001"]).out == "agent 2001: login\n")
        let withNew = try JSONDecoder().decode(QueueReport.self, from: Data(await run(["queue", "show", "--json"]).out.utf8))
        #expect(withNew.agents.first { $0.agent == "2001" }?.state == "available")
        stopping.yield(SIGTERM)
        try await serving.value
        // The changes are in the agent's history.
        let reopened = try await Store.open(path: config.general.databasePath)
        defer { reopened.close() }
        let changes = try await reopened.agentStateChanges(agentID: "1001").map { "\($0.state) \($0.reason ?? "")" }
        #expect(changes == ["available ", "paused lunch"])
    }
}

import AGI
import Core
import Foundation
import Simulator
import Store
import TestSupport
import Testing
@testable import App

/// Agents' feature codes over FastAGI, driven by the simulator as a phone would dial them.
@Suite(.timeLimit(.minutes(1))) struct AgentFeatureTests {
    @Test func loginWithPINThenPauseWithAReasonCode() async throws {
        let folder = temporaryPath("features")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try await Store.open(path: folder + "/sb.db")
        defer { store.close() }
        try await store.addAgent(Agent(id: "1001", name: "Li", endpoint: "PJSIP/1001", skills: ["support": 3]), pin: "4321")
        let routing = RoutingService(agents: [Agent(id: "1001", name: "1001", endpoint: "PJSIP/1001", skills: ["support": 3])], queues: [:], loggedIn: false, logger: .silent)
        let handler = AgentFeatureHandler(routing: routing, store: store, logger: .silent)
        let server = try LoopbackAGIServer(script: "agent") { session in try await handler.handle(session) }
        defer { server.stop() }
        func dial(_ feature: String, keys: [(at: Double, digits: String)]) async throws -> SimulatedAGIChannel.Outcome {
            let identity = ChannelIdentity(channel: "PJSIP/1001-00000001", type: "PJSIP", uniqueID: "1795480000.\(feature.count)", context: "agents", exten: feature)
            var setup = SimulatedAGIChannel.Setup(identity: identity, host: "127.0.0.1:4573", script: "agent/\(feature)")
            setup.caller = CallerScript(presses: keys)
            setup.clock = SimulationClock(scale: 50)
            return try await SimulatedAGIChannel(setup).run(server: server.address)
        }
        let wrongPIN = try await dial("login", keys: [(1.5, "1001#"), (4, "1111#")])
        #expect(wrongPIN.commands.contains("STREAM FILE agent-incorrect \"\""))
        #expect(routing.report().agents.first?.state == "logged out")
        _ = try await dial("login", keys: [(1.5, "1001#"), (4, "4321#")])
        #expect(routing.report().agents.first?.state == "available")
        _ = try await dial("pause", keys: [(1.5, "1001#"), (4, "4321#"), (7, "2")])
        #expect(routing.report().agents.first?.state == "paused: lunch")
    }
}

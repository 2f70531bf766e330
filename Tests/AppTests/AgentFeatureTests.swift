import AGI
import Core
import Foundation
import Simulator
import Store
import TestSupport
import Testing
import Tickets
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
        let handler = AgentFeatureHandler(routing: routing, store: store, tickets: nil, logger: .silent)
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

    /// `*55`: the code applies to the ticket of the call the agent answered last.
    @Test func aWrapUpCodeSolvesOrMakesTheTicketOfTheLastCall() async throws {
        let folder = temporaryPath("wrapup")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try await Store.open(path: folder + "/sb.db")
        defer { store.close() }
        try await store.addAgent(Agent(id: "1001", name: "Li", endpoint: "PJSIP/1001", skills: ["support": 3]), pin: "4321")
        var call = CallRecord(uniqueID: "1795480100.4", arrivedAt: Date(timeIntervalSinceNow: -300))
        call.callerNumber = "13800138000"
        call.queue = "support"
        call.agentID = "1001"
        call.answeredAt = Date(timeIntervalSinceNow: -250)
        call.endedAt = Date(timeIntervalSinceNow: -60)
        call.outcome = .answered
        try await store.saveCall(call)
        var settings = TicketSettings()
        settings.wrapUpCodes = ["1": .status(.solved), "3": .create(category: "fault", priority: .high)]
        let desk = TicketDesk(store: store, settings: settings, calendar: .always(in: .current))
        let open = try #require(try await desk.create(TicketDraft(subject: "Router", phone: "13800138000", createdBy: "rule:abandoned")))
        let routing = RoutingService(agents: [], queues: [:], loggedIn: false, logger: .silent)
        let handler = AgentFeatureHandler(routing: routing, store: store, tickets: desk, logger: .silent)
        let server = try LoopbackAGIServer(script: "agent") { session in try await handler.handle(session) }
        defer { server.stop() }
        func wrapUp(_ code: String) async throws -> SimulatedAGIChannel.Outcome {
            let identity = ChannelIdentity(channel: "PJSIP/1001-00000002", type: "PJSIP", uniqueID: "1795480200.\(code)", context: "agents", exten: "*55")
            var setup = SimulatedAGIChannel.Setup(identity: identity, host: "127.0.0.1:4573", script: "agent/wrapup")
            setup.caller = CallerScript(presses: [(1.5, "1001#"), (4, "4321#"), (7, code + "#")])
            setup.clock = SimulationClock(scale: 50)
            return try await SimulatedAGIChannel(setup).run(server: server.address)
        }
        // 1: the caller's open ticket is solved, by the agent.
        let solved = try await wrapUp("1")
        #expect(solved.commands.contains("STREAM FILE auth-thankyou \"\""))
        #expect(try await store.ticket(id: open.id)?.status == .solved)
        #expect(try await store.ticketHistory(id: open.id).contains { $0.who == "agent:1001" && $0.field == "status" && $0.new == "solved" })
        // 3: a new ticket for the call, given to the agent; twice is refused.
        _ = try await wrapUp("3")
        let made = try #require(try await store.tickets(linkedTo: "1795480100.4").first)
        #expect(made.category == "fault" && made.priority == .high && made.assignee == .agent("1001") && made.createdBy == "agent:1001")
        #expect(try await wrapUp("3").commands.contains("STREAM FILE invalid \"\""))
        // An unknown code: "invalid", nothing changed.
        #expect(try await wrapUp("9").commands.contains("STREAM FILE invalid \"\""))
        #expect(try await store.tickets(TicketFilter()).count == 2)
    }
}

import ACD
import Core
import Testing
@testable import App

/// What `switchboard queue show` reads: agents' states in words, time in them, their queues.
@Suite struct QueueReportTests {
    @Test func anAgentIsReservedUntilTheFlowDialsThemThenRinging() async throws {
        let routing = RoutingService(
            agents: [Agent(id: "1001", name: "1001", endpoint: "PJSIP/1001", skills: ["support": 3]), Agent(id: "2001", name: "2001", endpoint: "PJSIP/2001", skills: ["sales": 4])],
            queues: [:], loggedIn: false, logger: .silent
        )
        try await Task.sleep(for: .milliseconds(20))
        #expect(routing.change("1001", .login) == nil)
        let call = routing.join(queue: QueueDefinition(name: "support", skills: ["support": 2]), extraPriority: 0, language: nil)
        func line(_ id: String) throws -> QueueReport.AgentLine { try #require(routing.report().agents.first { $0.agent == id }) }

        #expect(try line("1001").state == "reserved (call \(call))")
        #expect(try line("2001").state == "logged out")
        // Logged out since the start, reserved just now.
        #expect(try line("2001").secondsInState > line("1001").secondsInState)
        #expect(try line("1001").queues == ["support"])
        #expect(try line("2001").queues == [])

        #expect(routing.takeOffer(call)?.endpoint == "PJSIP/1001")
        #expect(try line("1001").state == "ringing (call \(call))")
    }

    /// The estimated wait comes from calls really handled: talk (dated from the answer) and wrap-up.
    @Test func theEstimatedWaitUsesHandleTimesOfRealCalls() async throws {
        let agents = [Agent(id: "1001", name: "1001", endpoint: "PJSIP/1001", skills: ["support": 3])]
        let support = QueueDefinition(name: "support", skills: ["support": 2], wrapUpSeconds: 10)
        let routing = RoutingService(agents: agents, queues: ["support": QueueSettings(support)], loggedIn: true, logger: .silent)
        let first = routing.join(queue: support, extraPriority: 0, language: nil)
        #expect(routing.takeOffer(first) != nil)
        let waiting = routing.join(queue: support, extraPriority: 0, language: nil)
        #expect(routing.standing(of: waiting) == RoutingService.Standing(position: 2, serving: 1, handleSeconds: nil), "the ringing call is still ahead")
        routing.dialling(first)
        #expect(routing.answered(first, talkedSeconds: 50))
        routing.legEnded(first)
        let standing = try #require(routing.standing(of: waiting))
        let handle = try #require(standing.handleSeconds)
        #expect(handle >= 60 && handle < 61, "50 s of talk and 10 s of wrap-up: \(handle)")
        #expect(standing.position == 1)
        #expect(standing.estimatedSeconds(handle: handle) == handle)
    }
}

import AGI
import App
import Core
import Testing
import Wire

/// Simulated traffic against a real FastAGI server whose flow dials the agents.
@Suite(.timeLimit(.minutes(1))) struct SimulatedTrafficTests {
    @Test func everyCallerIsAnsweredOrAbandonsAndTheSameSeedGivesTheSameDay() async throws {
        let router = AGIRouter()
        router.register("ivr") { session in
            try await session.answer()
            let choice = try await session.getData("custom/main-menu", timeout: .seconds(5), maxDigits: 1)
            // Key 1 → agent 1001, anything else → 1002.
            _ = try await session.dial(choice.digits == "1" ? "PJSIP/1001" : "PJSIP/1002", timeout: 30)
        }
        let server = AGIServer(
            listener: try Listener(bind: try SocketAddress(host: "127.0.0.1", port: 0)),
            allow: [try AddressRange(parsing: "127.0.0.0/8")], router: router, logger: .silent
        )
        let serving = Task { await server.run() }
        defer {
            server.stopAccepting()
            serving.cancel()
        }
        var options = SimulatedTraffic.Options()
        options.calls = 30
        options.rate = 5
        options.agents = 2
        options.speed = 200
        options.seed = 42
        let first = await SimulatedTraffic(options: options).run(against: server.localAddress)
        #expect(first.failed == 0)
        #expect(first.answered + first.abandoned + first.unanswered == 30)
        #expect(first.answered > 0)
        #expect(first.handledByAgent.values.reduce(0, +) == first.answered)
        #expect(Set(first.handledByAgent.keys).isSubset(of: ["PJSIP/1001", "PJSIP/1002"]))
        let second = await SimulatedTraffic(options: options).run(against: server.localAddress)
        #expect(second.answered == first.answered)
        #expect(second.handledByAgent == first.handledByAgent)
    }
}

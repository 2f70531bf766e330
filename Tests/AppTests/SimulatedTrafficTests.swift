import Lab
import AGI
import App
import Core
import Foundation
import Simulator
import TestSupport
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
        let server = try LoopbackAGIServer(router: router)
        defer { server.stop() }
        var options = SimulatedTraffic.Options()
        options.calls = 30
        options.rate = 0.5
        options.agents = 2
        options.talk = 10...40
        options.speed = 50
        options.seed = 42
        let first = await SimulatedTraffic(options: options).run(against: server.address)
        #expect(first.failed == 0)
        #expect(first.answered + first.abandoned + first.unanswered == 30)
        #expect(first.answered > 0)
        #expect(first.handledByAgent.values.reduce(0, +) == first.answered)
        #expect(Set(first.handledByAgent.keys).isSubset(of: ["PJSIP/1001", "PJSIP/1002"]))
        let second = await SimulatedTraffic(options: options).run(against: server.address)
        #expect(second.answered == first.answered)
        #expect(second.handledByAgent == first.handledByAgent)
    }

    @Test func aScenarioFileSetsTrafficKeysAndPhones() async throws {
        let file = temporaryPath("scenario.conf")
        defer { try? FileManager.default.removeItem(atPath: file) }
        try """
            [traffic]
            calls = 12
            rate = 4
            seed = 3
            speed = 20
            [keys]
            1-3 => 1
            [agents]
            PJSIP/1001 = busy
            PJSIP/1002 = answers 1 5
            """.write(toFile: file, atomically: true, encoding: .utf8)
        var options = SimulatedTraffic.Options()
        try SimulationScenario.load(file, into: &options)
        #expect(options.calls == 12)
        #expect(options.agents == 0)
        #expect(options.presses.map(\.keys) == ["1"])
        #expect(options.otherEndpoints == ["PJSIP/1001": .busy, "PJSIP/1002": .answers(after: 1, talk: 5)])

        let router = AGIRouter()
        router.register("ivr") { session in
            // Key 1 tries 1001 (busy), then 1002.
            try await session.answer()
            if try await session.getData("custom/menu", timeout: .seconds(5), maxDigits: 1).digits == "1" {
                if try await session.dial("PJSIP/1001", timeout: 20).rawStatus != "ANSWER" { _ = try await session.dial("PJSIP/1002", timeout: 20) }
            }
        }
        let server = try LoopbackAGIServer(router: router)
        defer { server.stop() }
        let summary = await SimulatedTraffic(options: options).run(against: server.address)
        #expect(summary.handledByAgent == ["PJSIP/1002": 12])

        try "[keys]\nsoon => 1\n[agents]\nPJSIP/1 = sometimes\n".write(toFile: file, atomically: true, encoding: .utf8)
        let problems = errorText { try SimulationScenario.load(file, into: &options) } ?? ""
        #expect(problems.contains("\(file):2: [keys]: 'soon => 1' is not FROM-TO => KEYS (such as 1-2 => 12)"))
        #expect(problems.contains("\(file):4: [agents] PJSIP/1: 'sometimes' is not answers AFTER TALK, busy, noanswer or unavailable"))
    }
}

import Core
import ACD
import Store
import Foundation
import TestSupport
import Testing
@testable import App

@Suite struct QueueSettingsTests {
    static let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../asterisk-conf/switchboard-queues.conf").standardized.path

    @Test func theShippedQueuesLoad() throws {
        let queues = try QueueSettings.load(file: Self.sample)
        #expect(Set(queues.keys) == ["support", "sales", "general"])
        let support = try #require(queues["support"])
        #expect(support.definition.skills == ["support": 3])
        #expect(support.definition.strategy == .longestIdle)
        #expect(support.record)
        #expect(support.definition.maxMisses == 2)
        #expect(support.definition.rules == [
            .init(after: 45, .relax(skill: "support", level: 2)), .init(after: 90, .alternative(["billing": 4])),
            .init(after: 120, .raisePriority(by: 2)), .init(after: 300, .overflow(to: "general")),
        ])
        #expect(queues["sales"]?.definition.strategy == .fewestCalls)
    }

    @Test func everyBadLineIsNamed() throws {
        let file = temporaryPath("queues.conf")
        defer { try? FileManager.default.removeItem(atPath: file) }
        try "[q]\nskills = support:9\nstrategy = fastest\nrule = soon relax support:2\nrule = 60 overflow nowhere\nmax_misses = 0\nrecord = sometimes\n".write(toFile: file, atomically: true, encoding: .utf8)
        let text = errorText { _ = try QueueSettings.load(file: file) } ?? ""
        #expect(text.contains("\(file):2: skills: 'support:9' is not skill:level, … (levels 1-5)"))
        #expect(text.contains("\(file):3: strategy: 'fastest' is not one of longest-idle, best-skill, fewest-calls, round-robin"))
        #expect(text.contains("\(file):4: rule: 'soon relax support:2' is not SECONDS relax"))
        #expect(text.contains("[q]: overflow to unknown queue 'nowhere'"))
        #expect(text.contains("\(file):6: max_misses: '0' is not a whole number of at least 1"))
        #expect(text.contains("\(file):7: record: 'sometimes' is not yes, no or legs"))
    }

    @Test func recordTakesYesNoOrLegs() throws {
        let file = temporaryPath("queues.conf")
        defer { try? FileManager.default.removeItem(atPath: file) }
        try "[a]\nskills = s:1\nrecord = legs\n[b]\nskills = s:1\nrecord = yes\n[c]\nskills = s:1\nrecord = no\n".write(toFile: file, atomically: true, encoding: .utf8)
        let queues = try QueueSettings.load(file: file)
        #expect(queues.mapValues { [$0.record, $0.recordLegs] } == ["a": [true, true], "b": [true, false], "c": [false, false]])
    }

    @Test func offersOpenByRuleAndNeedTheirKey() throws {
        let file = temporaryPath("queues.conf")
        defer { try? FileManager.default.removeItem(atPath: file) }
        try "[q]\nskills = support:2\ncallback_key = #\nrule = 60 offer voicemail\nrule = 120 offer callback\ncallback_prompt = custom/cb\n"
            .write(toFile: file, atomically: true, encoding: .utf8)
        let q = try #require(try QueueSettings.load(file: file)["q"])
        #expect(q.offerExitAfterSeconds == 60)
        #expect(q.offerCallbackAfterSeconds == 120)
        #expect(q.callbackPrompt == "custom/cb")
        #expect(q.definition.rules.isEmpty)

        try "[q]\nskills = support:2\nrule = 120 offer callback\nrule = 30 offer pizza\n".write(toFile: file, atomically: true, encoding: .utf8)
        let text = errorText { _ = try QueueSettings.load(file: file) } ?? ""
        #expect(text.contains("\(file):4: rule: 'offer pizza' is not offer callback | offer voicemail"))
        #expect(text.contains("[q]: 'offer callback' needs callback_key ="))
    }
}

@Suite struct AgentSeedsTests {
    static let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../asterisk-conf/switchboard-agents.conf").standardized.path

    @Test func seedsAreAddedOnceAndNeverOverwriteTheStore() async throws {
        let folder = temporaryPath("seeds")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try await Store.open(path: folder + "/sb.db")
        defer { store.close() }
        let seeds = try AgentSeeds.load(file: Self.sample)
        #expect(seeds.map(\.agent.id) == ["1001", "1002"])
        #expect(try await AgentSeeds.plant(seeds, in: store) == ["1001", "1002"])
        #expect(try await store.agent(id: "1001")?.languages == ["en", "zh"])
        #expect(try await store.verifyPIN(agentID: "1002", pin: "1002"))
        var edited = try #require(try await store.agent(id: "1001"))
        edited.skills = ["sales": 5]
        try await store.updateAgent(edited)
        #expect(try await AgentSeeds.plant(seeds, in: store) == [])
        #expect(try await store.agent(id: "1001")?.skills == ["sales": 5])
    }

    @Test func aSeedWithoutAnEndpointIsNamed() throws {
        let file = temporaryPath("agents.conf")
        defer { try? FileManager.default.removeItem(atPath: file) }
        try "[1001]\nname = Li\n".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(errorText { _ = try AgentSeeds.load(file: file) } == "\(file):1: [1001] needs name = and endpoint =")
    }
}

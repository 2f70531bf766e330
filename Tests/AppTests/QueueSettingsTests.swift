import ACD
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
        #expect(support.definition.rules == [
            .init(after: 45, .relax(skill: "support", level: 2)), .init(after: 90, .alternative(["billing": 4])),
            .init(after: 120, .raisePriority(by: 2)), .init(after: 300, .overflow(to: "general")),
        ])
        #expect(queues["sales"]?.definition.strategy == .fewestCalls)
    }

    @Test func everyBadLineIsNamed() throws {
        let file = temporaryPath("queues.conf")
        defer { try? FileManager.default.removeItem(atPath: file) }
        try "[q]\nskills = support:9\nstrategy = fastest\nrule = soon relax support:2\nrule = 60 overflow nowhere\n".write(toFile: file, atomically: true, encoding: .utf8)
        let text = errorText { _ = try QueueSettings.load(file: file) } ?? ""
        #expect(text.contains("\(file):2: skills: 'support:9' is not skill:level, … (levels 1-5)"))
        #expect(text.contains("\(file):3: strategy: 'fastest' is not one of longest-idle, best-skill, fewest-calls, round-robin"))
        #expect(text.contains("\(file):4: rule: 'soon relax support:2' is not SECONDS relax"))
        #expect(text.contains("[q]: overflow to unknown queue 'nowhere'"))
    }
}

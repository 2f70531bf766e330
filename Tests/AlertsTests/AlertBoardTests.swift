import Testing
@testable import Alerts

/// Alerts over a made-up minute of a call center, a second at a time: each fires once when its
/// condition becomes true and clears once when it stops.
@Suite struct AlertBoardTests {
    static func rules(_ texts: String...) throws -> [AlertRule] { try texts.map { try AlertRule(parsing: $0) } }

    @Test func aLongWaitFiresOnceAndClearsOnce() throws {
        var board = AlertBoard(rules: try Self.rules("longest-wait support > 60s"))
        var changes: [(second: Int, AlertChange)] = []
        // A caller joins at 0 s and is answered at 90 s; sales has a caller waiting 100 s throughout.
        for second in 0...120 {
            let support = second < 90 ? Double(second) : 0
            let snapshot = AlertSnapshot(queues: [
                .init(name: "support", longestWaitSeconds: support, serviceLevel: nil), .init(name: "sales", longestWaitSeconds: 100, serviceLevel: nil),
            ])
            changes += board.evaluate(snapshot).map { (second, $0) }
        }
        #expect(changes.map { "\($0.second) \($0.1.fired ? "fired" : "cleared") \($0.1.key)" } == [
            "61 fired longest-wait support > 60s · support", "90 cleared longest-wait support > 60s · support",
        ])
        #expect(changes.first?.1.text == "support: a caller has waited 61 s (over 60 s)")
    }

    @Test func eachAgentAndEachQueueIsItsOwnAlert() throws {
        var board = AlertBoard(rules: try Self.rules("agent-state paused > 15m", "service-level < 80%", "longest-wait > 2m"))
        let first = board.evaluate(AlertSnapshot(
            queues: [.init(name: "support", longestWaitSeconds: 30, serviceLevel: 0.75), .init(name: "sales", longestWaitSeconds: 200, serviceLevel: 0.9)],
            agents: [.init(id: "1001", activity: "paused", secondsInState: 901), .init(id: "1002", activity: "paused", secondsInState: 899),
                     .init(id: "1003", activity: "on_call", secondsInState: 3600)]
        ))
        #expect(first.filter(\.fired).map(\.key).sorted() == [
            "agent-state paused > 15m · 1001", "longest-wait > 2m · sales", "service-level < 80% · support",
        ])
        #expect(first.contains { $0.text == "support: service level today 75% (under 80%)" })
        #expect(first.contains { $0.text == "agent 1001 paused for 15 min (over 15 min)" })
        // Nothing new while nothing changes; 1002 passes the limit, 1001 comes back.
        #expect(board.evaluate(AlertSnapshot(
            queues: [.init(name: "support", longestWaitSeconds: 31, serviceLevel: 0.75), .init(name: "sales", longestWaitSeconds: 201, serviceLevel: 0.9)],
            agents: [.init(id: "1001", activity: "paused", secondsInState: 902), .init(id: "1002", activity: "paused", secondsInState: 900)]
        )).isEmpty)
        let later = board.evaluate(AlertSnapshot(
            queues: [.init(name: "support", longestWaitSeconds: 0, serviceLevel: nil), .init(name: "sales", longestWaitSeconds: 0, serviceLevel: 0.9)],
            agents: [.init(id: "1001", activity: "available", secondsInState: 1), .init(id: "1002", activity: "paused", secondsInState: 901)]
        ))
        #expect(later.map { "\($0.fired ? "+" : "-") \($0.key)" } == [
            "+ agent-state paused > 15m · 1002", "- agent-state paused > 15m · 1001", "- longest-wait > 2m · sales", "- service-level < 80% · support",
        ])
    }

    @Test func amiDownAndAFullDisk() throws {
        var board = AlertBoard(rules: try Self.rules("ami-down > 10s", "disk-free < 10%"))
        #expect(board.evaluate(AlertSnapshot(amiDownSeconds: 5, diskFree: 0.5)).isEmpty)
        #expect(board.evaluate(AlertSnapshot(amiDownSeconds: 10, diskFree: 0.09)).map(\.text) == [
            "AMI to Asterisk down for 10 s", "recordings disk 9% free (under 10%)",
        ])
        #expect(board.evaluate(AlertSnapshot(amiDownSeconds: nil, diskFree: 0.09)).map { "\($0.fired) \($0.key)" } == ["false ami-down > 10s · ami"])
        var immediate = AlertBoard(rules: try Self.rules("ami-down"))
        #expect(immediate.evaluate(AlertSnapshot(amiDownSeconds: 0)).count == 1)
    }

    @Test(arguments: [
        ("longest-wait support 60s", "'longest-wait support 60s': write longest-wait [QUEUE] > VALUE"),
        ("longest-wait > soon", "'soon' in 'longest-wait > soon' is not a duration such as 90s, 15m or 2h"),
        ("service-level sales < 80", "'80' in 'service-level sales < 80' is not a percentage such as 80%"),
        ("agent-state napping > 5m", "'napping' is not an agent state (available, ringing, on-call, wrap-up, paused)"),
        ("queue-full > 10", "'queue-full' is not an alert (longest-wait, service-level, agent-state, ami-down, disk-free)"),
    ])
    func badRulesAreNamed(_ text: String, _ message: String) {
        #expect(throws: AlertRuleError.self) { try AlertRule(parsing: text) }
        do { _ = try AlertRule(parsing: text) } catch { #expect("\(error)" == message) }
    }
}

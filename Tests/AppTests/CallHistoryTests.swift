import ACD
import AMI
import Core
import Foundation
import Lab
import Reports
import Simulator
import Store
import TestSupport
import Testing
@testable import App

/// Call records kept from both sides, over the real FastAGI server and a simulated Asterisk's AMI.
@Suite(.timeLimit(.minutes(1))) struct CallHistoryTests {
    typealias Center = ACDEndToEndTests.Center
    typealias Manager = ACDEndToEndTests.Manager

    /// The agent answers after 1 s and hangs up after 10 s (simulated; 40 times faster than real).
    @Test func anAnsweredCallsRecordComesFromTheBridgeAndTheHangup() async throws {
        let manager = try Manager()
        let center = Center()
        try await center.start(agents: [Agent(id: "1001", name: "Li", endpoint: "PJSIP/1001", skills: ["support": 3])], loggedIn: true, ami: manager.ami)
        defer { center.stop() }
        try await manager.connect(center.center)
        let outcome = try await manager.pbx(center, ["PJSIP/1001": .answers(after: 1, talk: 10)])
            .call(from: "13800000021", dnis: "4008", caller: CallerScript(hangupAfter: 600))
        #expect(outcome.answeredBy == "PJSIP/1001")
        let call = try #require(try await center.store.finishedCall(number: "13800000021"))
        #expect(call.outcome == .answered)
        #expect(call.agentID == "1001")
        #expect(call.queue == "support")
        #expect(call.hangupSide == .agent)
        #expect(call.hangupCause == 16)
        #expect(call.linkedID != nil)
        let steps = try await center.store.callEvents(callID: call.id!)
        let kinds = steps.map(\.kind)
        #expect(kinds.first == .arrived && kinds.last == .hangup)
        for kind in [CallEvent.Kind.queued, .offered, .ringing, .connected, .bridged, .unbridged] { #expect(kinds.contains(kind), "\(kind)") }
        let bridged = try #require(steps.first { $0.kind == .bridged }?.at)
        let unbridged = try #require(steps.first { $0.kind == .unbridged }?.at)
        #expect(abs(call.talkSeconds! - unbridged.timeIntervalSince(bridged)) < 0.001)
        // 10 simulated seconds of talk are a quarter of a real second (seconds on a loaded
        // machine, still not the 10 that ANSWEREDTIME would say).
        #expect(call.talkSeconds! > 0.15 && call.talkSeconds! < 9, "\(call.talkSeconds!)")
        #expect(call.answeredAt! >= call.arrivedAt && call.endedAt! >= call.answeredAt!)
    }

    /// For random seeded traffic through the ACD: every call ends with one outcome, its
    /// durations are not negative and fit in the call, and its steps are in order.
    @Test func everyRandomCallEndsOnceWithFiguresThatAddUp() async throws {
        let manager = try Manager()
        let center = Center()
        var support = QueueSettings(QueueDefinition(name: "support", skills: ["support": 2], ringTimeoutSeconds: 10, wrapUpSeconds: 2))
        support.maxWaitSeconds = 90
        support.announceEverySeconds = 20
        let agents = (0..<3).map { Agent(id: "\(1001 + $0)", name: "A\($0)", endpoint: "PJSIP/\(1001 + $0)", skills: ["support": 3]) }
        try await center.start(agents: agents, loggedIn: true, queues: ["support": support], ami: manager.ami)
        defer { center.stop() }
        try await manager.connect(center.center)
        var options = SimulatedTraffic.Options()
        options.calls = 40
        options.rate = 0.4
        options.agents = 3
        options.talk = 5...40
        options.speed = 40
        options.seed = 7
        options.script = "ivr/q"
        options.presses = []
        let summary = await SimulatedTraffic(options: options).run(against: center.server.address, ami: manager.asterisk)
        #expect(summary.failed == 0)

        var calls: [CallRecord] = []
        for _ in 0..<500 {
            calls = try await center.store.calls(CallFilter())
            if calls.count == 40, calls.allSatisfy({ $0.outcome != nil }) { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(calls.count == 40)
        #expect(calls.filter { $0.outcome == .answered }.count == summary.answered)
        for call in calls {
            let steps = try await center.store.callEvents(callID: call.id!)
            #expect(call.outcome != nil, "\(call.uniqueID) has no outcome")
            #expect(steps.filter { $0.kind == .hangup }.count == 1 && steps.last?.kind == .hangup, "\(call.uniqueID): \(steps.map(\.kind))")
            #expect(zip(steps, steps.dropFirst()).allSatisfy { $0.at <= $1.at }, "\(call.uniqueID): steps out of order")
            let total = try #require(call.totalSeconds)
            let parts = [call.waitSeconds, call.ringSeconds, call.talkSeconds].map { $0 ?? 0 }
            #expect(parts.allSatisfy { $0 >= 0 } && (call.holdSeconds ?? 0) >= 0 && total >= 0)
            #expect(parts.reduce(0, +) <= total + 0.001, "\(call.uniqueID): wait \(parts[0]) + ring \(parts[1]) + talk \(parts[2]) > total \(total)")
            if call.outcome == .answered { #expect(call.agentID != nil && call.answeredAt != nil && call.hangupSide != nil) }
        }

        // What reports read, the tallies kept as each call ended, is the history counted again.
        let kept = try await center.store.queueTallies(from: .distantPast, to: .distantFuture).reduce(QueueTally()) { $0 + $1.tally }
        let recounted = calls.reduce(QueueTally()) { $0 + QueueTally($1, serviceLevel: support.definition.serviceLevelSeconds) }
        #expect(kept.offered == calls.filter { $0.queue != nil }.count)
        #expect(kept.answered == summary.answered)
        func counts(_ t: QueueTally) -> [Int] {
            [t.offered, t.answered, t.answeredInTime, t.abandoned, t.shortAbandoned, t.exitsByKey, t.exitsByTimeout, t.exitsToCallback, t.transfers]
        }
        #expect(counts(kept) == counts(recounted))
        for (name, a, b) in [("wait", kept.answerWaitSeconds, recounted.answerWaitSeconds), ("talk", kept.talkSeconds, recounted.talkSeconds),
                             ("wrap-up", kept.wrapUpSeconds, recounted.wrapUpSeconds), ("longest", kept.longestWaitSeconds, recounted.longestWaitSeconds)] {
            #expect(abs(a - b) < 0.01, "\(name): kept \(a), recounted \(b)")
        }
    }
}

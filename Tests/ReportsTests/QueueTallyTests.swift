import Core
import Foundation
import Testing
@testable import Reports

/// Report figures on hand-built days whose answers are worked out by hand.
@Suite struct QueueTallyTests {
    /// 09:00 UTC on a weekday.
    static let nine = Date(timeIntervalSince1970: 1_796_202_000)

    /// A call that joined `support` at `joined` seconds past nine and went through `steps`
    /// (seconds after joining), ended by `CallJourney` as the server ends it.
    static func call(_ id: String, joined: Double, _ steps: [(Double, CallEvent.Kind, String?)], end: Double, shortAbandon: Double = 5, wrapUp: Double = 10) -> (CallRecord, [CallEvent]) {
        let start = nine.addingTimeInterval(joined)
        var journey = CallJourney(CallRecord(uniqueID: id, arrivedAt: start.addingTimeInterval(-8)))
        journey.add(CallEvent(.queued, at: start, queue: "support"))
        for (at, kind, detail) in steps {
            let agent: String? = [.offered, .connected, .ringNoAnswer].contains(kind) ? detail : nil
            journey.add(CallEvent(kind, at: start.addingTimeInterval(at), queue: "support", agent: agent, detail: agent == nil ? detail : nil))
        }
        journey.add(CallEvent(.hangup, at: start.addingTimeInterval(end)))
        return (journey.finished(shortAbandon: { _ in shortAbandon }, wrapUp: { _ in wrapUp }), journey.events)
    }

    static func tally(_ calls: [(CallRecord, [CallEvent])], serviceLevel: Double = 20) -> QueueTally {
        calls.reduce(into: QueueTally()) { $0 += QueueTally($1.0, serviceLevel: serviceLevel) }
    }

    static let answeredFast = call("a1", joined: 0, [(2, .offered, "1001"), (8, .connected, "1001"), (8, .bridged, nil), (68, .unbridged, "caller")], end: 68)
    /// Answered at exactly the threshold: within it.
    static let answeredAtThreshold = call("a2", joined: 60, [(12, .offered, "1002"), (20, .connected, "1002"), (20, .bridged, nil), (30, .held, nil), (40, .unheld, nil), (140, .unbridged, "agent")], end: 140)
    static let answeredLate = call("a3", joined: 120, [(5, .offered, "1001"), (20, .ringNoAnswer, "1001"), (40, .offered, "1002"), (50, .connected, "1002"), (50, .bridged, nil), (110, .unbridged, "caller")], end: 110)
    static let abandoned = call("b1", joined: 200, [], end: 45)
    /// Hung up at exactly the short-abandon threshold: an abandon, not a short one.
    static let abandonedAtShortThreshold = call("b2", joined: 210, [], end: 5)
    static let shortAbandon = call("b3", joined: 220, [], end: 4.9)
    static let exitByKey = call("c1", joined: 230, [(70, .exited, "key"), (72, .voicemail, nil)], end: 100)
    static let callback = call("c2", joined: 240, [(30, .callbackRequested, nil)], end: 31)

    static let day = [answeredFast, answeredAtThreshold, answeredLate, abandoned, abandonedAtShortThreshold, shortAbandon, exitByKey, callback]

    @Test func aKnownDayGivesKnownFigures() throws {
        let t = Self.tally(Self.day)
        #expect(t.offered == 8)
        #expect(t.answered == 3)
        #expect(t.answeredInTime == 2)
        #expect(t.abandoned == 2)
        #expect(t.shortAbandoned == 1)
        #expect(t.exitsByKey == 1)
        #expect(t.exitsToCallback == 1)
        #expect(t.exitsByTimeout == 0)
        // SL: 2 of 3 answered; inclusive 2 of (3 answered + 2 abandoned); the short abandon, the
        // voicemail after the key and the callback in neither.
        #expect(try #require(t.serviceLevelOfAnswered) == 2.0 / 3)
        #expect(try #require(t.serviceLevelInclusive) == 2.0 / 5)
        // Abandon rate: 2 of the 7 offered that were not short abandons.
        #expect(try #require(t.abandonRate) == 2.0 / 7)
        // ASA: (8 + 20 + 50) / 3.
        #expect(try #require(t.averageSpeedOfAnswer) == 26)
        // AHT: talk 60 + 110 (120 bridged less 10 on hold) + 60, hold 10, wrap-up 3 × 10; over 3.
        #expect(t.talkSeconds == 230)
        #expect(t.holdSeconds == 10)
        #expect(t.wrapUpSeconds == 30)
        #expect(try #require(t.averageHandleTime) == 90)
        // Longest in the queue: the exit by key after 70 s.
        #expect(t.longestWaitSeconds == 70)
    }

    @Test func figuresAreNilWithNothingToDivideBy() {
        let t = Self.tally([Self.shortAbandon])
        #expect(t.offered == 1)
        #expect(t.serviceLevelOfAnswered == nil)
        #expect(t.serviceLevelInclusive == nil)
        #expect(t.abandonRate == nil)
        #expect(t.averageSpeedOfAnswer == nil)
        #expect(t.averageHandleTime == nil)
    }

    /// Tallies add across intervals as the calls would: the sum of parts is the whole.
    @Test func tallyingByPartsEqualsTallyingTheWhole() {
        let whole = Self.tally(Self.day)
        let split = Self.tally(Array(Self.day.prefix(3))) + Self.tally(Array(Self.day.dropFirst(3)))
        #expect(split == whole)
    }

    /// A call that joins at 09:14:50 and is answered at 09:15:10 counts whole in 09:00–09:15.
    @Test func aCallSpanningTwoIntervalsCountsWhereItJoined() throws {
        let (call, steps) = Self.call("s1", joined: 890, [(3, .offered, "1001"), (20, .connected, "1001"), (20, .bridged, nil), (400, .unbridged, "caller")], end: 400)
        let tallies = CallTallies(call, steps: steps, serviceLevel: 20)
        let queue = try #require(tallies.queue)
        #expect(queue.start == Self.nine)
        #expect(queue.tally.answered == 1)
        #expect(queue.tally.answeredInTime == 1)
        // The agent's part counts where the call was answered: 09:15.
        #expect(tallies.agents.map(\.start) == [Self.nine.addingTimeInterval(900)])
        #expect(ReportInterval.quarterHour.start(of: call.answeredAt!, in: TimeZone(identifier: "UTC")!) == Self.nine.addingTimeInterval(900))
    }

    @Test func agentsGetTheirCallsAndMissedRings() {
        var byAgent: [String: AgentTally] = [:]
        for (call, steps) in Self.day {
            for part in AgentTally.parts(of: call, steps: steps) { byAgent[part.agent, default: AgentTally()] += part.tally }
        }
        #expect(byAgent["1001"]?.handled == 1)
        #expect(byAgent["1001"]?.ringNoAnswers == 1)
        #expect(byAgent["1002"]?.handled == 2)
        #expect(byAgent["1002"]?.holdSeconds == 10)
        // 1002: talk 110 + 60, hold 10, wrap-up 20, over 2 calls.
        #expect(byAgent["1002"]?.averageHandleTime == 100)
    }
}

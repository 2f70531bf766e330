import Foundation
import Testing
@testable import Core

/// The figures of a call worked out from its steps, on hand-built timelines with known answers.
@Suite struct CallJourneyTests {
    static let start = Date(timeIntervalSince1970: 1_795_500_000)

    /// A journey of steps at these seconds after arrival.
    func journey(_ steps: [(Double, CallEvent)]) -> CallJourney {
        var journey = CallJourney(CallRecord(uniqueID: "1795500000.1", arrivedAt: Self.start))
        for (at, event) in steps {
            var event = event
            event.at = Self.start.addingTimeInterval(at)
            journey.add(event)
        }
        return journey
    }

    @Test func anAnsweredCallHasItsWaitRingTalkAndWhoHungUp() {
        let call = journey([
            (0, CallEvent(.arrived)), (2, CallEvent(.node, node: "main:menu")), (10, CallEvent(.queued, queue: "support")),
            (40, CallEvent(.offered, queue: "support", agent: "1001")), (40.1, CallEvent(.ringing, agent: "1001")),
            (45, CallEvent(.connected, queue: "support", agent: "1001")), (45.2, CallEvent(.bridged, agent: "1001")),
            (60, CallEvent(.held)), (80, CallEvent(.unheld)),
            (160, CallEvent(.unbridged, agent: "1001", detail: "caller")), (160.3, CallEvent(.hangup, cause: 16)),
        ]).finished(wrapUp: { $0 == "support" ? 10 : 0 })
        #expect(call.outcome == .answered)
        #expect(call.agentID == "1001")
        #expect(call.queue == "support")
        #expect(call.queuedAt == Self.start.addingTimeInterval(10))
        #expect(call.offeredAt == Self.start.addingTimeInterval(40))
        #expect(call.answeredAt == Self.start.addingTimeInterval(45))
        #expect(call.endedAt == Self.start.addingTimeInterval(160.3))
        #expect(abs(call.waitSeconds! - 30) < 1e-6)
        #expect(abs(call.ringSeconds! - 5) < 1e-6)
        #expect(abs(call.talkSeconds! - 114.8) < 1e-6)
        #expect(abs(call.holdSeconds! - 20) < 1e-6)
        #expect(call.wrapUpSeconds == 10)
        #expect(call.hangupSide == .caller)
        #expect(call.hangupCause == 16)
        #expect(call.offers == 1)
    }

    @Test func aRingNoAnswerCountsAsRingingAndTheCallerKeepsWaiting() {
        let call = journey([
            (0, CallEvent(.arrived)), (10, CallEvent(.queued, queue: "support")),
            (20, CallEvent(.offered, agent: "1002")), (35, CallEvent(.ringNoAnswer, agent: "1002")),
            (40, CallEvent(.offered, agent: "1001")), (44, CallEvent(.connected, agent: "1001")),
            (44.1, CallEvent(.bridged)), (100, CallEvent(.unbridged, detail: "agent")), (100.1, CallEvent(.hangup)),
        ]).finished()
        #expect(call.outcome == .answered)
        #expect(call.agentID == "1001")
        #expect(call.offers == 2)
        #expect(abs(call.ringSeconds! - 19) < 1e-6)
        #expect(abs(call.waitSeconds! - 15) < 1e-6)
        #expect(call.hangupSide == .agent)
    }

    /// Below the queue's threshold a hang-up is a short abandon; at it, an abandon.
    @Test func abandonsAndShortAbandonsByTheQueuesThreshold() {
        func abandoned(after seconds: Double) -> CallRecord {
            journey([
                (0, CallEvent(.arrived)), (10, CallEvent(.queued, queue: "support")),
                (10 + seconds, CallEvent(.abandoned, queue: "support")), (10 + seconds, CallEvent(.hangup, detail: "caller")),
            ]).finished(shortAbandon: { $0 == "support" ? 5 : 0 })
        }
        #expect(abandoned(after: 3).outcome == .shortAbandoned)
        #expect(abandoned(after: 4.999).outcome == .shortAbandoned)
        #expect(abandoned(after: 5).outcome == .abandoned)
        #expect(abandoned(after: 20).outcome == .abandoned)
        #expect(abs(abandoned(after: 20).waitSeconds! - 20) < 1e-6)
        #expect(abandoned(after: 20).hangupSide == .caller)
        // The line simply ended while waiting: the caller hung up in the queue.
        let ended = journey([(0, CallEvent(.arrived)), (10, CallEvent(.queued, queue: "support")), (70, CallEvent(.hangup))]).finished()
        #expect(ended.outcome == .abandoned)
        #expect(abs(ended.waitSeconds! - 60) < 1e-6)
    }

    @Test func leavingTheQueueForVoicemailOrACallback() {
        let voicemail = journey([
            (0, CallEvent(.arrived)), (10, CallEvent(.queued, queue: "support")), (40, CallEvent(.exited, queue: "support", detail: "key")),
            (45, CallEvent(.voicemail, detail: "/var/spool/vm-1 20 s")), (70, CallEvent(.hangup, detail: "system")),
        ]).finished()
        #expect(voicemail.outcome == .voicemail)
        #expect(voicemail.queueExit == .key)
        #expect(abs(voicemail.waitSeconds! - 30) < 1e-6)
        let timedOut = journey([(0, CallEvent(.arrived)), (10, CallEvent(.queued)), (610, CallEvent(.exited, detail: "timeout")), (611, CallEvent(.hangup))]).finished()
        #expect(timedOut.outcome == .abandoned)
        #expect(timedOut.queueExit == .timeout)
        let callback = journey([
            (0, CallEvent(.arrived)), (10, CallEvent(.queued, queue: "support")), (30, CallEvent(.callbackRequested, queue: "support", detail: "13800138000")),
            (33, CallEvent(.hangup, detail: "system")),
        ]).finished()
        #expect(callback.outcome == .callback)
        #expect(callback.queueExit == .callback)
        #expect(abs(callback.waitSeconds! - 20) < 1e-6)
        #expect(callback.answeredAt == nil)
    }

    @Test func callsThatNeverQueue() {
        #expect(journey([(0, CallEvent(.arrived)), (1, CallEvent(.node)), (9, CallEvent(.hangup, detail: "system"))]).finished().outcome == .ivrOnly)
        #expect(journey([(0, CallEvent(.arrived)), (1, CallEvent(.error, detail: "no node [x]")), (2, CallEvent(.hangup))]).finished().outcome == .error)
        #expect(journey([(0, CallEvent(.arrived)), (1, CallEvent(.error)), (20, CallEvent(.operator)), (90, CallEvent(.hangup))]).finished().outcome == .operator)
        #expect(journey([(0, CallEvent(.arrived)), (5, CallEvent(.transferred, detail: "PJSIP/2000")), (90, CallEvent(.hangup))]).finished().outcome == .transferred)
        let ivr = journey([(0, CallEvent(.arrived)), (9, CallEvent(.hangup))]).finished()
        #expect(ivr.waitSeconds == nil && ivr.talkSeconds == nil && ivr.ringSeconds == 0)
    }

    /// Without AMI there are no bridge steps: the talk runs from the answer to the end.
    @Test func withoutBridgeStepsTheTalkRunsFromTheAnswer() {
        let call = journey([(0, CallEvent(.arrived)), (1, CallEvent(.queued)), (2, CallEvent(.offered)), (5, CallEvent(.connected)), (65, CallEvent(.hangup))]).finished()
        #expect(abs(call.talkSeconds! - 60) < 1e-6)
        #expect(abs(call.ringSeconds! - 3) < 1e-6)
    }

    /// Steps stamped out of order (two sources of one clock) are kept in order.
    @Test func theTimelineNeverGoesBack() {
        let journey = journey([(0, CallEvent(.arrived)), (10, CallEvent(.queued)), (9.5, CallEvent(.position)), (-3, CallEvent(.node))])
        let times = journey.events.map { $0.at.timeIntervalSince(Self.start) }
        #expect(times == [0, 10, 10, 10])
    }
}

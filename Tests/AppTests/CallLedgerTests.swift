import ACD
import AMI
import Core
import Foundation
import Store
import Synchronization
import Testing
@testable import App

/// The ledger joining what FastAGI and AMI say about a call, on a clock the test moves.
@Suite struct CallLedgerTests {
    final class Recorder: Sendable {
        let writes = Mutex<[StoreWrite]>([])
        let now = Mutex(Date(timeIntervalSince1970: 1_795_500_000))

        func advance(_ seconds: Double) { now.withLock { $0 = $0.addingTimeInterval(seconds) } }

        var records: [CallRecord] {
            writes.withLock { $0 }.compactMap { write in
                switch write {
                case .call(let call), .callFinished(let call, _): call
                default: nil
                }
            }
        }
        var steps: [CallEvent] { writes.withLock { $0 }.flatMap { write -> [CallEvent] in if case .steps(_, let steps) = write { steps } else { [] } } }
    }

    static func event(_ name: String, _ headers: [(String, String)]) -> AMIEvent {
        AMIEvent(AMIMessage([("Event", name)] + headers))
    }

    static func channel(_ name: String, _ uniqueID: String, prefix: String = "") -> [(String, String)] {
        [(prefix + "Channel", name), (prefix + "Uniqueid", uniqueID), (prefix + "Linkedid", "1795500000.0")]
    }

    func ledger(_ recorder: Recorder, amiUp: Bool = true) -> CallLedger {
        var support = QueueSettings(QueueDefinition(name: "support", skills: ["support": 1], wrapUpSeconds: 15))
        support.shortAbandonSeconds = 8
        return CallLedger(
            queues: ["support": support], hangupGrace: .seconds(60), clock: { recorder.now.withLock { $0 } }, amiReady: { amiUp },
            write: { write in recorder.writes.withLock { $0.append(write) } }
        )
    }

    /// IVR → queue → agent; the agent hangs up first. Talk from the bridge, who and why from AMI.
    @Test func anAnsweredCallTakesItsTalkAndHangupFromAMI() {
        let recorder = Recorder()
        let ledger = ledger(recorder)
        let caller = "Local/4008@switchboard-inbound-00000001;2"
        let agentLeg = "Local/1001@agents-00000002;1"
        var record = CallRecord(uniqueID: "1795500000.1")
        record.callerNumber = "13800138000"
        record.flow = "main"
        ledger.begin(record, channel: caller)
        recorder.advance(2)
        ledger.record(uniqueID: "1795500000.1", CallEvent(.queued, queue: "support"))
        recorder.advance(10)
        ledger.record(uniqueID: "1795500000.1", CallEvent(.offered, queue: "support", agent: "1001"))
        ledger.take(Self.event("DialBegin", Self.channel(caller, "1795500000.1") + Self.channel(agentLeg, "1795500000.2", prefix: "Dest")))
        recorder.advance(3)
        ledger.record(uniqueID: "1795500000.1", CallEvent(.connected, queue: "support", agent: "1001"))
        ledger.take(Self.event("BridgeEnter", Self.channel(agentLeg, "1795500000.2") + [("BridgeUniqueid", "b1")]))
        ledger.take(Self.event("BridgeEnter", Self.channel(caller, "1795500000.1") + [("BridgeUniqueid", "b1")]))
        recorder.advance(20)
        ledger.take(Self.event("Hold", Self.channel(agentLeg, "1795500000.2")))
        recorder.advance(5)
        ledger.take(Self.event("Unhold", Self.channel(agentLeg, "1795500000.2")))
        recorder.advance(40)
        ledger.take(Self.event("BridgeLeave", Self.channel(agentLeg, "1795500000.2") + [("BridgeUniqueid", "b1")]))
        ledger.take(Self.event("BridgeLeave", Self.channel(caller, "1795500000.1") + [("BridgeUniqueid", "b1")]))
        ledger.take(Self.event("Hangup", Self.channel(agentLeg, "1795500000.2") + [("Cause", "16")]))
        recorder.advance(0.5)
        ledger.flowEnded(uniqueID: "1795500000.1", side: nil)
        #expect(recorder.records.count == 1, "not over until Asterisk hangs the channel up")
        recorder.advance(0.1)
        ledger.take(Self.event("Hangup", Self.channel(caller, "1795500000.1") + [("Cause", "16")]))

        let call = try! #require(recorder.records.last)
        #expect(ledger.active == 0)
        #expect(call.outcome == .answered)
        #expect(call.agentID == "1001")
        #expect(call.linkedID == "1795500000.0")
        #expect(abs(call.waitSeconds! - 10) < 1e-6)
        #expect(abs(call.ringSeconds! - 3) < 1e-6)
        #expect(abs(call.talkSeconds! - 65) < 1e-6)
        #expect(abs(call.holdSeconds! - 5) < 1e-6)
        #expect(call.wrapUpSeconds == 15)
        #expect(call.hangupSide == .agent)
        #expect(call.hangupCause == 16)
        #expect(abs(call.totalSeconds! - 80.6) < 1e-6)
        #expect(recorder.steps.map(\.kind) == [.arrived, .queued, .offered, .ringing, .connected, .bridged, .held, .unheld, .unbridged, .hangup])
        #expect(recorder.steps.first { $0.kind == .ringing }?.agent == "1001")
    }

    /// Without AMI the flow's end is the call's end, and the flow says who ended it.
    @Test func withoutAMITheFlowsEndIsTheCallsEnd() {
        let recorder = Recorder()
        let ledger = ledger(recorder, amiUp: false)
        ledger.begin(CallRecord(uniqueID: "u1"), channel: "PJSIP/trunk-00000001")
        recorder.advance(1)
        ledger.record(uniqueID: "u1", CallEvent(.queued, queue: "support"))
        recorder.advance(6)
        ledger.record(uniqueID: "u1", CallEvent(.abandoned, queue: "support"))
        ledger.flowEnded(uniqueID: "u1", side: .caller)
        let call = try! #require(recorder.records.last)
        #expect(call.outcome == .shortAbandoned, "6 s is under this queue's 8 s")
        #expect(call.hangupSide == .caller)
        #expect(call.hangupCause == nil)
        #expect(recorder.steps.last?.kind == .hangup)
    }

    /// A step for a call already over (a callback taken later) still reaches its stored timeline.
    @Test func aLateStepGoesToTheStoredTimeline() {
        let recorder = Recorder()
        let ledger = ledger(recorder, amiUp: false)
        ledger.record(uniqueID: "gone", CallEvent(.callbackConnected, agent: "1001"))
        guard case .steps("gone", let steps)? = recorder.writes.withLock({ $0 }).last else { Issue.record("no write"); return }
        #expect(steps.map(\.kind) == [.callbackConnected])
    }

    /// At shutdown every open call is written as it stands.
    @Test func finishAllWritesOpenCalls() {
        let recorder = Recorder()
        let ledger = ledger(recorder)
        ledger.begin(CallRecord(uniqueID: "a"), channel: nil)
        ledger.begin(CallRecord(uniqueID: "b"), channel: nil)
        ledger.flowEnded(uniqueID: "b", side: .system)
        ledger.finishAll()
        #expect(Set(recorder.records.filter { $0.outcome != nil }.map(\.uniqueID)) == ["a", "b"])
        #expect(recorder.records.filter { $0.outcome != nil }.allSatisfy { $0.hangupSide == .system })
    }
}

import ACD
import AMI
import Core
import Foundation
import Synchronization
import Testing
import TestSupport
@testable import App

/// `queue_log` from Switchboard's routing, against the lines a real Asterisk 20.20.1 running
/// app_queue wrote for the same situations (`queue-log-app-queue.txt`, captured). Each case is
/// driven through the call ledger as the server drives it (the flow's and the ACD's steps, AMI
/// events, the captured transfer events themselves) on a clock set to the capture's times, so
/// every duration, position and millisecond count must come out as app_queue's.
@Suite struct QueueLogTests {
    static let captured: [[String]] = {
        let text = try! String(contentsOf: Transcript.folder.appendingPathComponent("queue-log-app-queue.txt"), encoding: .utf8)
        return text.split(separator: "\n").map { $0.split(separator: "|", omittingEmptySubsequences: false).map(String.init) }
    }()

    /// The first captured AMI event named `name` (`queue-log-app-queue.events.log`).
    static func capturedEvent(_ name: String) throws -> AMIEvent {
        let text = try String(contentsOf: Transcript.folder.appendingPathComponent("queue-log-app-queue.events.log"), encoding: .utf8)
        for block in text.components(separatedBy: "\n\n") {
            let headers = block.split(separator: "\n").filter { !$0.hasPrefix("# ") }.compactMap { line -> (String, String)? in
                guard let colon = line.firstIndex(of: ":") else { return nil }
                return (String(line[..<colon]), String(line[line.index(after: colon)...].dropFirst()))
            }
            if headers.first?.0 == "Event", headers.first?.1 == name { return AMIEvent(AMIMessage(headers)) }
        }
        throw CaptureMissing(name: name)
    }

    struct CaptureMissing: Error { var name: String }

    /// Captured names → this test's: the queue, and members by name or interface.
    static let names = [
        "capq": "support", "Alice": "1001", "Local/1001@agents": "1001", "Bob": "1002", "Local/1002@agents": "1002",
        "Local/1098@agents": "1098", "Local/1099@agents": "1099",
    ]

    final class Clock: Sendable {
        let date = Mutex(Date())
    }

    final class Script: Sendable {
        let clock = Clock()
        let ledger: CallLedger
        let log: QueueLogWriter
        let path: String

        init() throws {
            path = FileManager.default.temporaryDirectory.appendingPathComponent("queue_log-\(UUID().uuidString)").path
            var support = QueueSettings(QueueDefinition(name: "support", skills: ["support": 1], wrapUpSeconds: 0))
            support.definition.ringTimeoutSeconds = 3
            log = try QueueLogWriter(path: path, ringTimeouts: ["support": 3], logger: .silent, now: Date(timeIntervalSince1970: 1_796_146_704))
            let clock = clock
            ledger = CallLedger(
                queues: ["support": support], hangupGrace: .seconds(60), clock: { clock.date.withLock { $0 } }, amiReady: { true }, queueLog: log,
                write: { _ in }
            )
        }

        func at(_ seconds: Double) { clock.date.withLock { $0 = Date(timeIntervalSince1970: seconds) } }

        func begin(_ uniqueID: String, _ number: String, channel: String) {
            var record = CallRecord(uniqueID: uniqueID, arrivedAt: clock.date.withLock { $0 })
            record.callerNumber = number
            ledger.begin(record, channel: channel)
        }

        func step(_ uniqueID: String, _ kind: CallEvent.Kind, agent: String? = nil, detail: String? = nil) {
            ledger.record(uniqueID: uniqueID, CallEvent(kind, queue: "support", agent: agent, detail: detail))
        }

        func ami(_ name: String, _ headers: [(String, String)]) { ledger.take(AMIEvent(AMIMessage([("Event", name)] + headers))) }

        static func channel(_ name: String, _ uniqueID: String, prefix: String = "") -> [(String, String)] {
            [(prefix + "Channel", name), (prefix + "Uniqueid", uniqueID), (prefix + "Linkedid", "1796146700.0")]
        }

        /// The agent answers: DialBegin, DialEnd ANSWER and both into the bridge.
        func answered(_ uniqueID: String, caller: String, agent: String, leg: String, legID: String, bridge: String) {
            step(uniqueID, .offered, agent: agent)
            ami("DialBegin", Self.channel(caller, uniqueID) + Self.channel(leg, legID, prefix: "Dest"))
            ami("DialEnd", Self.channel(caller, uniqueID) + Self.channel(leg, legID, prefix: "Dest") + [("DialStatus", "ANSWER")])
            ami("BridgeEnter", Self.channel(caller, uniqueID) + [("BridgeUniqueid", bridge)])
            ami("BridgeEnter", Self.channel(leg, legID) + [("BridgeUniqueid", bridge)])
        }

        /// The call's end: its flow is over and Asterisk hangs the caller's channel up.
        func end(_ uniqueID: String, caller: String) {
            ledger.flowEnded(uniqueID: uniqueID, side: nil)
            ami("Hangup", Self.channel(caller, uniqueID) + [("Cause", "16")])
        }

        func agent(_ id: String, _ state: String, reason: String? = nil) {
            log.agent(id, state: state, reason: reason, queues: ["support"], at: clock.date.withLock { $0 })
        }

        var lines: [[String]] {
            let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
            return text.split(separator: "\n").map { $0.split(separator: "|", omittingEmptySubsequences: false).map(String.init) }
        }
    }

    /// Field by field: the same count, the same event, the same values with names mapped;
    /// `aside` lists the fields that are ids (callid: 1, a member channel's uniqueid) or
    /// differ by design, with why.
    func expectSame(_ ours: [String], as line: Int, aside: [Int: String] = [:], sourceLocation: SourceLocation = #_sourceLocation) {
        let theirs = Self.captured[line - 1]
        #expect(ours.count == theirs.count, "line \(line): \(ours.joined(separator: "|")) vs \(theirs.joined(separator: "|"))", sourceLocation: sourceLocation)
        for index in 0..<min(ours.count, theirs.count) where aside[index] == nil && index != 0 && index != 1 {
            #expect(ours[index] == (Self.names[theirs[index]] ?? theirs[index]), "line \(line) field \(index + 1): \(ours.joined(separator: "|")) vs \(theirs.joined(separator: "|"))", sourceLocation: sourceLocation)
        }
        // The callid is NONE or MANAGER where app_queue's is, a uniqueid where its is.
        if theirs.count > 1, ours.count > 1 {
            #expect(["NONE", "MANAGER"].contains(theirs[1]) ? ours[1] == theirs[1] : ours[1].contains("."), "line \(line) callid \(ours[1])", sourceLocation: sourceLocation)
        }
    }

    @Test func theCapturedCasesGiveTheLinesAppQueueWrote() throws {
        let script = try Script()
        defer { try? FileManager.default.removeItem(atPath: script.path) }
        var expected: [(line: Int, aside: [Int: String])] = [(1, [:])]
        func expect(_ lines: Int..., aside: [Int: String] = [:]) { for line in lines { expected.append((line, aside)) } }

        // 01 add-member.
        script.at(1_796_146_706.2)
        script.agent("1001", "available")
        expect(2)
        // 02 complete-agent: answered at once, the agent hangs up after 5 s.
        script.at(1_796_146_708.1)
        script.begin("1796146707.1", "13800138002", channel: "Local/1002@queue-in-00000000;2")
        script.step("1796146707.1", .queued)
        script.answered("1796146707.1", caller: "Local/1002@queue-in-00000000;2", agent: "1001", leg: "Local/1001@agents-00000001;1", legID: "1796146708.2", bridge: "b1")
        script.at(1_796_146_713.3)
        script.ami("BridgeLeave", Script.channel("Local/1001@agents-00000001;1", "1796146708.2") + [("BridgeUniqueid", "b1")])
        script.end("1796146707.1", caller: "Local/1002@queue-in-00000000;2")
        expect(3, 5)
        expect(4, aside: [6: "the agent leg's uniqueid"])
        // 03 complete-caller: the customer hangs up 7 s after the answer.
        script.at(1_796_146_715.4)
        script.begin("1796146715.5", "13800138003", channel: "Local/1003@queue-in-00000002;2")
        script.step("1796146715.5", .queued)
        script.answered("1796146715.5", caller: "Local/1003@queue-in-00000002;2", agent: "1001", leg: "Local/1001@agents-00000003;1", legID: "1796146715.6", bridge: "b2")
        script.at(1_796_146_722.5)
        script.ami("BridgeLeave", Script.channel("Local/1003@queue-in-00000002;2", "1796146715.5") + [("BridgeUniqueid", "b2")])
        script.end("1796146715.5", caller: "Local/1003@queue-in-00000002;2")
        expect(6)
        expect(7, aside: [6: "the agent leg's uniqueid"])
        expect(8)
        // 04 pause, a caller abandons after 5 s, unpause.
        script.at(1_796_146_724.1)
        script.agent("1001", "paused", reason: "Lunch")
        script.at(1_796_146_725.2)
        script.begin("1796146725.9", "13800138004", channel: "Local/1004@queue-in-00000004;2")
        script.step("1796146725.9", .queued)
        script.at(1_796_146_730.3)
        script.step("1796146725.9", .abandoned)
        script.end("1796146725.9", caller: "Local/1004@queue-in-00000004;2")
        script.at(1_796_146_731.1)
        script.agent("1001", "available")
        script.at(1_796_146_732.1)
        script.agent("1001", "paused", reason: "break")
        expect(9, 10, 11, 12)
        expect(13, aside: [5: "a pause without a reason is Switchboard's `break`"])
        // 05 two ring timeouts, then the caller hangs up 996 ms into the third ring.
        script.at(1_796_146_732.5)
        script.agent("1098", "available")
        script.at(1_796_146_733.2)
        script.begin("1796146733.11", "13800138005", channel: "Local/1005@queue-in-00000005;2")
        script.step("1796146733.11", .queued)
        for ring in [733.2, 737.2] {
            script.at(1_796_146_000 + ring)
            script.step("1796146733.11", .offered, agent: "1098")
            script.at(1_796_146_000 + ring + 3)
            script.step("1796146733.11", .ringNoAnswer, agent: "1098", detail: "noAnswer")
        }
        script.at(1_796_146_741.2)
        script.step("1796146733.11", .offered, agent: "1098")
        script.at(1_796_146_742.196)
        script.step("1796146733.11", .abandoned)
        script.end("1796146733.11", caller: "Local/1005@queue-in-00000005;2")
        script.at(1_796_146_743.1)
        script.agent("1098", "logged out")
        expect(14, 15, 16, 17, 18, 19, 20)
        // 06 a busy member: three tries, each busy at once, then the caller hangs up.
        script.at(1_796_146_744.1)
        script.agent("1099", "available")
        script.at(1_796_146_746.1)
        script.begin("1796146745.19", "13800138006", channel: "Local/1006@queue-in-00000007;2")
        script.step("1796146745.19", .queued)
        for second in [746.1, 747.1, 748.1] {
            script.at(1_796_146_000 + second)
            script.step("1796146745.19", .offered, agent: "1099")
            script.step("1796146745.19", .ringNoAnswer, agent: "1099", detail: "busy")
        }
        script.at(1_796_146_749.6)
        script.step("1796146745.19", .abandoned)
        script.end("1796146745.19", caller: "Local/1006@queue-in-00000007;2")
        script.at(1_796_146_750.1)
        script.agent("1099", "logged out")
        expect(21, 22, 23, 24, 25, 26, 27)
        // 07 the queue's time limit; 08 the exit key.
        script.at(1_796_146_751.1)
        script.begin("1796146751.27", "13800138007", channel: "Local/1007@queue-in-00000009;2")
        script.step("1796146751.27", .queued)
        script.at(1_796_146_754.1)
        script.step("1796146751.27", .exited, detail: "timeout")
        script.end("1796146751.27", caller: "Local/1007@queue-in-00000009;2")
        script.at(1_796_146_757.1)
        script.begin("1796146756.29", "13800138008", channel: "Local/1008@queue-in-0000000a;2")
        script.step("1796146756.29", .queued)
        script.at(1_796_146_759.2)
        script.step("1796146756.29", .exited, detail: "key")
        script.end("1796146756.29", caller: "Local/1008@queue-in-0000000a;2")
        expect(28, 29, 30)
        expect(31, aside: [5: "Switchboard's exit key is *"])
        // 09 the agent transfers blind 3 s after the answer: the captured BlindTransfer.
        script.at(1_796_146_761.1)
        script.agent("1001", "available")
        script.at(1_796_146_762.1)
        let blindCaller = "Local/1009@queue-in-0000000f;2"
        script.begin("1796146762.31", "13800138009", channel: blindCaller)
        script.step("1796146762.31", .queued)
        script.answered("1796146762.31", caller: blindCaller, agent: "1001", leg: "Local/1001@agents-00000010;1", legID: "1796146762.32", bridge: "7120372b-0519-464b-a97b-b782395ea665")
        script.at(1_796_146_765.3)
        script.ledger.take(try Self.capturedEvent("BlindTransfer"))
        script.ami("BridgeLeave", Script.channel(blindCaller, "1796146762.31") + [("BridgeUniqueid", "7120372b-0519-464b-a97b-b782395ea665")])
        script.end("1796146762.31", caller: blindCaller)
        expect(32, aside: [5: "an unpause carries no reason in Switchboard"])
        expect(33)
        expect(34, aside: [6: "the agent leg's uniqueid"])
        expect(35)
        // 10 attended: the agent leaves the bridge to consult, then the captured AttendedTransfer.
        script.at(1_796_146_771.1)
        let attendedCaller = "Local/1010@queue-in-xfer-00000011;2"
        let agentLeg = "Local/1001@agents-00000012;1"
        let bridge = "c6aacbc2-9de3-46e1-b2fd-c5c929a3d78e"
        script.begin("1796146770.35", "13800138010", channel: attendedCaller)
        script.step("1796146770.35", .queued)
        script.answered("1796146770.35", caller: attendedCaller, agent: "1001", leg: agentLeg, legID: "1796146771.36", bridge: bridge)
        script.at(1_796_146_773.2)
        script.ami("Hold", Script.channel(attendedCaller, "1796146770.35"))
        script.ami("BridgeLeave", Script.channel(agentLeg, "1796146771.36") + [("BridgeUniqueid", bridge)])
        script.at(1_796_146_775.4)
        script.ledger.take(try Self.capturedEvent("AttendedTransfer"))
        script.end("1796146770.35", caller: attendedCaller)
        expect(36)
        expect(37, aside: [6: "the agent leg's uniqueid"])
        expect(38)
        // 11 remove-member; 17 a caller withdrawn from the line (Switchboard: for a callback).
        script.at(1_796_146_783.1)
        script.agent("1001", "logged out")
        script.at(1_796_146_791.1)
        script.begin("1796146791.43", "13800138017", channel: "Local/1017@queue-in-00000015;2")
        script.step("1796146791.43", .queued)
        script.at(1_796_146_794.2)
        script.step("1796146791.43", .callbackRequested, detail: "13800138017")
        script.end("1796146791.43", caller: "Local/1017@queue-in-00000015;2")
        expect(39, 52)
        expect(53, aside: [8: "Switchboard withdraws a caller for a callback"])

        let ours = script.lines
        #expect(ours.count == expected.count, "\(ours.map { $0.joined(separator: "|") }.joined(separator: "\n"))")
        // Order as app_queue's, except where its lines come in another order within a case.
        let sorted = expected.sorted { $0.line < $1.line }
        for (mine, want) in zip(ours, sorted) { expectSame(mine, as: want.line, aside: want.aside) }
        // Ids that are Asterisk's own come through: the blind transfer's callid, the bridge of the attended one.
        #expect(ours.first { $0[4] == "BLINDTRANSFER" }?[1] == "1796146762.31")
        #expect(ours.first { $0[4] == "ATTENDEDTRANSFER" }?[6] == bridge)
        #expect(ours.first { $0[4] == "CONNECT" }?[6] == "1796146708.2", "CONNECT names the agent leg's uniqueid")
        #expect(ours.first { $0[4] == "EXITWITHKEY" }?[5] == "*")
        #expect(!ours.contains { $0[4] == "COMPLETEAGENT" && $0[1] == "1796146770.35" }, "an agent leaving to consult is not the call's end")
    }

    /// Positions count the callers ahead in each queue; a caller leaving moves the others up.
    @Test func positionsFollowTheLine() throws {
        let script = try Script()
        defer { try? FileManager.default.removeItem(atPath: script.path) }
        script.at(1_800_000_000)
        for n in 1...3 {
            script.begin("1800000000.\(n)", "1380000000\(n)", channel: "SIP/trunk-0000000\(n)")
            script.step("1800000000.\(n)", .queued)
        }
        script.at(1_800_000_010)
        script.step("1800000000.2", .abandoned)
        script.step("1800000000.3", .exited, detail: "timeout")
        script.step("1800000000.1", .exited, detail: "supervisor")
        let lines = script.lines.map { $0.joined(separator: "|") }
        #expect(lines.contains("1800000000|1800000000.3|support|NONE|ENTERQUEUE||13800000003|3"))
        #expect(lines.contains("1800000010|1800000000.2|support|NONE|ABANDON|2|2|10"))
        #expect(lines.contains("1800000010|1800000000.3|support|NONE|EXITWITHTIMEOUT|2|3|10"))
        // Taken out of line by a supervisor: as app_queue writes a caller withdrawn over AMI.
        #expect(lines.contains("1800000010|1800000000.1|support|NONE|WITHDRAW|1|1|10|supervisor"), "\(lines)")
    }

    /// After a rotation (the file moved away, SIGHUP), lines go to a new file at the same path,
    /// which starts with CONFIGRELOAD; nothing is lost.
    @Test func aReopenAfterRotationStartsANewFile() throws {
        let script = try Script()
        defer {
            try? FileManager.default.removeItem(atPath: script.path)
            try? FileManager.default.removeItem(atPath: script.path + ".1")
        }
        script.at(1_800_000_000)
        script.agent("1001", "available")
        try FileManager.default.moveItem(atPath: script.path, toPath: script.path + ".1")
        script.agent("1001", "paused", reason: "Lunch")
        script.log.reopen(now: Date(timeIntervalSince1970: 1_800_000_001))
        script.agent("1001", "available")
        let old = try String(contentsOfFile: script.path + ".1", encoding: .utf8)
        #expect(old.hasSuffix("|support|1001|PAUSE|Lunch\n"), "\(old)")
        #expect(old.split(separator: "\n").count == 3)
        let fresh = try String(contentsOfFile: script.path, encoding: .utf8)
        #expect(fresh == "1800000001|NONE|NONE|NONE|CONFIGRELOAD|\n1800000000|NONE|support|1001|UNPAUSE|\n")
    }
}

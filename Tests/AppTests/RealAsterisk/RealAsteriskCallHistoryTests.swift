import AMI
import Core
import Foundation
import Testing

/// Call records from real calls: each compared with what this test's own AMI connection saw.
extension RealAsteriskTests {
    /// Four callers at once, the operator busy (1099): a VIP who hangs up a few seconds into the
    /// queue (short abandon: support's threshold is 8 s), a support caller answered by 1002 who hangs up on the agent, a
    /// sales caller nobody takes who hangs up waiting (abandon), and one who asks for the
    /// operator and leaves a voicemail. `calls show` prints each journey in order.
    @Test func callRecordsMatchWhatAsteriskDid() async throws {
        try await withCenter(operatorTarget: "Local/1099@agents") { center in
            let added = try await center.command(["customers", "add", "--name", "Vera Vip", "--phone", "13900000091", "--vip", "2", "--language", "en"])
            #expect(added.code == 0, "\(added.err)")
            try await center.call(from: "13900000091", as: "hangup-after", extra: [("HANGUP_AFTER", "10")])
            let vip = try await center.flowChannel(of: "13900000091")
            try await center.hungUp(vip, seconds: 20)
            try await center.login("1002")
            try await center.call(from: "13800000092", digits: "2ww2", talkSeconds: 60)
            try await center.call(from: "13800000093", digits: "2ww1")
            try await center.call(from: "13800000094", digits: "2ww0", callerContext: "caller-stays")
            let answered = try await center.flowChannel(of: "13800000092")
            let abandoned = try await center.flowChannel(of: "13800000093")
            let voicemail = try await center.flowChannel(of: "13800000094")
            for channel in [answered, abandoned, voicemail] { try await center.hungUp(channel, seconds: 90) }

            let short = try await center.finishedCall(from: "13900000091")
            let shortSteps = try await center.steps(of: short).map { "\($0.kind) \($0.summary)" }
            #expect(short.outcome == .shortAbandoned, "\(shortSteps)")
            #expect(short.queue == "support" && short.hangupSide == .caller)
            #expect(short.waitSeconds.map { $0 > 0.5 && $0 < 8 } == true, "\(short.waitSeconds ?? -1)")

            let call = try await center.finishedCall(from: "13800000092")
            #expect(call.outcome == .answered, "\(call)")
            #expect(call.agentID == "1002")
            #expect(call.queue == "support")
            #expect(call.hangupSide == .caller)
            #expect(call.hangupCause == 16)
            #expect(call.linkedID != nil && call.linkedID != call.uniqueID, "the Local channel's ;1 half started it")
            let bridge = try #require(center.bridged(answered))
            #expect(bridge.firstToLeave == answered, "the caller hung up first")
            let talk = try #require(call.talkSeconds)
            #expect(abs(talk - bridge.seconds) <= 0.2, "talk \(talk) s, bridged \(bridge.seconds) s")
            #expect(talk > 5)
            let ring = try #require(call.ringSeconds)
            let wait = try #require(call.waitSeconds)
            #expect(ring < 3 && wait >= 0 && wait + ring + talk <= call.totalSeconds!)
            // Answered when Asterisk said (DialEnd ANSWER), not when the call ended.
            #expect(call.answeredAt!.timeIntervalSince(call.arrivedAt) < call.totalSeconds! - talk + 0.5)
            let steps = try await center.steps(of: call)
            let kinds = steps.map(\.kind)
            let order: [CallEvent.Kind] = [.arrived, .answered, .queued, .offered, .ringing, .connected, .bridged, .unbridged, .hangup]
            let positions = order.compactMap { kind in kinds.firstIndex(of: kind) }
            #expect(positions.count == order.count && positions == positions.sorted(), "\(kinds)")

            let gone = try await center.finishedCall(from: "13800000093")
            #expect(gone.outcome == .abandoned, "\(gone)")
            #expect(gone.queue == "sales" && gone.hangupSide == .caller && gone.agentID == nil)
            #expect(gone.waitSeconds.map { $0 > 10 } == true, "\(gone.waitSeconds ?? -1)")

            let message = try await center.finishedCall(from: "13800000094")
            let messageSteps = try await center.steps(of: message)
            #expect(message.outcome == .voicemail, "\(messageSteps.map { "\($0.kind) \($0.summary)" })")
            #expect(!messageSteps.map(\.kind).contains(.transferred))

            let shown = try await center.command(["calls", "show", call.uniqueID])
            #expect(shown.code == 0, "\(shown.err)")
            let lines = shown.out.split(separator: "\n").map(String.init)
            #expect(lines.contains { $0.contains("outcome") && $0.contains("answered") })
            #expect(lines.contains { $0.contains("hung up") && $0.contains("by caller") && $0.contains("cause 16") })
            let stepLines = lines.filter { $0.hasPrefix("  ") && $0.split(separator: " ").count >= 3 }
            let shownKinds = stepLines.compactMap { line in CallEvent.Kind(rawValue: String(line.split(separator: " ", omittingEmptySubsequences: true)[2])) }
            #expect(shownKinds == kinds, "\(shown.out)")
            try queueLogTellsTheSame(center, answered: call, abandoned: gone)

            let listed = try await center.command(["calls", "list", "--outcome", "abandoned", "--csv"])
            #expect(listed.out.split(separator: "\n").count == 2 && listed.out.contains(gone.uniqueID), "\(listed.out)")
        }
    }

    /// The queue_log lines of the same calls, in app_queue's formats: the answered call's
    /// CONNECT names the agent leg Asterisk dialled and COMPLETECALLER its talk; the abandon
    /// its wait.
    func queueLogTellsTheSame(_ center: LabCenter, answered: CallRecord, abandoned: CallRecord) throws {
        let text = try String(contentsOfFile: center.folder + "/queue_log", encoding: .utf8)
        let lines = text.split(separator: "\n").map { $0.split(separator: "|", omittingEmptySubsequences: false).map(String.init) }
        #expect(lines.first?[1...] == ["NONE", "NONE", "NONE", "QUEUESTART", ""], "\(text)")
        #expect(lines.contains { $0[2...] == ["support", "1002", "ADDMEMBER", ""] }, "\(text)")
        func events(of call: CallRecord) -> [[String]] { lines.filter { $0[1] == call.uniqueID } }
        let mine = events(of: answered)
        #expect(mine.map { $0[4] } == ["ENTERQUEUE", "CONNECT", "COMPLETECALLER"], "\(text)")
        guard mine.count == 3 else { return }
        #expect(mine[0][2...] == ["support", "NONE", "ENTERQUEUE", "", "13800000092", "1"])
        let leg = center.all.compactMap { item -> String? in
            if case .dialBegin(let caller?, let destination, _) = item.event.kind, caller.uniqueID == answered.uniqueID { return destination.uniqueID }
            return nil
        }.last
        #expect(mine[1][3] == "1002" && mine[1][6] == leg, "CONNECT \(mine[1]) vs the dialled leg \(leg ?? "none")")
        let talk = try #require(answered.talkSeconds)
        #expect(mine[2].count == 8 && abs(Double(mine[2][6])! - talk) <= 1, "COMPLETECALLER \(mine[2]) vs talk \(talk) s")
        let gone = events(of: abandoned)
        #expect(gone.map { $0[4] } == ["ENTERQUEUE", "ABANDON"], "\(text)")
        if let wait = abandoned.waitSeconds, gone.count == 2 {
            #expect(gone[1][2] == "sales" && gone[1].count == 8 && abs(Double(gone[1][7])! - wait) <= 1.5, "\(gone[1]) vs wait \(wait) s")
        }
    }
}

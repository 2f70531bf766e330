import AMI
import App
import Core
import Foundation
import Lab
import Store
import Testing

/// Supervisors' call control on the real Asterisk: the spy's phone runs ChanSpy on the agent's
/// call, a waiting caller moved to another queue is offered by that queue's rules, a call is
/// transferred and another hung up; each change is in the audit trail.
extension RealAsteriskTests {
    @Test func supervisorsSpyMoveTransferAndHangUp() async throws {
        try await withCenter { center in
            try await center.login("1002")
            // A caller talking to 1002 (support).
            try await center.call(from: "13800000201", digits: "2ww2", talkSeconds: 40)
            let talking = try await center.flowChannel(of: "13800000201")
            let leg = try await center.waitForDial(from: talking, to: "Local/1002@agents-", seconds: 20)
            try await center.waitForAgent("1002", "on call", seconds: 10)

            // Nobody else is on a call: spying on 1001 is refused and rings nobody.
            let idle = try await center.command(["spy", "1001", "--phone", "Local/1005@agents"])
            #expect(idle.code == 1 && idle.err.contains("agent 1001 is on no call"), "\(idle.err)")
            let spy = try await center.command(["spy", "1002", "--whisper", "--phone", "Local/1005@agents"])
            #expect(spy.code == 0 && spy.out.contains("whispers to agent 1002's call"), "\(spy.out)\(spy.err)")
            let spied = try await center.wait("ChanSpyStart", seconds: 15) { events in
                events.lazy.compactMap { $0.event.name == "ChanSpyStart" ? $0.event : nil }.first
            }
            // ChanSpy runs on the agent's side of the call: the Local channel pair of the leg.
            let spyee = spied["SpyeeChannel"] ?? ""
            #expect(spyee.hasPrefix(String(leg.dropLast(2))), "spied \(spyee), the agent's leg is \(leg)")
            #expect(spied["SpyerChannel"]?.hasPrefix("Local/1005@agents-") == true)

            // A caller waiting for support (1002 busy) is moved to sales, where 1001 is free.
            try await center.login("1001")
            try await center.call(from: "13800000202", digits: "2ww2", talkSeconds: 5)
            let waiting = try await center.flowChannel(of: "13800000202")
            let moved = try await center.waitingCaller(in: "support")
            #expect(center.dialled(from: waiting).isEmpty)
            let move = try await center.command(["queue", "move", moved, "sales"])
            #expect(move.code == 0, "\(move.err)")
            try await center.waitForDial(from: waiting, to: "Local/1001@agents-", seconds: 10)
            // Another caller waiting for support is sent on to voicemail by a supervisor.
            try await center.call(from: "13800000203", digits: "2ww2", talkSeconds: 5)
            let third = try await center.flowChannel(of: "13800000203")
            let removed = try await center.command(["queue", "remove", try await center.waitingCaller(in: "support"), "--to", "voicemail"])
            #expect(removed.code == 0, "\(removed.err)")
            try await center.wait("the voicemail of the removed caller", seconds: 15) { _ in center.commands(on: third).contains { $0.hasPrefix("RECORD FILE") } ? true : nil }
            #expect(try await center.queue().waiting.isEmpty)
            let unknown = try await center.command(["queue", "move", moved, "nowhere"])
            #expect(unknown.code == 1 && unknown.err.contains("no caller \(moved) is waiting") || unknown.err.contains("no queue 'nowhere'"), "\(unknown.err)")

            // The first call is transferred to agent 1003's line, then that hangs up.
            let talkingID = try #require(center.all.lazy.compactMap { item -> String? in
                if case .newChannel(let snapshot) = item.event.kind, snapshot.channel == talking { return snapshot.uniqueID }
                return nil
            }.first)
            let transfer = try await center.command(["call", "transfer", talkingID, "1003@agents"])
            #expect(transfer.code == 0, "\(transfer.err)")
            try await center.wait("the caller in 1003@agents", seconds: 10) { events in
                events.contains { if case .newExten(let snapshot, _, _) = $0.event.kind { snapshot.channel == talking && snapshot.context == "agents" && snapshot.exten == "1003" } else { false } } ? true : nil
            }
            let hangup = try await center.command(["call", "hangup", talkingID])
            #expect(hangup.code == 0, "\(hangup.err)")
            try await center.hungUp(talking, seconds: 10)

            let store = try await Store.open(path: center.folder + "/sb.db", readOnly: true)
            defer { store.close() }
            let audited = try await store.auditTrail(AuditFilter()).map { "\($0.command) \($0.result.prefix(6))" }
            for row in ["spy failed", "spy ok", "queue-move ok", "queue-remove ok", "call-transfer ok", "call-hangup ok"] { #expect(audited.contains(row), "\(audited)") }
            #expect(try await store.verifyAudit().broken == nil)
        }
    }
}

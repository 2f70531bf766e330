import Core
import Foundation
import Lab
import Recordings
import Store
import Testing
@testable import SwitchboardCLI

/// Recordings of real calls on the real Asterisk: a card number left out, and retention.
extension RealAsteriskTests {
    /// The shipped main flow, recording the whole call, with a card payment behind key 3.
    static func recordedCardPayment(_ main: String) -> String {
        main.replacingOccurrences(of: "[flow]\nstart = lookup\n", with: "[flow]\nstart = lookup\nrecord = yes\n")
            .replacingOccurrences(of: "options = 1 => sales, 2 => support, 3 => status, 0 => operator", with: "options = 1 => sales, 2 => support, 3 => card, 0 => operator")
            + """

            [card]
            type = collect
            prompt = hello-world
            variable = CARD
            min = 16
            max = 16
            check = luhn
            sensitive = yes
            timeout = 8
            next = card-thanks

            [card-thanks]
            type = play
            prompt = hello-world
            next = goodbye

            """
    }

    /// A SIP caller (sending a steady tone) keys a card number during a recorded call: the
    /// stretch is silence in the WAV (MixMonitorMute), the file still runs the whole call, and
    /// the index marks the gap where the silence is. Then retention: a held recording is kept,
    /// released and past its days it is deleted with the deletion audited.
    @Test(.enabled(if: SIPPhone.located.path != nil, Comment(rawValue: SIPPhone.located.why)))
    func aCardNumberLeavesAMarkedGapAndPurgeKeepsToThePolicy() async throws {
        try await withCenter(agents: "[2001]\nname = Ann Lee\nendpoint = PJSIP/2001\nskills = support:4\n", sip: true, tuneFlows: Self.recordedCardPayment) { center in
            let port = try #require(center.lab.sipPort)
            let caller = try SIPPhone(user: "trunk", password: "secrettrunk", lab: center.lab, registers: false)
            defer { caller.stop() }
            try await caller.waitForLog("baresip is ready")
            try await caller.command("dial", "sip:4008@127.0.0.1:\(port)")
            try await caller.waitForLog("incoming rtp for 'audio' established")
            let channel = try await center.flowChannel(of: LabCenter.sipCaller.number)
            for (prompt, key) in [("GET DATA custom/choose-language", "2"), ("STREAM FILE custom/welcome", "3")] {
                try await center.wait(prompt, seconds: 20) { _ in center.commands(on: channel).contains { $0.hasPrefix(prompt) } ? true : nil }
                try await Task.sleep(for: .milliseconds(400))
                try await caller.command("sndcode", key)
            }
            try await center.wait("the card prompt", seconds: 20) { _ in center.commands(on: channel).contains { $0.hasPrefix("GET DATA hello-world") } ? true : nil }
            try await Task.sleep(for: .seconds(2))
            for digit in "4111111111111111" {
                try await caller.command("sndcode", String(digit))
                try await Task.sleep(for: .milliseconds(250))
            }
            try await center.hungUp(channel, seconds: 30)
            let call = try await center.finishedCall(from: LabCenter.sipCaller.number)
            let store = try await Store.open(path: center.folder + "/sb.db")
            defer { store.close() }
            var indexed: [RecordingEntry] = []
            for _ in 0..<150 where indexed.isEmpty {
                indexed = try await store.recordings(RecordingFilter(caller: LabCenter.sipCaller.number))
                if indexed.isEmpty { try await Task.sleep(for: .milliseconds(100)) }
            }
            let entry = try #require(indexed.first)
            #expect(entry.path.contains("/recordings/main/") && entry.uniqueID == call.uniqueID, "\(entry.path)")
            let audio = try WAVAudio(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: entry.path))), file: entry.path)
            // The file runs the call from the answer on: muting writes silence, it does not cut.
            let ended = try #require(call.endedAt)
            let lasted = ended.timeIntervalSince(call.arrivedAt)
            #expect(abs(audio.seconds - lasted) < 1.5, "\(audio.seconds) s of \(lasted) s")
            #expect(entry.gaps.count == 1, "\(entry.gaps)")
            let gap = try #require(entry.gaps.first)
            // The 16 digits took about 4 s after 2 s of waiting; the card prompt began the gap.
            #expect(gap.upperBound - gap.lowerBound > 5, "\(gap)")
            let muted = RecordingPauseTests.silentStretches(audio, atLeast: 1)
            #expect(muted.count == 1, "\(muted)")
            if let stretch = muted.first {
                #expect(abs(stretch.lowerBound - gap.lowerBound) < 0.6 && abs(stretch.upperBound - gap.upperBound) < 0.6, "file \(stretch), index \(gap)")
            }
            let id = try #require(entry.id)

            // Retention: as if the call were 100 days old, against the 30 days asked for.
            var old = entry
            old.startedAt = Date().addingTimeInterval(-100 * 86400)
            _ = try await store.saveRecording(old)
            #expect(try await center.command(["recordings", "hold", String(id), "--reason", "dispute"]).code == 0)
            let held = try await center.command(["recordings", "purge", "--older-than", "30", "--yes"])
            #expect(held.code == 0 && held.out.contains("0 recordings past retention"), "\(held.out)\(held.err)")
            #expect(FileManager.default.fileExists(atPath: entry.path))
            #expect(try await center.command(["recordings", "hold", String(id), "--release"]).code == 0)
            let dry = try await center.command(["recordings", "purge", "--older-than", "30"])
            #expect(dry.out.contains("would delete: \(entry.path)") && FileManager.default.fileExists(atPath: entry.path), "\(dry.out)")
            let purged = try await center.command(["recordings", "purge", "--older-than", "30", "--yes"])
            #expect(purged.out.contains("deleted: \(entry.path)"), "\(purged.out)\(purged.err)")
            #expect(!FileManager.default.fileExists(atPath: entry.path))
            let audit = try await store.recordingAudit()
            #expect(audit.contains { $0.path == entry.path && $0.action == "delete" && $0.sha256 == entry.sha256 && $0.who == TicketsCommand.who }, "\(audit)")
        }
    }
}

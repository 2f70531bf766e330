import Core
import Foundation
import Simulator
import Store
import Recordings
import Testing
@testable import App
@testable import SwitchboardCLI

/// `switchboard recordings` over real files and a real SQLite file: scan, search, show, verify,
/// hold and purge by retention with its audit.
@Suite struct RecordingsCommandTests {
    final class Setup {
        let folder = temporaryPath("recordings-cli")
        var config: String { folder + "/sb.conf" }
        var recordings: String { folder + "/recordings" }

        init() throws {
            try FileManager.default.createDirectory(atPath: folder + "/recordings/support/2026/11/20", withIntermediateDirectories: true)
            try "[support]\nskills = support:2\nretention = 30d\n".write(toFile: folder + "/queues.conf", atomically: true, encoding: .utf8)
            try "[general]\ndatabase = sb.db\nrecordings = recordings\ncountry_code = 86\nnational_length = 11\n[acd]\nqueues = queues.conf\n"
                .write(toFile: config, atomically: true, encoding: .utf8)
        }

        func run(_ words: [String]) async -> (code: Int32, out: String, err: String) {
            let capture = CapturedTerminal()
            let code = await Switchboard.run(words + ["--config", config], terminal: capture.terminal)
            return (code, capture.standardOutput, capture.standardError)
        }

        deinit { try? FileManager.default.removeItem(atPath: folder) }
    }

    @Test func scanSearchShowVerifyHoldAndPurge() async throws {
        let setup = try Setup()
        let day = setup.recordings + "/support/2026/11/20/"
        // A 6 s call (3 s of speech-like talk then 3 s of silence), an empty one, a broken one.
        let talk = [UInt8](WAVFile.speechLike(seconds: 3, seed: 4).dropFirst(44))
        let samples = stride(from: 0, to: talk.count, by: 2).map { Int16(bitPattern: UInt16(talk[$0]) | UInt16(talk[$0 + 1]) << 8) }
        try Data(WAVFile.encode(samples + [Int16](repeating: 0, count: 24000))).write(to: URL(fileURLWithPath: day + "1795460400.7.wav"))
        try Data(WAVFile.encode([])).write(to: URL(fileURLWithPath: day + "1795460401.8.wav"))
        try Data("RIFF not really".utf8).write(to: URL(fileURLWithPath: day + "broken.wav"))
        // The first is a known call's: forty days ago, answered by 1001, from 138 0013 8000.
        let store = try await Store.open(path: setup.folder + "/sb.db", plan: PhoneNumberPlan(countryCode: "86", maximumNationalLength: 11))
        var call = CallRecord(uniqueID: "1795460400.7", arrivedAt: Date(timeIntervalSinceNow: -40 * 86400))
        call.callerNumber = "13800138000"
        call.agentID = "1001"
        call.queue = "support"
        call.answeredAt = call.arrivedAt.addingTimeInterval(20)
        call.outcome = .answered
        try await store.saveCall(call)
        store.close()

        let scanned = await setup.run(["recordings", "scan", setup.recordings])
        #expect(scanned.out == "3 WAV files under \(setup.recordings): 2 indexed, 0 already known, 1 unreadable\n", "\(scanned.err)")
        #expect(scanned.err.contains("broken.wav: not a RIFF/WAVE file"))
        #expect(await setup.run(["recordings", "scan", setup.recordings]).out.hasSuffix(": 0 indexed, 2 already known, 1 unreadable\n"))

        let byCaller = await setup.run(["recordings", "search", "--caller", "+86 138 0013 8000", "--json"])
        struct Found: Decodable { var id: Int64; var agent: String?; var queue: String?; var path: String }
        let found = try JSONDecoder().decode([Found].self, from: Data(byCaller.out.utf8))
        #expect(found.map(\.path) == [day + "1795460400.7.wav"] && found.first?.agent == "1001" && found.first?.queue == "support")
        #expect(await setup.run(["recordings", "list", "--min-duration", "5"]).out.contains("1795460400.7.wav"))
        #expect(!(await setup.run(["recordings", "list", "--max-silence", "1"]).out.contains("1795460400.7.wav")))
        let shown = await setup.run(["recordings", "show", "1795460400.7"])
        #expect(shown.out.contains("audio:     6.0 s, pcm16, mono, 96044 bytes"), "\(shown.out)")
        // The 3 s of silence at the end, with the pause before it.
        #expect(shown.out.contains("longest silence 3."), "\(shown.out)")

        #expect(await setup.run(["recordings", "verify"]).out.hasPrefix("2 recordings checked: 0 missing, 0 changed, 1 on disk not in the index"))
        try Data(WAVFile.encode([1, 2, 3])).write(to: URL(fileURLWithPath: day + "1795460401.8.wav"))
        let changed = await setup.run(["recordings", "verify"])
        #expect(changed.code == 1 && changed.out.contains("changed: \(day)1795460401.8.wav"))

        // Past its queue's 30 days: listed by a dry run, kept while on hold, deleted with --yes and audited.
        let id = try #require(found.first?.id)
        let dry = await setup.run(["recordings", "purge"])
        #expect(dry.out.hasSuffix("1 recording past retention; run again with --yes to delete them\n"), "\(dry.out)")
        #expect(FileManager.default.fileExists(atPath: day + "1795460400.7.wav"))
        #expect(await setup.run(["recordings", "hold", "\(id)", "--reason", "dispute"]).code == 0)
        #expect(await setup.run(["recordings", "purge", "--yes"]).out == "0 recordings past retention deleted\n")
        #expect(await setup.run(["recordings", "hold", "\(id)", "--release"]).code == 0)
        #expect(await setup.run(["recordings", "purge", "--yes"]).out.hasPrefix("deleted: \(day)1795460400.7.wav"))
        #expect(!FileManager.default.fileExists(atPath: day + "1795460400.7.wav"))
        let reopened = try await Store.open(path: setup.folder + "/sb.db", readOnly: true)
        defer { reopened.close() }
        let audit = try await reopened.recordingAudit().map { "\($0.action) \($0.detail ?? "")" }
        #expect(audit == ["delete past retention (30 days)", "release ", "hold dispute"])
        #expect(try await reopened.recording(id: id) == nil)
    }
}

/// The retention policy that `recordings purge` and `serve`'s daily run share.
@Suite struct RecordingRetentionTests {
    @Test func aRecordingLinkedToAnOpenTicketIsKeptAndQueuesKeepTheirOwnDays() async throws {
        let folder = temporaryPath("retention")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try await Store.open(path: folder + "/sb.db")
        defer { store.close() }
        let figures = AudioFigures(try WAVAudio(bytes: WAVFile.encode([]), file: "empty.wav"))
        func recording(_ name: String, queue: String, daysAgo: Double, ticket: Int64? = nil) async throws {
            try Data(WAVFile.encode([])).write(to: URL(fileURLWithPath: folder + "/" + name))
            try await store.saveRecording(RecordingEntry(
                path: folder + "/" + name, uniqueID: nil, agent: nil, queue: queue, caller: nil, ticketID: ticket,
                startedAt: Date(timeIntervalSinceNow: -daysAgo * 86400), bytes: 44, sha256: "", encoding: .pcm16, channels: 1, figures: figures
            ))
        }
        /// A solved ticket of the category: it holds nothing back, its category's days count.
        func solved(_ category: String) async throws -> Int64 {
            let ticket = try #require(try await store.createTicket(TicketDraft(subject: category, category: category, createdBy: "user:ana")))
            return try await store.updateTicket(id: ticket.id, who: "user:ana") { var t = $0; t.status = .solved; return t }.id
        }
        try await recording("disputed.wav", queue: "support", daysAgo: 100)
        try await recording("old.wav", queue: "support", daysAgo: 100)
        try await recording("recent.wav", queue: "support", daysAgo: 10)
        try await recording("sales.wav", queue: "sales", daysAgo: 100)
        try await recording("complaint.wav", queue: "support", daysAgo: 100, ticket: try await solved("complaint"))
        try await recording("billing.wav", queue: "support", daysAgo: 95, ticket: try await solved("billing"))
        _ = try await store.createTicket(TicketDraft(subject: "Dispute", createdBy: "user:ana", files: [TicketFile(path: folder + "/disputed.wav", kind: .recording)]))
        let policy = RecordingRetention(byQueue: ["support": 90, "sales": 365], byCategory: ["complaint": 730])
        let removed = try await policy.purge(store, delete: true, who: "switchboard serve")
        // A complaint's recording is kept its category's two years; a billing ticket has no days of its own.
        #expect(removed.map { ($0.path as NSString).lastPathComponent } == ["old.wav", "billing.wav"])
        #expect(!FileManager.default.fileExists(atPath: folder + "/old.wav") && FileManager.default.fileExists(atPath: folder + "/disputed.wav"))
        #expect(try await store.recordingAudit().map { "\($0.who) \($0.action) \($0.detail ?? "")" } == ["switchboard serve delete past retention (90 days)", "switchboard serve delete past retention (90 days)"])
    }
}

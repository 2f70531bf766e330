import AGI
import AMI
import Core
import Foundation
import Recordings
import Simulator
import Store
import TestSupport
import Testing
import Wire
@testable import App

/// A flow that records the whole call (`record = yes`) and collects a card number: the number's
/// stretch is muted in the file (AMI MixMonitorMute), the file keeps time, and the index marks
/// the gap; without AMI the recording stops for good at the card number instead.
@Suite(.timeLimit(.minutes(1))) struct RecordingPauseTests {
    static let flow = """
        [flow]
        start = hello
        record = yes
        [hello]
        type = play
        prompt = custom/welcome
        next = card
        [card]
        type = collect
        prompt = custom/enter-card
        variable = CARD
        min = 16
        max = 16
        check = luhn
        sensitive = yes
        next = thanks
        [thanks]
        type = play
        prompt = custom/thanks
        next = bye
        [bye]
        type = hangup
        """

    /// The call center, its FastAGI server and, with `ami`, a simulated Asterisk manager the
    /// simulated calls belong to.
    final class Rig {
        let folder = temporaryPath("record-pause")
        let store: Store
        let center: CallCenter
        let server: LoopbackAGIServer
        let asterisk: SimulatedAMIServer
        let ami: AMIClient?
        let sink = MemoryLogSink()
        private var tasks: [Task<Void, Never>] = []

        init(ami withAMI: Bool) async throws {
            try FileManager.default.createDirectory(atPath: folder + "/flows", withIntermediateDirectories: true)
            try RecordingPauseTests.flow.write(toFile: folder + "/flows/pay.conf", atomically: true, encoding: .utf8)
            asterisk = SimulatedAMIServer(listener: try Listener(bind: try SocketAddress(host: "127.0.0.1", port: 0)), accounts: ["switchboard": "s3cret"], logger: .silent)
            tasks.append(Task { [asterisk] in await asterisk.run() })
            if withAMI, case .ipv4(_, let port) = asterisk.localAddress {
                let client = AMIClient(settings: AMIClient.Settings(host: "127.0.0.1", port: port, username: "switchboard", secret: Secret("s3cret")), logger: .silent)
                tasks.append(Task { await client.run() })
                while client.status.state != "connected" { try await Task.sleep(for: .milliseconds(5)) }
                ami = client
            } else {
                ami = nil
            }
            store = try await Store.open(path: folder + "/sb.db")
            let logger = Logger(label: "switchboard", level: .info, sink: sink)
            let library = FlowLibrary(folder: folder + "/flows", sounds: nil, logger: logger)
            library.reload()
            // In real time: the gap is measured by the server's clock, the file by the simulator's.
            let settings = CallCenter.Settings(recordingsFolder: folder + "/recordings")
            let center = CallCenter(store: store, agents: [], queues: [:], flows: library, ami: ami, settings: settings, logger: logger)
            self.center = center
            // The center follows the manager's events (its hang-ups end calls in the ledger).
            if let ami { tasks.append(Task { await center.follow(ami) }) }
            server = try LoopbackAGIServer(script: "ivr") { session in try await center.ivr.handle(session) }
        }

        func call() async throws -> SimulatedAGIChannel.Outcome {
            var configuration = SimulatedPBX.Configuration(agiServer: server.address)
            configuration.script = "ivr/pay"
            configuration.recordingsFolder = folder + "/recordings"
            // Short prompts (0.8 s each) keep the real-time call short.
            configuration.sounds = SoundLibrary(samples: ["custom/welcome": 6400, "custom/enter-card": 6400, "custom/thanks": 6400], customFolders: [])
            return try await SimulatedPBX(configuration, ami: asterisk).call(
                from: "13800138000", dnis: "4008", caller: CallerScript(presses: [(1.2, "4111111111111111")], hangupAfter: 60)
            )
        }

        /// The call's index entry, once the ended call has been worked through.
        func indexed() async throws -> RecordingEntry {
            for _ in 0..<400 {
                if let entry = try await store.recordings(RecordingFilter(caller: "13800138000")).first { return entry }
                try await Task.sleep(for: .milliseconds(10))
            }
            throw CancellationError()
        }

        /// Runs `body` with a rig, and takes it down however `body` ends.
        static func with(ami: Bool, _ body: (Rig) async throws -> Void) async throws {
            let rig = try await Rig(ami: ami)
            do {
                try await body(rig)
            } catch {
                await rig.stop()
                throw error
            }
            await rig.stop()
        }

        func stop() async {
            server.stop()
            await ami?.stop()
            asterisk.stop()
            for task in tasks { task.cancel() }
            store.close()
            try? FileManager.default.removeItem(atPath: folder)
        }
    }

    /// Stretches of at least `seconds` where every sample is zero: muted, not a pause in speech.
    static func silentStretches(_ audio: WAVAudio, atLeast seconds: Double) -> [ClosedRange<Double>] {
        var found: [ClosedRange<Double>] = []
        var start: Int?
        for (index, sample) in (audio.samples + [1]).enumerated() {
            if sample == 0 {
                if start == nil { start = index }
            } else if let from = start {
                if Double(index - from) / Double(audio.sampleRate) >= seconds {
                    found.append(Double(from) / Double(audio.sampleRate)...Double(index) / Double(audio.sampleRate))
                }
                start = nil
            }
        }
        return found
    }

    @Test func aCardNumberIsMutedInTheRecordingAndTheGapIndexed() async throws { try await Rig.with(ami: true) { rig in
        let outcome = try await rig.call()
        let entry = try await rig.indexed()
        let call = try #require(try await rig.store.finishedCall(number: "13800138000"))
        #expect(try await rig.store.callEvents(callID: call.id!).contains { $0.kind == .input && $0.digits == String(repeating: "*", count: 16) })
        let file = try #require(outcome.recordings.first)
        #expect(file == entry.path)
        #expect(file.contains("/recordings/pay/") && file.hasSuffix("/\(entry.uniqueID ?? "?").wav"), "\(file)")
        let audio = try WAVAudio(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: file))), file: file)
        // The file keeps time: it is as long as the call from the answer on.
        let answered = try #require(outcome.channelAnsweredAt)
        #expect(abs(audio.seconds - (outcome.duration - answered)) < 0.5, "\(audio.seconds) s against \(outcome.duration - answered) s")
        // One muted stretch in the file, over the card keyed from 1.2 s after the answer on for
        // 1.5 s, after the welcome and before the thanks, which are recorded; one gap indexed.
        // (Where the gap lies is measured by the server's clock, and the simulator's time runs
        // behind it on a loaded machine: the real tier compares the two.)
        #expect(entry.gaps.count == 1)
        let muted = Self.silentStretches(audio, atLeast: 1)
        #expect(muted.count == 1, "\(muted)")
        let stretch = try #require(muted.first)
        #expect(stretch.lowerBound < 1.2 && stretch.upperBound > 2.7 && stretch.lowerBound > 0.3 && stretch.upperBound < audio.seconds - 0.3, "\(stretch) of \(audio.seconds) s")
    } }

    @Test func withoutAMITheRecordingStopsForGoodAtTheCardNumber() async throws { try await Rig.with(ami: false) { rig in
        let outcome = try await rig.call()
        let entry = try await rig.indexed()
        let file = try #require(outcome.recordings.first)
        let audio = try WAVAudio(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: file))), file: file)
        // Stopped when the card prompt began (after the 0.8 s welcome): the file ends there, and
        // the gap runs to its end.
        #expect(audio.seconds < 1.5, "\(audio.seconds) s")
        #expect(entry.gaps.count == 1)
        let gap = try #require(entry.gaps.first)
        #expect(gap.upperBound == audio.seconds && abs(gap.lowerBound - audio.seconds) < 0.5, "\(gap) in \(audio.seconds) s")
        #expect(rig.sink.lines.contains { $0.contains("cannot mute the recording for sensitive input") && $0.contains("stopping it") })
    } }
}

/// How the timeline's `recording-gap` steps become the index's gaps.
@Suite struct RecordingGapTests {
    @Test func gapsAreReadFromTheTimelineAndKeptInsideTheFile() {
        let steps = [
            CallEvent(.recording, detail: "/r/1.wav"), CallEvent(.recordingGap, detail: "2.50-7.25"),
            CallEvent(.recordingGap, detail: "30.00-"), CallEvent(.recordingGap, detail: "garbage"), CallEvent(.node, node: "pay:card"),
            CallEvent(.recordingGap, detail: "50.00-55.00"),
        ]
        #expect(RecordingIndexer.gaps(in: steps, seconds: 40) == [2.5...7.25, 30...40, 40...40])
        #expect(RecordingIndexer.gaps(in: [], seconds: 40).isEmpty)
    }
}

import App
import Core
import Foundation
import Recordings
import Simulator
import Store

/// `switchboard bench recordings`: a large recording index made up (seeded) in a real SQLite
/// file, then searches timed — a caller's, an agent's day, a day's page —; and the audio
/// figures' speed over a real WAV, as a multiple of real time.
public struct RecordingBenchmark: Sendable {
    public struct Options: Sendable {
        public var recordings = 1_000_000
        public var callers = 200_000
        public var agents = 300
        public var days = 365
        public var searches = 2000
        public var audioSeconds = 600.0
        public var seed: UInt64 = 16
        public init() {}
    }

    public struct Report: Codable, Sendable {
        public var recordings: Int
        public var writtenPerSecond: Double
        public var databaseMegabytes: Double
        public var byCaller: LatencySummary
        public var byAgentDay: LatencySummary
        public var byDay: LatencySummary
        /// The agents report over the last 30 days (each agent's recording figures summed).
        public var agentsMonth: LatencySummary
        /// Seconds of audio measured per second of work (8 kHz 16-bit mono, SHA-256 included).
        public var analysisTimesRealTime: Double
    }

    public var options: Options
    public var progress: @Sendable (String) -> Void

    public init(options: Options, progress: @escaping @Sendable (String) -> Void) {
        self.options = options
        self.progress = progress
    }

    public func run() async throws -> Report {
        let folder = NSTemporaryDirectory() + "switchboard-bench-recordings-\(getpid())"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/bench.db"
        let store = try await Store.open(path: path, plan: PhoneNumberPlan(countryCode: "86", maximumNationalLength: 11))
        defer { store.close() }
        var random = SeededGenerator(seed: options.seed)
        let end = Date()
        let figures = AudioFigures(try WAVAudio(bytes: WAVFile.speechLike(seconds: 180, seed: 1), file: "sample.wav"))
        progress("index: \(options.recordings) recordings over \(options.days) days, \(options.callers) callers, \(options.agents) agents")
        let writing = MonotonicTime.now()
        for first in stride(from: 0, to: options.recordings, by: 10_000) {
            let batch = (first..<min(options.recordings, first + 10_000)).map { index in
                RecordingEntry(
                    path: "/var/spool/switchboard/support/\(index).wav", uniqueID: "1795460400.\(index)", agent: "agent-\(Int.random(in: 0..<options.agents, using: &random))",
                    queue: "support", caller: String(format: "138%08d", Int.random(in: 0..<options.callers, using: &random)),
                    startedAt: end.addingTimeInterval(-Double.random(in: 0..<Double(options.days) * 86400, using: &random)), bytes: 2_880_044,
                    sha256: String(repeating: "0", count: 64), encoding: .pcm16, channels: 1, figures: figures
                )
            }
            try await store.saveRecordings(batch)
            if first % 200_000 == 0 { progress("  \(first + batch.count) recordings") }
        }
        let writtenPerSecond = Double(options.recordings) / writing.secondsElapsed

        progress("searches: \(options.searches) each by caller, by an agent's day, a day's page")
        var byCaller: [UInt64] = [], byAgent: [UInt64] = [], byDay: [UInt64] = []
        for _ in 0..<options.searches {
            let caller = String(format: "138%08d", Int.random(in: 0..<options.callers, using: &random))
            let day = end.addingTimeInterval(-Double(Int.random(in: 1..<options.days)) * 86400)
            let agent = "agent-\(Int.random(in: 0..<options.agents, using: &random))"
            byCaller.append(try await Stopwatch.nanoseconds { _ = try await store.recordings(RecordingFilter(caller: caller)) })
            byAgent.append(try await Stopwatch.nanoseconds { _ = try await store.recordings(RecordingFilter(agent: agent, from: day, to: day.addingTimeInterval(86400))) })
            byDay.append(try await Stopwatch.nanoseconds { _ = try await store.recordings(RecordingFilter(from: day, to: day.addingTimeInterval(86400))) })
        }

        progress("agents report: the last 30 days' recordings summed per agent, 20 times")
        var agentsMonth: [UInt64] = []
        for _ in 0..<20 {
            agentsMonth.append(try await Stopwatch.nanoseconds { _ = try await store.agentFigures(from: end.addingTimeInterval(-30 * 86400), to: end) })
        }

        progress("audio: \(Int(options.audioSeconds)) s of speech-like audio read, hashed and measured")
        let bytes = WAVFile.speechLike(seconds: options.audioSeconds, seed: 2)
        let analysing = MonotonicTime.now()
        _ = SHA256.hex(bytes)
        _ = AudioFigures(try WAVAudio(bytes: bytes, file: "long.wav"))
        let analysis = analysing.secondsElapsed
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        return Report(
            recordings: options.recordings, writtenPerSecond: writtenPerSecond, databaseMegabytes: Double(size) / 1_048_576,
            byCaller: LatencySummary(nanoseconds: byCaller), byAgentDay: LatencySummary(nanoseconds: byAgent), byDay: LatencySummary(nanoseconds: byDay),
            agentsMonth: LatencySummary(nanoseconds: agentsMonth), analysisTimesRealTime: options.audioSeconds / analysis
        )
    }
}

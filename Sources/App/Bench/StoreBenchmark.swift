import Core
import Foundation
import Store

/// `switchboard bench store`: call events written per second in batched transactions, and a
/// caller's history looked up among a million calls, on a real SQLite file.
public struct StoreBenchmark: Sendable {
    public struct Options: Sendable {
        public var events = 1_000_000
        public var batch = 1000
        public var calls = 1_000_000
        public var lookups = 10_000
        /// Database file; a fresh temporary one when nil.
        public var database: String?

        public init() {}
    }

    public struct Report: Codable, Sendable {
        public var database: String
        public var events: Int
        public var batch: Int
        public var eventsPerSecond: Double
        public var calls: Int
        public var callsPerSecond: Double
        public var lookups: Int
        public var lookupRoundTrip: LatencySummary
        public var databaseMegabytes: Double
    }

    public var options: Options
    public var progress: @Sendable (String) -> Void

    public init(options: Options, progress: @escaping @Sendable (String) -> Void) {
        self.options = options
        self.progress = progress
    }

    static let plan = PhoneNumberPlan(countryCode: "86", maximumNationalLength: 11)

    public func run() async throws -> Report {
        let folder = NSTemporaryDirectory() + "switchboard-bench-\(getpid())"
        let path = options.database ?? folder + "/bench.db"
        if options.database == nil { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        defer { if options.database == nil { try? FileManager.default.removeItem(atPath: folder) } }
        let store = try await Store.open(path: path, plan: Self.plan)
        defer { store.close() }

        progress("calls: \(options.calls) from \(callers) callers, in transactions of 10,000")
        let callsStarted = MonotonicTime.now()
        var callIDs: [Int64] = []
        var written = 0
        while written < options.calls {
            let count = min(10_000, options.calls - written)
            let ids = try await store.saveCalls((written..<written + count).map { Self.call($0, callers: callers) })
            if callIDs.count < 10_000 { callIDs += ids.prefix(10_000 - callIDs.count) }
            written += count
            if written % 200_000 == 0 { progress("  \(written) calls") }
        }
        let callsPerSecond = Double(options.calls) / callsStarted.secondsElapsed

        progress("call events: \(options.events) in transactions of \(options.batch)")
        let eventsStarted = MonotonicTime.now()
        var sent = 0
        let at = Date()
        while sent < options.events {
            let count = min(options.batch, options.events - sent)
            let events = (0..<count).map { CallEvent(kind: "dtmf", at: at.addingTimeInterval(Double(sent + $0) / 1000), data: "digit=\(($0 + sent) % 10)") }
            try await store.appendCallEvents([(callIDs[(sent / options.batch) % callIDs.count], events)])
            sent += count
        }
        let eventsPerSecond = Double(options.events) / eventsStarted.secondsElapsed
        progress(String(format: "  %.0f events/s", eventsPerSecond))

        progress("lookups: \(options.lookups) callers' histories among \(options.calls) calls")
        var roundTrips: [UInt64] = []
        roundTrips.reserveCapacity(options.lookups)
        for index in 0..<options.lookups {
            let number = Self.callerNumber(Int.random(in: 0..<callers), written: index % 3)
            let started = MonotonicTime.now()
            let history = try await store.callHistory(number: number, limit: 20)
            roundTrips.append(MonotonicTime.now().nanoseconds - started.nanoseconds)
            guard !history.isEmpty else { throw BenchmarkError("no history for \(number): the lookup is broken") }
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        return Report(
            database: path, events: options.events, batch: options.batch, eventsPerSecond: eventsPerSecond,
            calls: options.calls, callsPerSecond: callsPerSecond, lookups: options.lookups,
            lookupRoundTrip: LatencySummary(nanoseconds: roundTrips), databaseMegabytes: Double(size) / 1_000_000
        )
    }

    /// About ten calls per caller, as a busy line's regulars make.
    private var callers: Int { max(1, options.calls / 10) }

    /// Caller `index`'s number, written one of three ways (all the same number).
    static func callerNumber(_ index: Int, written: Int) -> String {
        let national = String(13_800_000_000 + index)
        switch written {
        case 0: return national
        case 1: return "+86 " + national
        default: return "86" + national
        }
    }

    static func call(_ index: Int, callers: Int) -> CallRecord {
        var call = CallRecord(uniqueID: "17954\(60_000 + index / 100_000).\(index)", arrivedAt: Date(timeIntervalSince1970: 1_790_000_000 + Double(index) * 3))
        call.callerNumber = callerNumber(index % callers, written: index % 3)
        call.queue = ["support", "sales", "billing"][index % 3]
        call.flow = "main"
        call.agentID = String(1000 + index % 50)
        call.outcome = index % 7 == 0 ? "abandoned" : "answered"
        call.endedAt = call.arrivedAt.addingTimeInterval(120)
        return call
    }
}

/// `switchboard bench store --soak`: writes call events in acknowledged batches until killed.
/// After each commit it reports the last sequence number written; a crash test kills it at a
/// random moment and checks that every acknowledged event is in the file.
public enum StoreSoak {
    public static let batch = 50

    public static func run(database: String, acknowledge: @Sendable (Int) -> Void) async throws -> Never {
        let store = try await Store.open(path: database)
        let callID = try await store.saveCall(CallRecord(uniqueID: "soak.\(getpid())"))
        var sequence = 0
        while true {
            let events = (1...batch).map { CallEvent(kind: "soak", data: String(sequence + $0)) }
            try await store.appendCallEvents([(callID, events)])
            sequence += batch
            acknowledge(sequence)
        }
    }
}

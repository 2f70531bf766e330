import App
import Core
import Foundation
import Reports
import Store

/// `switchboard bench store`: calls with their whole timelines written per second through the
/// server's write path (`Store.apply`, a batch per transaction), call events alone, a caller's
/// history looked up among a million calls, and `calls list` for one agent's day.
public struct StoreBenchmark: Sendable {
    public struct Options: Sendable {
        public var events = 1_000_000
        public var batch = 1000
        public var calls = 1_000_000
        public var lookups = 10_000
        /// Calls written with a timeline of ~10 steps each, in batches of `journeyBatch`.
        public var journeys = 100_000
        public var journeyBatch = 2000
        /// `calls list --agent A --since DAY --until DAY+1` queries.
        public var listQueries = 1000
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
        public var journeys: Int
        public var stepsPerJourney: Int
        /// Including building each call's journey and working out its figures (the ledger's
        /// part, which the server does on the calls' own tasks).
        public var journeysPerSecond: Double
        /// The store's writer alone (`Store.apply`): what one writer thread sustains.
        public var journeysWrittenPerSecond: Double
        public var listQueries: Int
        public var listedPerQuery: Double
        /// One agent's calls of one day, among all the calls.
        public var agentDayList: LatencySummary
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
            let events = (0..<count).map { CallEvent(.choice, at: at.addingTimeInterval(Double(sent + $0) / 1000), node: "main:menu", digits: String(($0 + sent) % 10)) }
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

        progress("calls with timelines: \(options.journeys) in batches of \(options.journeyBatch)")
        let steps = Self.journey(0, callers: callers).events.count
        let journeysStarted = MonotonicTime.now()
        var writing: UInt64 = 0
        var journeysWritten = 0
        while journeysWritten < options.journeys {
            let count = min(options.journeyBatch, options.journeys - journeysWritten)
            var batch: [StoreWrite] = []
            for index in journeysWritten..<journeysWritten + count {
                let journey = Self.journey(options.calls + index, callers: callers)
                batch.append(.call(journey.record))
                batch.append(.steps(uniqueID: journey.uniqueID, journey.events))
                let finished = journey.finished()
                batch.append(.callFinished(finished, CallTallies(finished, steps: journey.events, serviceLevel: 20)))
            }
            let applying = MonotonicTime.now()
            let skipped = try await store.apply(batch)
            writing += MonotonicTime.now().nanoseconds - applying.nanoseconds
            guard skipped.isEmpty else { throw BenchmarkError("steps not stored: \(skipped[0])") }
            journeysWritten += count
        }
        let journeysPerSecond = Double(options.journeys) / journeysStarted.secondsElapsed
        progress(String(format: "  %.0f calls/s with %d steps each", journeysPerSecond, steps))


        let total = options.calls + options.journeys
        progress("calls list: one agent's day among \(total) calls, \(options.listQueries) times")
        var listTimes: [UInt64] = []
        var listed = 0
        for query in 0..<options.listQueries {
            let index = Int.random(in: 0..<total)
            let day = Self.start.addingTimeInterval((Self.arrival(index).timeIntervalSince(Self.start) / 86_400).rounded(.down) * 86_400)
            let filter = CallFilter(since: day, until: day.addingTimeInterval(86_400), agent: Self.agent(query))
            let started = MonotonicTime.now()
            let calls = try await store.calls(filter)
            listTimes.append(MonotonicTime.now().nanoseconds - started.nanoseconds)
            listed += calls.count
        }
        guard listed > 0 else { throw BenchmarkError("calls list found nothing: the filter is broken") }

        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        return Report(
            database: path, events: options.events, batch: options.batch, eventsPerSecond: eventsPerSecond,
            calls: options.calls, callsPerSecond: callsPerSecond, lookups: options.lookups,
            lookupRoundTrip: LatencySummary(nanoseconds: roundTrips), journeys: options.journeys, stepsPerJourney: steps,
            journeysPerSecond: journeysPerSecond, journeysWrittenPerSecond: Double(options.journeys) / (Double(writing) / 1e9), listQueries: options.listQueries,
            listedPerQuery: Double(listed) / Double(max(1, options.listQueries)), agentDayList: LatencySummary(nanoseconds: listTimes),
            databaseMegabytes: Double(size) / 1_000_000
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

    static let start = Date(timeIntervalSince1970: 1_790_000_000)

    /// A call every 3 s: a million calls cover about 35 days.
    static func arrival(_ index: Int) -> Date { start.addingTimeInterval(Double(index) * 3) }

    static func agent(_ index: Int) -> String { String(1000 + index % 50) }

    static func call(_ index: Int, callers: Int) -> CallRecord {
        var call = CallRecord(uniqueID: "17954\(60_000 + index / 100_000).\(index)", arrivedAt: arrival(index))
        call.callerNumber = callerNumber(index % callers, written: index % 3)
        call.queue = ["support", "sales", "billing"][index % 3]
        call.flow = "main"
        call.agentID = agent(index)
        call.outcome = index % 7 == 0 ? .abandoned : .answered
        call.endedAt = call.arrivedAt.addingTimeInterval(120)
        return call
    }

    /// A call through the IVR and a queue to an agent, with the steps a live one has.
    static func journey(_ index: Int, callers: Int) -> CallJourney {
        var record = call(index, callers: callers)
        record.outcome = nil
        record.endedAt = nil
        let queue = record.queue
        let agent = record.agentID
        var journey = CallJourney(record)
        let steps: [(Double, CallEvent.Kind)] = [
            (0, .arrived), (0.1, .node), (3, .choice), (3.1, .node), (3.2, .queued), (20, .position), (41, .offered),
            (41.1, .ringing), (45, .connected), (45.1, .bridged), (160, .unbridged), (160.2, .hangup),
        ]
        for (offset, kind) in steps {
            journey.add(CallEvent(
                kind, at: record.arrivedAt.addingTimeInterval(offset), queue: kind == .queued || kind == .offered ? queue : nil,
                agent: [.offered, .connected, .bridged].contains(kind) ? agent : nil, node: kind == .node || kind == .choice ? "main:menu" : nil,
                digits: kind == .choice ? "2" : nil, cause: kind == .hangup ? 16 : nil, detail: kind == .unbridged ? "caller" : nil
            ))
        }
        return journey
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
            let events = (1...batch).map { CallEvent(.note, detail: String(sequence + $0)) }
            try await store.appendCallEvents([(callID, events)])
            sequence += batch
            acknowledge(sequence)
        }
    }
}

import App
import Core
import Foundation
import Reports
import Store

/// `switchboard bench report`: a month of calls made up (seeded), each folded into the tallies
/// the server keeps as calls end, written to a real SQLite file; then the reports supervisors
/// run, timed over repeats: the month by day, one day by 15 minutes, one day's agents. Also the
/// cost of keeping the tallies up as calls end, and resident memory across the queries.
public struct ReportBenchmark: Sendable {
    public struct Options: Sendable {
        public var calls = 10_000_000
        public var days = 30
        public var queues = 5
        public var agents = 200
        public var repeats = 20
        /// Calls whose tallies are added one call at a time, in transactions of `upkeepBatch`,
        /// as the server's writer does when calls end.
        public var upkeepCalls = 100_000
        public var upkeepBatch = 1000
        public var seed: UInt64 = 14
        /// Database file; a fresh temporary one when nil.
        public var database: String?

        public init() {}
    }

    public struct Report: Codable, Sendable {
        public var database: String
        public var calls: Int
        public var days: Int
        public var queues: Int
        public var agents: Int
        public var queueRows: Int
        public var agentRows: Int
        public var stateChanges: Int
        /// Making the calls up and folding each into its tallies, in memory.
        public var foldedCallsPerSecond: Double
        /// Tallies of `upkeepCalls` calls added call by call, as calls end: per call.
        public var upkeepMicrosecondsPerCall: Double
        public var repeats: Int
        /// Query, fold into the sheet, render it as the HTML report (the heaviest format).
        public var monthByDay: LatencySummary
        public var dayByQuarterHour: LatencySummary
        public var dayAgents: LatencySummary
        public var residentMiBBefore: Double
        public var residentMiBAfter: Double
        public var databaseMegabytes: Double
    }

    public var options: Options
    public var progress: @Sendable (String) -> Void

    public init(options: Options, progress: @escaping @Sendable (String) -> Void) {
        self.options = options
        self.progress = progress
    }

    /// 2026-11-01 00:00 UTC: the month reported on.
    static let start = Date(timeIntervalSince1970: 1_793_491_200)
    static let serviceLevel = 20.0

    public func run() async throws -> Report {
        let folder = NSTemporaryDirectory() + "switchboard-bench-report-\(getpid())"
        let path = options.database ?? folder + "/bench.db"
        if options.database == nil { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        defer { if options.database == nil { try? FileManager.default.removeItem(atPath: folder) } }
        let store = try await Store.open(path: path)
        defer { store.close() }

        progress("calls: \(options.calls) over \(options.days) days, \(options.queues) queues, \(options.agents) agents, folded into 15-minute tallies")
        var made = CallMaker(options: options)
        var queueTallies: [TallyKey: QueueTally] = [:]
        var agentTallies: [TallyKey: AgentTally] = [:]
        let folding = MonotonicTime.now()
        for index in 0..<options.calls {
            let tallies = made.tallies(index)
            if let part = tallies.queue { queueTallies[TallyKey(part), default: QueueTally()] += part.tally }
            for part in tallies.agents { agentTallies[TallyKey(part), default: AgentTally()] += part.tally }
            if (index + 1) % 2_000_000 == 0 { progress("  \(index + 1) calls") }
        }
        let foldedPerSecond = Double(options.calls) / folding.secondsElapsed
        let offered = queueTallies.values.reduce(0) { $0 + $1.offered }
        guard offered == options.calls else { throw BenchmarkError("tallies count \(offered) calls of \(options.calls): the fold is broken") }

        progress("writing \(queueTallies.count) queue and \(agentTallies.count) agent tallies, and agents' shifts")
        let rows = queueTallies.map { CallTallies(queue: $0.key.part($0.value), agents: []) }
            + agentTallies.map { CallTallies(queue: nil, agents: [$0.key.part($0.value)]) }
        for batch in stride(from: 0, to: rows.count, by: 10_000) {
            try await store.addTallies(Array(rows[batch..<min(rows.count, batch + 10_000)]))
        }
        for id in made.agentIDs { try await store.addAgent(Agent(id: id, name: "Agent \(id)", endpoint: "PJSIP/\(id)")) }
        let shifts = made.shiftChanges()
        for batch in stride(from: 0, to: shifts.count, by: 10_000) {
            _ = try await store.apply(Array(shifts[batch..<min(shifts.count, batch + 10_000)]))
        }

        progress("upkeep: \(options.upkeepCalls) calls' tallies added as they end, \(options.upkeepBatch) per transaction")
        var upkeep: UInt64 = 0
        var added = 0
        while added < options.upkeepCalls {
            let count = min(options.upkeepBatch, options.upkeepCalls - added)
            let batch = (added..<added + count).map { made.tallies(options.calls + $0) }
            let started = MonotonicTime.now()
            try await store.addTallies(batch)
            upkeep += MonotonicTime.now().nanoseconds - started.nanoseconds
            added += count
        }

        let zone = TimeZone(identifier: "UTC")!
        let monthEnd = Self.start.addingTimeInterval(Double(options.days) * 86_400)
        let residentBefore = ProcessMemory.residentBytes()
        progress("reports: the month by day, a day by 15 minutes, a day's agents; \(options.repeats) times each")
        var month: [UInt64] = [], day: [UInt64] = [], agents: [UInt64] = []
        for repeatIndex in 0..<options.repeats {
            let dayStart = Self.start.addingTimeInterval(Double(repeatIndex % options.days) * 86_400)
            let dayEnd = dayStart.addingTimeInterval(86_400)
            month.append(try await Self.time {
                let parts = try await store.queueTallies(from: Self.start, to: monthEnd)
                let sheet = ReportSheets.intervals(parts, interval: .day, zone: zone, period: ReportSheets.period(from: Self.start, to: monthEnd, zone: zone), target: ReportSheets.Target())
                guard sheet.rows.count == options.days * options.queues else { throw BenchmarkError("month by day has \(sheet.rows.count) rows") }
                return HTMLReport.render([sheet], generated: "bench").utf8.count
            })
            day.append(try await Self.time {
                let parts = try await store.queueTallies(from: dayStart, to: dayEnd)
                let sheet = ReportSheets.intervals(parts, interval: .quarterHour, zone: zone, period: ReportSheets.period(from: dayStart, to: dayEnd, zone: zone), target: ReportSheets.Target())
                guard sheet.rows.count == 96 * options.queues else { throw BenchmarkError("a day by 15 minutes has \(sheet.rows.count) rows") }
                return HTMLReport.render([sheet], generated: "bench").utf8.count
            })
            agents.append(try await Self.time {
                let figures = try await store.agentFigures(from: dayStart, to: dayEnd, now: monthEnd)
                guard figures.count == options.agents else { throw BenchmarkError("a day's agents: \(figures.count) of \(options.agents)") }
                return HTMLReport.render([ReportSheets.agents(figures, period: "bench")], generated: "bench").utf8.count
            })
        }
        let residentAfter = ProcessMemory.residentBytes()
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        return Report(
            database: path, calls: options.calls, days: options.days, queues: options.queues, agents: options.agents,
            queueRows: queueTallies.count, agentRows: agentTallies.count, stateChanges: shifts.count,
            foldedCallsPerSecond: foldedPerSecond, upkeepMicrosecondsPerCall: Double(upkeep) / 1000 / Double(max(1, options.upkeepCalls)),
            repeats: options.repeats, monthByDay: LatencySummary(nanoseconds: month), dayByQuarterHour: LatencySummary(nanoseconds: day),
            dayAgents: LatencySummary(nanoseconds: agents), residentMiBBefore: Double(residentBefore) / 1_048_576,
            residentMiBAfter: Double(residentAfter) / 1_048_576, databaseMegabytes: Double(size) / 1_000_000
        )
    }

    /// Nanoseconds `work` took; it returns the size of what it made, which must not be empty.
    static func time(_ work: () async throws -> Int) async throws -> UInt64 {
        try await Stopwatch.nanoseconds {
            guard try await work() > 0 else { throw BenchmarkError("a report came out empty") }
        }
    }

    /// A tally's row: its 15 minutes and whose it is.
    struct TallyKey: Hashable {
        var start: Date
        var name: String
        init<T>(_ part: CallTallies.Part<T>) {
            start = part.start
            name = part.name
        }
        func part<T>(_ tally: T) -> CallTallies.Part<T> { CallTallies.Part(name: name, start: start, tally: tally) }
    }
}

/// Made-up calls, the same for the same seed: evenly spread over the days, each answered by an
/// agent on shift (three 8-hour shifts) or abandoned, short-abandoned, or leaving by key,
/// timeout or callback; some ring an agent who does not answer first.
struct CallMaker {
    let options: ReportBenchmark.Options
    var random: SeededGenerator
    let queueNames: [String]
    let agentIDs: [String]

    init(options: ReportBenchmark.Options) {
        self.options = options
        random = SeededGenerator(seed: options.seed)
        queueNames = (0..<options.queues).map { "queue\($0 + 1)" }
        agentIDs = (0..<options.agents).map { String(1000 + $0) }
    }

    /// An agent on the shift working at `time`.
    mutating func agent(at time: Date) -> String {
        let shift = Int(time.timeIntervalSince(ReportBenchmark.start).truncatingRemainder(dividingBy: 86_400) / 28_800)
        let onShift = (options.agents - shift + 2) / 3
        return agentIDs[shift + 3 * Int.random(in: 0..<max(1, onShift), using: &random)]
    }

    mutating func tallies(_ index: Int) -> CallTallies {
        let span = Double(options.days) * 86_400
        let arrived = ReportBenchmark.start.addingTimeInterval((Double(index % options.calls) + Double.random(in: 0..<1, using: &random)) * span / Double(options.calls))
        var call = CallRecord(uniqueID: "", arrivedAt: arrived)
        call.queue = queueNames[Int.random(in: 0..<queueNames.count, using: &random)]
        let queued = arrived.addingTimeInterval(Double.random(in: 5...40, using: &random))
        call.queuedAt = queued
        let inQueue = -log(Double.random(in: 0.0001...1, using: &random)) * 25
        var steps: [CallEvent] = []
        let roll = Int.random(in: 0..<100, using: &random)
        if roll < 10 { steps.append(CallEvent(.ringNoAnswer, at: queued.addingTimeInterval(inQueue / 2), agent: agent(at: queued))) }
        switch roll {
        case 0..<80:
            call.agentID = agent(at: queued)
            call.answeredAt = queued.addingTimeInterval(inQueue)
            call.talkSeconds = Double.random(in: 30...600, using: &random)
            call.holdSeconds = roll < 10 ? Double.random(in: 5...60, using: &random) : 0
            call.wrapUpSeconds = 15
            call.outcome = roll == 79 ? .transferred : .answered
        case 80..<88: call.outcome = .abandoned
        case 88..<92: call.outcome = .shortAbandoned
        case 92..<95:
            call.outcome = .abandoned
            call.queueExit = .key
        case 95..<97:
            call.outcome = .voicemail
            call.queueExit = .timeout
        default:
            call.outcome = .callback
            call.queueExit = .callback
        }
        if call.answeredAt == nil { call.waitSeconds = roll >= 88 && roll < 92 ? Double.random(in: 0..<5, using: &random) : inQueue }
        return CallTallies(call, steps: steps, serviceLevel: ReportBenchmark.serviceLevel)
    }

    /// Each agent's shifts over the days: in, a 30-minute lunch pause halfway, out.
    func shiftChanges() -> [StoreWrite] {
        var writes: [StoreWrite] = []
        for day in 0..<options.days {
            for (index, agent) in agentIDs.enumerated() {
                let begins = ReportBenchmark.start.addingTimeInterval(Double(day) * 86_400 + Double(index % 3) * 28_800)
                writes += [
                    .agentState(agentID: agent, state: "available", reason: nil, at: begins),
                    .agentState(agentID: agent, state: "paused", reason: "lunch", at: begins.addingTimeInterval(14_400)),
                    .agentState(agentID: agent, state: "available", reason: nil, at: begins.addingTimeInterval(16_200)),
                    .agentState(agentID: agent, state: "logged out", reason: nil, at: begins.addingTimeInterval(28_800)),
                ]
            }
        }
        return writes
    }
}

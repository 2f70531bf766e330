import Core
import Lab
import App
import Foundation

/// `switchboard bench …`: performance measurements; run them on a release build.
enum BenchCommand {
    /// One timing in a benchmark's summary: `name   [count]  p50 … ms  p99 … ms  max … ms`.
    static func latencyLine(_ name: String, _ latency: LatencySummary, counted: Bool = false) -> String {
        name.padding(toLength: 34, withPad: " ", startingAt: 0) + (counted ? String(format: "%4d  ", latency.count) : "")
            + String(format: "p50 %8.3f ms  p99 %8.3f ms  max %8.3f ms", latency.p50Microseconds / 1000, latency.p99Microseconds / 1000, latency.maxMicroseconds / 1000)
    }

    static let spec = CommandSpec(
        name: "bench",
        summary: "measure performance (use a release build: swift build -c release)",
        subcommands: [agi, ami, store, report, tickets, recordings, wallboard, routing, acd]
    )

    static let agi = CommandSpec(
        name: "agi",
        summary: "FastAGI server under load from a simulated Asterisk on 127.0.0.1",
        discussion: """
            Runs the real FastAGI server in this process and plays Asterisk's side against it:
            --concurrency sessions at a time, each sending the environment and answering
            --commands GET VARIABLE commands. Reports sessions/s, commands/s, round-trip
            percentiles and resident memory per idle session. --rate offers a stated load instead
            of as much as the server takes: each session holds every reply as Asterisk does while
            a prompt plays, so round trips are measured at that load. --compare-panoramisk runs
            the same load against panoramisk's FastAGI server (pip install panoramisk).
            """,
        options: [
            .value("concurrency", "N", "sessions at a time (default 1000)"),
            .value("sessions", "N", "sessions in all (default 5000)"),
            .value("commands", "N", "commands per session (default 50)"),
            .value("idle", "N", "idle sessions for the memory measurement (default 2000)"),
            .value("rate", "N", "commands/s offered in all (default: as fast as the server answers)"),
            .flag("compare-panoramisk", "also run the load against panoramisk (scripts/bench/panoramisk_agi.py)"),
            .value("serve", "PORT", "only serve the perf peers' bench script on 127.0.0.1:PORT until SIGTERM (../shared/perf/compare-agi.sh --extra)"),
            .json,
        ],
        action: runAGI
    )

    static let ami = CommandSpec(
        name: "ami",
        summary: "AMI event intake: from memory and from a firehose peer on 127.0.0.1",
        discussion: """
            Parses the events Asterisk sent in the ami-*.asterisk.bin captures (repeated) from
            memory, then receives them through the whole AMI client (reader, channel tracker, one
            subscriber) from a peer that sends them as fast as the socket takes them. Reports
            events/s, MB/s, events lost, and resident memory over the run.
            --compare-panoramisk runs panoramisk's AMI client against the same peer.
            """,
        options: [
            .value("events", "N", "events over the socket (default 2000000)"),
            .value("memory-events", "N", "events parsed from memory (default 2000000)"),
            .value("transcripts", "DIR", "folder of the ami-*.asterisk.bin captures (default Tests/Fixtures/asterisk-transcripts)"),
            .flag("compare-panoramisk", "also run panoramisk's AMI client (scripts/bench/panoramisk_ami.py)"),
            .value("connect", "HOST:PORT", "only read a firehose's stream (amifire) to FireDone and print one JSON line (../shared/perf/compare-ami.sh --extra)"),
            .json,
        ],
        action: runAMI
    )

    @Sendable static func runAMI(_ parsed: ParsedCommand, _ terminal: Terminal) async throws {
        if let target = parsed.value("connect") {
            let parts = target.split(separator: ":")
            guard parts.count == 2, let port = UInt16(parts[1]) else { throw UsageError(message: "--connect '\(target)' is not HOST:PORT", commandPath: parsed.path) }
            let run = try await PerfPeers.connectAMI(host: String(parts[0]), port: port)
            terminal.print(try JSONOutput.encode(run).replacingOccurrences(of: "\n", with: ""))
            if !run.ok { throw ExitStatus(code: 1) }
            return
        }
        var options = AMIBenchmark.Options()
        options.socketEvents = try parsed.integer("events", default: options.socketEvents, range: 1000...1_000_000_000)
        options.memoryEvents = try parsed.integer("memory-events", default: options.memoryEvents, range: 1000...1_000_000_000)
        options.transcripts = parsed.value("transcripts") ?? options.transcripts
        if parsed.flag("compare-panoramisk") {
            options.panoramiskScript = try peerScript("scripts/bench/panoramisk_ami.py")
        }
        let json = parsed.flag("json")
        let report = try await AMIBenchmark(options: options) { line in if !json { terminal.printError(line) } }.run()
        if json {
            terminal.print(try JSONOutput.encode(report))
            return
        }
        let memory = report.memory
        var lines = [
            "",
            "corpus: \(report.corpusEvents) recorded events, \(report.averageEventBytes) bytes on average",
            String(format: "from memory:    %10.0f events/s  %7.1f MB/s  (%.0f events/s with the channel tracker)",
                   memory.eventsPerSecond, memory.megabytesPerSecond, memory.trackedEventsPerSecond),
        ]
        for run in [report.socket] + (report.panoramisk.map { [$0] } ?? []) {
            lines.append(String(
                format: "%-15@ %10.0f events/s  %7.1f MB/s  %d of %d received",
                (run.client + ":") as NSString, run.eventsPerSecond, run.megabytesPerSecond, run.received, run.events
            ))
        }
        if !report.socket.residentMiB.isEmpty {
            lines.append("resident memory over the run (MiB): " + report.socket.residentMiB.map { String(format: "%.0f", $0) }.joined(separator: " "))
        }
        if let theirs = report.panoramisk {
            lines.append(String(format: "switchboard / panoramisk events/s: %.1f×", report.socket.eventsPerSecond / max(theirs.eventsPerSecond, 1)))
        }
        terminal.print(lines.joined(separator: "\n"))
    }

    static let store = CommandSpec(
        name: "store",
        summary: "database speed: calls with timelines and events written per second, history lookups, calls list",
        discussion: """
            Writes --calls calls (about ten per caller, numbers written three ways), then
            --events call events in transactions of --batch, then looks up --lookups callers'
            histories, then writes --journeys calls with their timelines (~12 steps each)
            through the server's write path, then runs --list-queries of `calls list` for one
            agent's day among all of them, on a real SQLite file (a temporary one unless
            --database is given).
            --soak instead writes events in acknowledged batches until killed, printing
            "committed N" after each commit (the crash-safety test uses it).
            """,
        options: [
            .value("events", "N", "call events to write (default 1000000)"),
            .value("batch", "N", "events per transaction (default 1000)"),
            .value("calls", "N", "calls to write before the lookups (default 1000000)"),
            .value("lookups", "N", "history lookups (default 10000)"),
            .value("journeys", "N", "calls written with their timelines (default 100000)"),
            .value("list-queries", "N", "calls list queries for one agent's day (default 1000)"),
            .value("database", "FILE", "database file to use (default: a temporary one)"),
            .flag("soak", "write acknowledged batches until killed"),
            .json,
        ],
        action: runStore
    )

    @Sendable static func runStore(_ parsed: ParsedCommand, _ terminal: Terminal) async throws {
        if parsed.flag("soak") {
            guard let database = parsed.value("database") else {
                throw UsageError(message: "--soak needs --database FILE", commandPath: parsed.path)
            }
            try await StoreSoak.run(database: database) { terminal.print("committed \($0)") }
        }
        var options = StoreBenchmark.Options()
        options.events = try parsed.integer("events", default: options.events, range: 1...1_000_000_000)
        options.batch = try parsed.integer("batch", default: options.batch, range: 1...1_000_000)
        options.calls = try parsed.integer("calls", default: options.calls, range: 10...100_000_000)
        options.lookups = try parsed.integer("lookups", default: options.lookups, range: 1...10_000_000)
        options.journeys = try parsed.integer("journeys", default: options.journeys, range: 1...100_000_000)
        options.listQueries = try parsed.integer("list-queries", default: options.listQueries, range: 1...10_000_000)
        options.database = parsed.value("database")
        let json = parsed.flag("json")
        let report = try await StoreBenchmark(options: options) { line in if !json { terminal.printError(line) } }.run()
        if json { return terminal.print(try JSONOutput.encode(report)) }
        terminal.print("""

            calls written:  \(String(format: "%.0f", report.callsPerSecond)) calls/s (\(report.calls), transactions of 10000)
            events written: \(String(format: "%.0f", report.eventsPerSecond)) events/s (\(report.events), transactions of \(report.batch))
            history lookup: p50 \(String(format: "%.0f", report.lookupRoundTrip.p50Microseconds)) µs, p99 \(String(format: "%.0f", report.lookupRoundTrip.p99Microseconds)) µs, max \(String(format: "%.0f", report.lookupRoundTrip.maxMicroseconds)) µs (\(report.lookups) lookups among \(report.calls) calls)
            with timelines: \(String(format: "%.0f", report.journeysWrittenPerSecond)) calls/s with \(report.stepsPerJourney) steps each by the store's writer (\(report.journeys) calls); \(String(format: "%.0f", report.journeysPerSecond)) calls/s with building their journeys too
            calls list:     p50 \(String(format: "%.1f", report.agentDayList.p50Microseconds / 1000)) ms, p99 \(String(format: "%.1f", report.agentDayList.p99Microseconds / 1000)) ms for one agent's day (\(String(format: "%.0f", report.listedPerQuery)) calls each, among \(report.calls + report.journeys))
            database:       \(String(format: "%.0f", report.databaseMegabytes)) MB
            """)
    }

    static let report = CommandSpec(
        name: "report",
        summary: "reports over a month of calls: the month by day, a day by 15 minutes, a day's agents",
        discussion: """
            Makes up --calls calls (seeded: the same every run) over --days days, folds each into
            the 15-minute queue and agent tallies the server keeps as calls end, writes them and
            the agents' shifts to a real SQLite file, then times the reports --repeats times each:
            query, figures and the HTML rendering. Also times keeping the tallies up as calls end
            (--upkeep calls, a transaction per 1000) and resident memory across the reports.
            """,
        options: [
            .value("calls", "N", "calls in the month (default 10000000)"),
            .value("days", "N", "days they span (default 30)"),
            .value("queues", "N", "queues (default 5)"),
            .value("agents", "N", "agents, in three shifts (default 200)"),
            .value("repeats", "N", "times each report is run (default 20)"),
            .value("upkeep", "N", "calls whose tallies are added as they end (default 100000)"),
            .value("database", "FILE", "database file to use (default: a temporary one)"),
            .json,
        ],
        action: runReport
    )

    @Sendable static func runReport(_ parsed: ParsedCommand, _ terminal: Terminal) async throws {
        var options = ReportBenchmark.Options()
        options.calls = try parsed.integer("calls", default: options.calls, range: 1000...1_000_000_000)
        options.days = try parsed.integer("days", default: options.days, range: 1...366)
        options.queues = try parsed.integer("queues", default: options.queues, range: 1...1000)
        options.agents = try parsed.integer("agents", default: options.agents, range: 3...100_000)
        options.repeats = try parsed.integer("repeats", default: options.repeats, range: 1...10_000)
        options.upkeepCalls = try parsed.integer("upkeep", default: options.upkeepCalls, range: 1...100_000_000)
        options.database = parsed.value("database")
        let json = parsed.flag("json")
        let report = try await ReportBenchmark(options: options) { line in if !json { terminal.printError(line) } }.run()
        if json { return terminal.print(try JSONOutput.encode(report)) }
        terminal.print([
            "",
            String(format: "%d calls over %d days, %d queues, %d agents: %d queue and %d agent tallies, %d state changes, %.0f MB",
                   report.calls, report.days, report.queues, report.agents, report.queueRows, report.agentRows, report.stateChanges, report.databaseMegabytes),
            String(format: "made up and folded:               %.0f calls/s", report.foldedCallsPerSecond),
            String(format: "tallies kept as calls end:        %.1f µs per call", report.upkeepMicrosecondsPerCall),
            latencyLine("month by day (\(report.repeats)×):", report.monthByDay),
            latencyLine("a day by 15 minutes:", report.dayByQuarterHour),
            latencyLine("a day's agents:", report.dayAgents),
            String(format: "resident memory: %.0f MiB before the reports, %.0f MiB after", report.residentMiBBefore, report.residentMiBAfter),
        ].joined(separator: "\n"))
    }

    static let routing = CommandSpec(
        name: "routing",
        summary: "routing decisions: agents, waiting calls and skills under random traffic",
        discussion: """
            Builds the routing engine with --agents agents (five random skills each), a queue per
            skill, and --calls waiting calls, then runs --operations random steps (arrivals,
            answers, misses, completions, abandons, ticks), timing each decision.
            """,
        options: [
            .value("agents", "N", "agents (default 1000)"),
            .value("calls", "N", "waiting calls (default 10000)"),
            .value("skills", "N", "skills, one queue each (default 50)"),
            .value("operations", "N", "steps timed (default 200000)"),
            .json,
        ],
        action: runRouting
    )

    @Sendable static func runRouting(_ parsed: ParsedCommand, _ terminal: Terminal) async throws {
        var options = RoutingBenchmark.Options()
        options.agents = try parsed.integer("agents", default: options.agents, range: 1...1_000_000)
        options.waitingCalls = try parsed.integer("calls", default: options.waitingCalls, range: 1...10_000_000)
        options.skills = try parsed.integer("skills", default: options.skills, range: 5...10_000)
        options.operations = try parsed.integer("operations", default: options.operations, range: 1...100_000_000)
        let report = RoutingBenchmark(options: options).run()
        if parsed.flag("json") { return terminal.print(try JSONOutput.encode(report)) }
        var lines = [String(
            format: "%d agents, %d waiting calls, %d skills, %d queues: %.0f steps/s, %d offers",
            report.agents, report.waitingCalls, report.skills, report.queues, report.decisionsPerSecond, report.offers
        )]
        lines.append(String(format: "decisions:          p50 %6.1f µs  p99 %7.1f µs  max %7.0f µs", report.decision.p50Microseconds, report.decision.p99Microseconds, report.decision.maxMicroseconds))
        for (kind, latency) in report.byKind.sorted(by: { $0.key < $1.key }) {
            lines.append(String(format: "  %-9@ %6d  p50 %6.1f µs  p99 %7.1f µs  max %7.0f µs", kind as NSString, latency.count, latency.p50Microseconds, latency.p99Microseconds, latency.maxMicroseconds))
        }
        terminal.print(lines.joined(separator: "\n"))
    }

    static let acd = CommandSpec(
        name: "acd",
        summary: "the ACD on a real Asterisk: caller join → ring and agent free → next ring",
        discussion: """
            Starts a private Asterisk from --asterisk (a build folder with start/stop/rx scripts and
            sample-etc/, such as ../shared/asterisk) with its own ports under /tmp, a Switchboard
            server in this process against it, and --agents agents on Local channels. First half the
            callers (at most 50) one at a time, each when an agent is free: join → ring. Then the
            others at once: each agent's leg hanging up → that agent's next ring. Times are taken from
            Asterisk's AMI events (Hangup, DialBegin, AGIExecEnd) as a watcher receives them.
            Run from the project folder (it reads dialplans/ and sounds/).
            """,
        options: [
            .value("asterisk", "DIR", "the Asterisk build (default $SWITCHBOARD_ASTERISK, then ../shared/asterisk)"),
            .value("calls", "N", "callers in all (default 110, at least 21)"),
            .value("agents", "N", "agents (default 4)"),
            .value("talk", "S", "seconds each agent talks after its greeting (default 2)"),
            .json,
        ],
        action: runACD
    )

    @Sendable static func runACD(_ parsed: ParsedCommand, _ terminal: Terminal) async throws {
        let root = FileManager.default.currentDirectoryPath
        guard FileManager.default.fileExists(atPath: root + "/dialplans/extensions_switchboard.conf") else {
            throw BenchmarkError("dialplans/extensions_switchboard.conf not found: run from the project folder")
        }
        let build: String
        if let given = parsed.value("asterisk") {
            build = (given as NSString).standardizingPath
            guard FileManager.default.isExecutableFile(atPath: build + "/start") else { throw BenchmarkError("--asterisk \(given): no start script there") }
        } else {
            let located = AsteriskLab.locate(projectRoot: root)
            guard let found = located.build else { throw BenchmarkError("\(located.why); give --asterisk DIR") }
            build = found
        }
        var options = ACDLatencyBenchmark.Options(build: build, projectRoot: root)
        options.calls = try parsed.integer("calls", default: options.calls, range: 21...10_000)
        options.agents = try parsed.integer("agents", default: options.agents, range: 1...9)
        options.talkSeconds = try parsed.integer("talk", default: options.talkSeconds, range: 1...60)
        let json = parsed.flag("json")
        let report = try await ACDLatencyBenchmark(options: options) { line in if !json { terminal.printError(line) } }.run()
        if json { return terminal.print(try JSONOutput.encode(report)) }
        terminal.print([
            "\(report.calls) calls, \(report.agents) agents on a real Asterisk; \(report.unanswered) not answered, \(report.agentDigits) DTMF digits on agents' legs",
            latencyLine("join → ring", report.joinToRing, counted: true),
            latencyLine("agent free → next ring", report.freeToRing, counted: true),
        ].joined(separator: "\n"))
    }

    /// A comparison peer's script, which must be run from the project folder.
    static func peerScript(_ path: String) throws -> String {
        guard FileManager.default.fileExists(atPath: path) else {
            throw BenchmarkError("\(path) not found: run from the project folder")
        }
        return path
    }

    @Sendable static func runAGI(_ parsed: ParsedCommand, _ terminal: Terminal) async throws {
        if parsed.value("serve") != nil {
            let port = UInt16(try parsed.integer("serve", default: 0, range: 1...65535))
            let commands = try parsed.integer("commands", default: 20, range: 2...100_000)
            return try await PerfPeers.serveAGI(port: port, commands: commands, until: SignalStream.watch([SIGTERM, SIGINT]))
        }
        var options = AGIBenchmark.Options()
        options.concurrency = try parsed.integer("concurrency", default: options.concurrency, range: 1...100_000)
        options.sessions = try parsed.integer("sessions", default: options.sessions, range: 1...10_000_000)
        options.commandsPerSession = try parsed.integer("commands", default: options.commandsPerSession, range: 0...100_000)
        options.idleSessions = try parsed.integer("idle", default: options.idleSessions, range: 1...100_000)
        if parsed.value("rate") != nil {
            options.rate = try parsed.integer("rate", default: 0, range: 1...10_000_000)
        }
        if parsed.flag("compare-panoramisk") {
            options.panoramiskScript = try peerScript("scripts/bench/panoramisk_agi.py")
        }
        let json = parsed.flag("json")
        let benchmark = AGIBenchmark(options: options) { line in if !json { terminal.printError(line) } }
        let report = try await benchmark.run()
        if json {
            terminal.print(try JSONOutput.encode(report))
            return
        }
        var lines = ["", "server        sessions/s  commands/s   p50 µs   p99 µs   max µs  failures"]
        for run in [report.switchboard] + (report.panoramisk.map { [$0] } ?? []) {
            lines.append(String(
                format: "%-12@ %11.0f %11.0f %8.0f %8.0f %8.0f %9d",
                run.server as NSString, run.sessionsPerSecond, run.commandsPerSecond,
                run.roundTrip.p50Microseconds, run.roundTrip.p99Microseconds, run.roundTrip.maxMicroseconds, run.failures
            ))
        }
        lines.append("")
        lines.append("idle sessions: \(report.idleSessions), resident memory per idle session: \(report.bytesPerIdleSession / 1024) KiB (client and server sides together)")
        if let ratio = report.throughputRatio {
            lines.append(String(format: "switchboard / panoramisk commands/s: %.1f×", ratio))
        }
        terminal.print(lines.joined(separator: "\n"))
    }
}

import Foundation
import App
import Lab

extension BenchCommand {
    static let tickets = CommandSpec(
        name: "tickets",
        summary: "a million tickets: open ones by status and queue, the overdue list, a caller's open tickets",
        discussion: """
            Makes up --tickets tickets (seeded; most closed, as after years of work) for --callers
            callers in a real SQLite file, then times a page of 100 open tickets by status, by
            queue, and overdue (--repeats times each), and --lookups of a random caller's open
            tickets, the question every call's start asks.
            """,
        options: [
            .value("tickets", "N", "tickets (default 1000000)"),
            .value("callers", "N", "distinct callers (default 200000)"),
            .value("repeats", "N", "times each list is run (default 50)"),
            .value("lookups", "N", "callers' open tickets looked up (default 10000)"),
            .value("database", "FILE", "database file to use (default: a temporary one)"),
            .json,
        ],
        action: runTickets
    )

    @Sendable static func runTickets(_ parsed: ParsedCommand, _ terminal: Terminal) async throws {
        var options = TicketBenchmark.Options()
        options.tickets = try parsed.integer("tickets", default: options.tickets, range: 1000...100_000_000)
        options.callers = try parsed.integer("callers", default: options.callers, range: 1...100_000_000)
        options.repeats = try parsed.integer("repeats", default: options.repeats, range: 1...100_000)
        options.lookups = try parsed.integer("lookups", default: options.lookups, range: 1...10_000_000)
        options.database = parsed.value("database")
        let json = parsed.flag("json")
        let report = try await TicketBenchmark(options: options) { line in if !json { terminal.printError(line) } }.run()
        if json { return terminal.print(try JSONOutput.encode(report)) }
        terminal.print([
            "",
            String(format: "%d tickets (%d open, %d overdue), written at %.0f tickets/s, %.0f MB", report.tickets, report.openTickets,
                   report.overdueTickets, report.writtenPerSecond, report.databaseMegabytes),
            latencyLine("open, a page by status:", report.byStatus),
            latencyLine("open, a page by queue:", report.byQueue),
            latencyLine("overdue, a page:", report.overdue),
            latencyLine("a caller's open tickets:", report.callerOpenTickets),
        ].joined(separator: "\n"))
    }
}

extension BenchCommand {
    static let wallboard = CommandSpec(
        name: "wallboard",
        summary: "how soon a wallboard's frame shows a caller who joined a queue",
        discussion: """
            Runs a server in this process with one queue and no agent, subscribes a wallboard over
            the control socket, and has --joins simulated callers join one after another; each
            join is timed to the first frame that shows it, by the server's own clock.
            """,
        options: [.value("joins", "N", "callers (default 200)"), .json],
        action: runWallboard
    )

    @Sendable static func runWallboard(_ parsed: ParsedCommand, _ terminal: Terminal) async throws {
        var options = WallboardBenchmark.Options()
        options.joins = try parsed.integer("joins", default: options.joins, range: 1...100_000)
        let json = parsed.flag("json")
        let report = try await WallboardBenchmark(options: options) { line in if !json { terminal.printError(line) } }.run()
        if json { return terminal.print(try JSONOutput.encode(report)) }
        let latency = report.joinToFrame, trip = report.controlRoundTrip
        terminal.print(String(
            format: "\n%d joins, %d seen: join → frame made p50 %.3f ms, p99 %.3f ms, max %.3f ms\ncontrol socket round trip: p50 %.3f ms, p99 %.3f ms",
            report.joins, report.seen, latency.p50Microseconds / 1000, latency.p99Microseconds / 1000, latency.maxMicroseconds / 1000,
            trip.p50Microseconds / 1000, trip.p99Microseconds / 1000
        ))
    }
}

extension BenchCommand {
    static let recordings = CommandSpec(
        name: "recordings",
        summary: "a million indexed recordings searched by caller, agent and day; audio figures' speed",
        options: [
            .value("recordings", "N", "rows in the index (default 1000000)"),
            .value("searches", "N", "searches of each kind (default 2000)"),
            .value("audio", "SECONDS", "audio measured for the speed (default 600)"),
            .json,
        ],
        action: runRecordings
    )

    @Sendable static func runRecordings(_ parsed: ParsedCommand, _ terminal: Terminal) async throws {
        var options = RecordingBenchmark.Options()
        options.recordings = try parsed.integer("recordings", default: options.recordings, range: 1000...100_000_000)
        options.searches = try parsed.integer("searches", default: options.searches, range: 1...1_000_000)
        options.audioSeconds = try parsed.number("audio", default: options.audioSeconds, range: 1...86_400)
        let json = parsed.flag("json")
        let report = try await RecordingBenchmark(options: options) { line in if !json { terminal.printError(line) } }.run()
        if json { return terminal.print(try JSONOutput.encode(report)) }
        terminal.print([
            "",
            String(format: "%d recordings indexed at %.0f/s, %.0f MB", report.recordings, report.writtenPerSecond, report.databaseMegabytes),
            latencyLine("a caller's recordings:", report.byCaller),
            latencyLine("an agent's day:", report.byAgentDay),
            latencyLine("a day, first page:", report.byDay),
            latencyLine("agents report, 30 days:", report.agentsMonth),
            String(format: "audio read, hashed and measured at %.0f× real time", report.analysisTimesRealTime),
        ].joined(separator: "\n"))
    }
}

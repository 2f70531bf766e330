import Config
import Core
import Foundation
import Store

/// `switchboard calls list|show`: the call history, read from the database (a running server
/// keeps writing it).
enum CallsCommand {
    static let spec = CommandSpec(
        name: "calls",
        summary: "the call history: list calls, show one call's journey",
        subcommands: [
            CommandSpec(
                name: "list", summary: "calls, newest first, filtered by time, queue, agent, caller or outcome",
                discussion: """
                    Times are read in the call center's time zone ([general] timezone): 2026-11-23,
                    "2026-11-23 20:00", today or yesterday. --until is not included. Outcomes: \
                    \(CallOutcome.allCases.map(\.rawValue).joined(separator: ", ")).
                    """,
                options: [
                    .value("since", "TIME", "calls that arrived from this time"),
                    .value("until", "TIME", "calls that arrived before this time"),
                    .value("queue", "NAME", "calls whose last queue was this one"),
                    .value("agent", "ID", "calls an agent answered"),
                    .value("caller", "NUMBER", "calls from this number, however it is written"),
                    .value("outcome", "OUTCOME", "calls that ended this way"),
                    .value("limit", "N", "at most N calls (default 100)"),
                    .flag("csv", "one line per call, comma-separated, with a header"),
                    .config, .json,
                ],
                action: list
            ),
            CommandSpec(
                name: "show", summary: "one call's journey, step by step (or every call of a linkedid)",
                options: [.config, .json],
                arguments: [ArgumentSpec(name: "ID", help: "the call's uniqueid, or a linkedid")], action: show
            ),
        ]
    )

    @Sendable static func list(_ parsed: ParsedCommand, _ terminal: Terminal) async throws {
        let (config, _) = try ConfigLocation.load(for: parsed)
        let zone = config.general.timeZone
        var filter = CallFilter(
            since: try parsed.time("since", in: zone), until: try parsed.time("until", in: zone), queue: parsed.value("queue"),
            agent: parsed.value("agent"), caller: parsed.value("caller"), limit: try parsed.integer("limit", default: 100, range: 1...10_000_000)
        )
        if let outcome = parsed.value("outcome") {
            guard let known = CallOutcome(rawValue: outcome) else {
                throw UsageError(message: "--outcome '\(outcome)' is not one of \(CallOutcome.allCases.map(\.rawValue).joined(separator: ", "))", commandPath: parsed.path)
            }
            filter.outcome = known
        }
        let calls = try await StoreAccess.with(parsed, readOnly: true) { store, _ in try await store.calls(filter) }
        if parsed.flag("json") { return terminal.print(try JSONOutput.encode(calls)) }
        let clock = CallTimes(zone)
        if parsed.flag("csv") {
            let header = [
                "uniqueid", "linkedid", "arrived", "caller", "caller_name", "dnis", "flow", "queue", "agent", "outcome", "queue_exit",
                "wait_s", "ring_s", "talk_s", "hold_s", "wrapup_s", "total_s", "hangup_cause", "hangup_side", "recording",
            ]
            let rows = calls.map { call in
                [
                    call.uniqueID, call.linkedID ?? "", clock.full(call.arrivedAt), call.callerNumber ?? "", call.callerName ?? "", call.dnis ?? "",
                    call.flow ?? "", call.queue ?? "", call.agentID ?? "", call.outcome?.rawValue ?? "in progress", call.queueExit?.rawValue ?? "",
                    CallTimes.seconds(call.waitSeconds), CallTimes.seconds(call.ringSeconds), CallTimes.seconds(call.talkSeconds),
                    CallTimes.seconds(call.holdSeconds), CallTimes.seconds(call.wrapUpSeconds), CallTimes.seconds(call.totalSeconds),
                    call.hangupCause.map(String.init) ?? "", call.hangupSide?.rawValue ?? "", call.recording ?? "",
                ]
            }
            return terminal.print(([header] + rows).map(CSV.line).joined(separator: "\n"))
        }
        guard !calls.isEmpty else { return terminal.print("no calls") }
        terminal.print(TextTable.render(
            header: ["ARRIVED", "UNIQUEID", "CALLER", "QUEUE", "AGENT", "OUTCOME", "WAIT", "TALK", "TOTAL"],
            rows: calls.map { call in
                [
                    clock.full(call.arrivedAt), call.uniqueID, call.callerNumber ?? "-", call.queue ?? "-", call.agentID ?? "-",
                    call.outcome?.rawValue ?? "in progress", CallTimes.duration(call.waitSeconds), CallTimes.duration(call.talkSeconds),
                    CallTimes.duration(call.totalSeconds),
                ]
            }
        ))
    }

    @Sendable static func show(_ parsed: ParsedCommand, _ terminal: Terminal) async throws {
        let id = parsed.argument(0)
        let (journeys, zone) = try await StoreAccess.with(parsed, readOnly: true) { store, config in
            (try await store.journeys(uniqueOrLinkedID: id), config.general.timeZone)
        }
        guard !journeys.isEmpty else { throw StoreError.notFound("call \(id) (neither a uniqueid nor a linkedid in the history)") }
        if parsed.flag("json") {
            return terminal.print(try JSONOutput.encode(journeys.map { CallJourneyReply(call: $0.call, steps: $0.events) }))
        }
        terminal.print(journeys.map { render($0.call, $0.events, CallTimes(zone)) }.joined(separator: "\n\n"))
    }

    /// A call as a supervisor reads it: who and how it ended, then every step with its time.
    static func render(_ call: CallRecord, _ steps: [CallEvent], _ clock: CallTimes) -> String {
        var lines = ["call \(call.uniqueID)" + (call.linkedID.map { $0 == call.uniqueID ? "" : " (linkedid \($0))" } ?? "")]
        func add(_ label: String, _ value: String?) { if let value, !value.isEmpty { lines.append("  \(label.padding(toLength: 10)) \(value)") } }
        add("caller", [call.callerNumber, call.callerName.map { "(\($0))" }].compactMap { $0 }.joined(separator: " "))
        add("dialled", call.dnis)
        add("customer", call.customerID.map(String.init))
        add("flow", call.flow)
        add("queue", call.queue)
        add("agent", call.agentID)
        add("outcome", call.outcome.map { $0.rawValue + (call.queueExit.map { " (left the queue: \($0.rawValue))" } ?? "") } ?? "in progress")
        add("arrived", clock.full(call.arrivedAt))
        add("answered", call.answeredAt.map(clock.full))
        add("ended", call.endedAt.map(clock.full))
        let figures: [(String, Double?)] = [
            ("wait", call.waitSeconds), ("ring", call.ringSeconds), ("talk", call.talkSeconds), ("hold", call.holdSeconds),
            ("wrap-up", call.wrapUpSeconds), ("total", call.totalSeconds),
        ]
        add("times", figures.compactMap { name, seconds in seconds.map { "\(name) \(CallTimes.duration($0))" } }.joined(separator: ", "))
        add("hung up", [call.hangupSide.map { "by \($0.rawValue)" }, call.hangupCause.map { "cause \($0) (\(CallEvent.causeText($0)))" }].compactMap { $0 }.joined(separator: ", "))
        add("recording", call.recording)
        lines.append("")
        lines.append(TextTable.render(
            header: ["TIME", "+", "STEP", "DETAIL"],
            rows: steps.map { step in
                [clock.time(step.at), CallTimes.offset(step.at.timeIntervalSince(call.arrivedAt)), step.kind.rawValue, step.summary]
            }
        ).split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
        return lines.joined(separator: "\n")
    }
}

/// `calls show --json`: a call and its steps.
struct CallJourneyReply: Encodable {
    var call: CallRecord
    var steps: [CallEvent]
}

/// Times and durations as the call commands print them, in the call center's time zone.
struct CallTimes {
    let full: DateFormatter
    let clock: DateFormatter

    init(_ zone: TimeZone) {
        func formatter(_ format: String) -> DateFormatter {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = zone
            formatter.dateFormat = format
            return formatter
        }
        full = formatter("yyyy-MM-dd HH:mm:ss")
        clock = formatter("HH:mm:ss.SS")
    }

    func full(_ date: Date) -> String { full.string(from: date) }
    func time(_ date: Date) -> String { clock.string(from: date) }

    /// `1:05`, `12.3 s`; `-` when unknown.
    static func duration(_ seconds: Double?) -> String {
        guard let seconds else { return "-" }
        if seconds < 60 { return String(format: "%.1f s", seconds) }
        let whole = Int(seconds.rounded())
        return whole >= 3600 ? String(format: "%d:%02d:%02d", whole / 3600, whole / 60 % 60, whole % 60) : String(format: "%d:%02d", whole / 60, whole % 60)
    }

    static func offset(_ seconds: Double) -> String { String(format: "%.2f", seconds) }

    static func seconds(_ seconds: Double?) -> String { seconds.map { String(format: "%.3f", $0) } ?? "" }
}

/// RFC 4180 lines: a field with a comma, quote or line break is quoted, quotes doubled.
enum CSV {
    static func line(_ fields: [String]) -> String {
        fields.map { field in
            field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
        }.joined(separator: ",")
    }
}

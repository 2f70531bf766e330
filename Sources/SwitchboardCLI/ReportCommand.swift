import App
import Config
import Core
import Foundation
import Reports
import Store

/// `switchboard report queues|intervals|agents|calls`: supervisors' reports over a period,
/// from the tallies the server keeps as calls end (calls: from the history).
enum ReportCommand {
    static let options: [OptionSpec] = [
        .value("from", "TIME", "the period's start (default: today)"),
        .value("to", "TIME", "the period's end, not included (default: a day after --from)"),
        .value("queue", "NAME", "one queue only"),
        .value("format", "FORMAT", "table (default), csv, json or html"),
        .value("out", "FILE", "write the report to FILE instead of standard output"),
        .config,
    ]

    static let spec = CommandSpec(
        name: "report",
        summary: "reports: queues, queues by interval, agents, calls",
        discussion: """
            Times are read in the call center's time zone ([general] timezone): 2026-11-23,
            "2026-11-23 20:00", today or yesterday. A call counts in the interval it joined its
            (last) queue; README "Report definitions" gives every figure's formula. --format
            html writes one self-contained file with charts, to open in a browser or mail.
            """,
        subcommands: [
            CommandSpec(name: "queues", summary: "each queue over the period: calls, service level, ASA, AHT, abandons", options: options, action: run),
            CommandSpec(
                name: "intervals", summary: "each queue by 15m, 30m, 1h or 1d, with charts",
                options: options + [.value("interval", "LENGTH", "15m, 30m, 1h (default) or 1d")], action: run
            ),
            CommandSpec(
                name: "agents", summary: "each agent: time by state, calls handled, AHT, ring-no-answers, occupancy",
                options: options + [.value("agent", "ID", "one agent only")], action: run
            ),
            CommandSpec(
                name: "calls", summary: "every call of the period",
                options: options + [.value("agent", "ID", "calls this agent answered"), .value("limit", "N", "at most N calls (default 10000)")],
                action: run
            ),
        ]
    )

    enum Format: String, CaseIterable { case table, csv, json, html }

    @Sendable static func run(_ parsed: ParsedCommand, _ terminal: Terminal) async throws {
        let (config, _) = try ConfigLocation.load(for: parsed)
        let zone = config.general.timeZone
        let kind = parsed.path.last ?? "queues"
        let formatName = parsed.value("format") ?? "table"
        guard let format = Format(rawValue: formatName) else {
            throw UsageError(message: "--format '\(formatName)' is not one of \(Format.allCases.map(\.rawValue).joined(separator: ", "))", commandPath: parsed.path)
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let from = try parsed.time("from", in: zone) ?? calendar.startOfDay(for: Date())
        let to = try parsed.time("to", in: zone) ?? calendar.date(byAdding: .day, value: 1, to: from)!
        guard from < to else { throw UsageError(message: "--to must be after --from", commandPath: parsed.path) }
        let intervalName = parsed.value("interval") ?? "1h"
        guard let interval = ReportInterval(rawValue: intervalName) else {
            throw UsageError(message: "--interval '\(intervalName)' is not one of \(ReportInterval.allCases.map(\.rawValue).joined(separator: ", "))", commandPath: parsed.path)
        }
        let queue = parsed.value("queue")
        let queues = try config.acd.queuesPath.map { try QueueSettings.load(file: $0) } ?? [:]
        if let queue, !queues.isEmpty, queues[queue] == nil {
            throw UsageError(message: "--queue '\(queue)' is not in \(config.acd.queuesPath ?? "the queues file") (known: \(queues.keys.sorted().joined(separator: ", ")))", commandPath: parsed.path)
        }
        let period = ReportSheets.period(from: from, to: to, zone: zone)
        let limit = try parsed.integer("limit", default: 10_000, range: 1...10_000_000)
        let sheet = try await StoreAccess.with(parsed, readOnly: true) { store, _ -> ReportSheet in
            switch kind {
            case "intervals":
                let target = queue.flatMap { queues[$0]?.reportTarget } ?? ReportSheets.Target()
                return ReportSheets.intervals(try await store.queueTallies(from: from, to: to, queue: queue), interval: interval, zone: zone, period: period, target: target)
            case "agents":
                return ReportSheets.agents(try await store.agentFigures(from: from, to: to, agent: parsed.value("agent")), period: period)
            case "calls":
                let calls = try await store.calls(CallFilter(since: from, until: to, queue: queue, agent: parsed.value("agent"), limit: limit))
                return ReportSheets.calls(calls.reversed(), zone: zone, period: period)
            default:
                return ReportSheets.queues(try await store.queueTallies(from: from, to: to, queue: queue), period: period)
            }
        }
        let text = render(sheet, format, zone: zone)
        if let out = parsed.value("out") {
            do {
                try text.write(toFile: out, atomically: true, encoding: .utf8)
            } catch {
                throw UsageError(message: "--out \(out): cannot write it (\(error.localizedDescription))", commandPath: parsed.path)
            }
            terminal.print("\(sheet.title.lowercased()) report (\(sheet.rows.count) row\(sheet.rows.count == 1 ? "" : "s")) written to \(out)")
        } else {
            terminal.print(text)
        }
    }

    static func render(_ sheet: ReportSheet, _ format: Format, zone: TimeZone) -> String {
        switch format {
        case .table:
            let heading = "\(sheet.title) · \(sheet.period)"
            guard !sheet.rows.isEmpty else { return heading + "\nno calls in this period" }
            return heading + "\n" + TextTable.render(header: sheet.columns.map(\.title), rows: sheet.rows.map { $0.map(ReportSheet.text) })
        case .csv:
            return ([sheet.columns.map(\.key)] + sheet.rows.map { $0.map(ReportSheet.raw) }).map(CSV.line).joined(separator: "\n")
        case .json:
            let rows = sheet.rows.map { row in
                Dictionary(uniqueKeysWithValues: zip(sheet.columns.map(\.key), row.map(JSONCell.init)))
            }
            return (try? JSONOutput.encode(ReportJSON(title: sheet.title, period: sheet.period, rows: rows))) ?? "{}"
        case .html:
            return HTMLReport.render([sheet], generated: ReportSheets.period(from: Date(), to: Date(), zone: zone).components(separatedBy: " – ").first ?? "")
        }
    }
}

/// `report --format json`: the rows as objects, counts and figures as numbers (seconds, shares 0–1).
struct ReportJSON: Encodable {
    var title: String
    var period: String
    var rows: [[String: JSONCell]]
}

struct JSONCell: Encodable {
    let value: ReportSheet.Value
    init(_ value: ReportSheet.Value) { self.value = value }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch value {
        case .text(let text): try container.encode(text)
        case .count(let count): try container.encode(count)
        case .seconds(let seconds?), .ratio(let seconds?): try container.encode((seconds * 10000).rounded() / 10000)
        case .seconds(nil), .ratio(nil): try container.encodeNil()
        }
    }
}

import Core
import Foundation
import Recordings
import Reports
import Simulator
import Store
import Testing
@testable import SwitchboardCLI

/// `switchboard report …` on a real SQLite file written the way the server writes it (each
/// call's end with its tallies), times in the call center's zone.
@Suite struct ReportCommandTests {
    final class Setup {
        let folder = temporaryPath("report-cli")
        var config: String { folder + "/switchboard.conf" }

        init() throws {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try "[general]\ndatabase = sb.db\ntimezone = Asia/Shanghai\n[acd]\nqueues = queues.conf\n[control]\nsocket = sb.ctl\n"
                .write(toFile: config, atomically: true, encoding: .utf8)
            try "[support]\nskills = support:2\nservice_level = 20\nservice_level_target = 80\nshort_abandon = 5\nwrapup = 10\n[sales]\nskills = sales:2\nservice_level = 30\n"
                .write(toFile: folder + "/queues.conf", atomically: true, encoding: .utf8)
        }

        func run(_ words: [String]) async -> (code: Int32, out: String, err: String) {
            let capture = CapturedTerminal()
            let code = await Switchboard.run(words + ["--config", config], terminal: capture.terminal)
            return (code, capture.standardOutput, capture.standardError)
        }

        deinit { try? FileManager.default.removeItem(atPath: folder) }
    }

    /// 2026-11-24 10:00:00 in Shanghai.
    static let ten = Date(timeIntervalSince1970: 1_795_485_600)

    /// A call joining `queue` at `joined` seconds past ten, its steps `(seconds after joining, kind, agent or detail)`.
    static func call(_ id: String, _ queue: String, joined: Double, _ steps: [(Double, CallEvent.Kind, String?)], end: Double) -> [StoreWrite] {
        let start = ten.addingTimeInterval(joined)
        var journey = CallJourney(CallRecord(uniqueID: id, arrivedAt: start.addingTimeInterval(-5)))
        journey.add(CallEvent(.arrived, at: journey.record.arrivedAt, detail: "main"))
        journey.add(CallEvent(.queued, at: start, queue: queue))
        for (at, kind, text) in steps {
            let agent = [.offered, .connected, .ringNoAnswer].contains(kind) ? text : nil
            journey.add(CallEvent(kind, at: start.addingTimeInterval(at), queue: queue, agent: agent, detail: agent == nil ? text : nil))
        }
        journey.add(CallEvent(.hangup, at: start.addingTimeInterval(end)))
        let finished = journey.finished(shortAbandon: { _ in 5 }, wrapUp: { $0 == "support" ? 10 : 0 })
        return [
            .call(journey.record), .steps(uniqueID: id, journey.events),
            .callFinished(finished, CallTallies(finished, steps: journey.events, serviceLevel: queue == "support" ? 20 : 30)),
        ]
    }

    /// Support: answered in 8 s; answered in 25 s after a missed ring (joined 10:14:50, answered
    /// 10:15:15: counts in 10:00); abandoned after 40 s; a short abandon. Sales: answered in 25 s
    /// (inside its 30 s). Agent 1001 logs in at 9:00, pauses 10:30–10:45 for lunch, logs out at 12:00.
    static func knownDay(_ setup: Setup) async throws {
        let store = try await Store.open(path: setup.folder + "/sb.db")
        defer { store.close() }
        try await store.addAgent(Agent(id: "1001", name: "Li Wei", endpoint: "PJSIP/1001", skills: ["support": 3]))
        try await store.addAgent(Agent(id: "1002", name: "Ann Lee", endpoint: "PJSIP/1002", skills: ["support": 3, "sales": 3]))
        var writes: [StoreWrite] = [
            .agentState(agentID: "1001", state: "available", reason: nil, at: ten.addingTimeInterval(-3600)),
            .agentState(agentID: "1001", state: "paused", reason: "lunch", at: ten.addingTimeInterval(1800)),
            .agentState(agentID: "1001", state: "available", reason: nil, at: ten.addingTimeInterval(2700)),
            .agentState(agentID: "1001", state: "logged out", reason: nil, at: ten.addingTimeInterval(7200)),
            .agentState(agentID: "1002", state: "available", reason: nil, at: ten),
            .agentState(agentID: "1002", state: "logged out", reason: nil, at: ten.addingTimeInterval(3600)),
        ]
        writes += call("s1", "support", joined: 60, [(2, .offered, "1001"), (8, .connected, "1001"), (8, .bridged, nil), (128, .unbridged, "caller")], end: 128)
        writes += call("s2", "support", joined: 890, [(1, .offered, "1001"), (16, .ringNoAnswer, "1001"), (20, .offered, "1002"), (25, .connected, "1002"), (25, .bridged, nil), (85, .unbridged, "agent")], end: 85)
        writes += call("s3", "support", joined: 1000, [], end: 40)
        writes += call("s4", "support", joined: 1100, [], end: 3)
        writes += call("p1", "sales", joined: 1200, [(20, .offered, "1002"), (25, .connected, "1002"), (25, .bridged, nil), (55, .unbridged, "caller")], end: 55)
        #expect(try await store.apply(writes).isEmpty)
    }

    struct Rows: Decodable {
        let rows: [[String: Value]]
        enum Value: Decodable, Equatable {
            case text(String), number(Double), none
            init(from decoder: any Decoder) throws {
                let container = try decoder.singleValueContainer()
                if container.decodeNil() { self = .none } else if let number = try? container.decode(Double.self) { self = .number(number) } else { self = .text(try container.decode(String.self)) }
            }
        }
    }

    static func rows(_ json: String) throws -> [[String: Rows.Value]] { try JSONDecoder().decode(Rows.self, from: Data(json.utf8)).rows }

    @Test func queuesReportTheKnownDay() async throws {
        let setup = try Setup()
        try await Self.knownDay(setup)
        let result = await setup.run(["report", "queues", "--from", "2026-11-24", "--format", "json"])
        #expect(result.code == 0, "\(result.err)")
        let rows = try Self.rows(result.out)
        let support = try #require(rows.first { $0["queue"] == .text("support") })
        #expect(support["offered"] == .number(4))
        #expect(support["answered"] == .number(2))
        #expect(support["answered_in_sl"] == .number(1))
        #expect(support["abandoned"] == .number(1))
        #expect(support["short_abandoned"] == .number(1))
        #expect(support["service_level_answered"] == .number(0.5))
        // 1 in SL of (2 answered + 1 abandoned): the short abandon is in neither.
        #expect(support["service_level_inclusive"] == .number(0.3333))
        #expect(support["abandon_rate"] == .number(0.3333))
        #expect(support["asa_seconds"] == .number(16.5))
        #expect(support["longest_wait_seconds"] == .number(40))
        // (120 + 60 talk + 2 × 10 wrap-up) / 2.
        #expect(support["aht_seconds"] == .number(100))
        let sales = try #require(rows.first { $0["queue"] == .text("sales") })
        #expect(sales["answered_in_sl"] == .number(1))
        #expect(rows.first { $0["queue"] == .text("all") }?["offered"] == .number(5))

        // The next day has none of it.
        let next = await setup.run(["report", "queues", "--from", "2026-11-25"])
        #expect(next.code == 0)
        #expect(next.out.contains("no calls in this period"))
    }

    @Test func intervalsCountACallWhereItJoined() async throws {
        let setup = try Setup()
        try await Self.knownDay(setup)
        let result = await setup.run(["report", "intervals", "--from", "2026-11-24 10:00", "--to", "2026-11-24 11:00", "--interval", "15m", "--queue", "support", "--format", "csv"])
        #expect(result.code == 0, "\(result.err)")
        let lines = result.out.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("interval,queue,offered,answered,answered_in_sl") == true)
        // 10:00: s1 and s2 (joined 10:14:50, answered 10:15:15); 10:15: s3 and s4.
        #expect(lines.dropFirst().map { $0.split(separator: ",").prefix(4).joined(separator: ",") } == [
            "2026-11-24 10:00,support,2,2", "2026-11-24 10:15,support,2,0",
        ])
        let hourly = await setup.run(["report", "intervals", "--from", "2026-11-24", "--interval", "1h", "--format", "json"])
        let rows = try Self.rows(hourly.out)
        #expect(rows.map { $0["interval"] } == [.text("2026-11-24 10:00"), .text("2026-11-24 10:00")])
        #expect(rows.map { $0["offered"] } == [.number(1), .number(4)])
    }

    @Test func agentsReportTimeByStateAndTheirCalls() async throws {
        let setup = try Setup()
        try await Self.knownDay(setup)
        // Li's recordings that day: a two-leg one (Li spoke 70 of 100 s, 4 s over the caller)
        // and a mono one; one from the day before does not count.
        let store = try await Store.open(path: setup.folder + "/sb.db")
        var legs = AudioFigures(try WAVAudio(bytes: WAVFile.encode([]), file: "empty.wav"))
        (legs.talkRatio, legs.talkSecondsByLeg, legs.overlapSeconds) = (0.8, [30, 70], 4)
        var mono = legs
        (mono.talkRatio, mono.talkSecondsByLeg, mono.overlapSeconds) = (0.6, [50], 0)
        for (path, figures, at) in [("/r/1.wav", legs, Self.ten), ("/r/2.wav", mono, Self.ten.addingTimeInterval(600)), ("/r/0.wav", legs, Self.ten.addingTimeInterval(-86400))] {
            _ = try await store.saveRecording(RecordingEntry(
                path: path, uniqueID: nil, agent: "1001", queue: "support", caller: "13800000001", startedAt: at, bytes: 44,
                sha256: "", encoding: .pcm16, channels: figures.talkSecondsByLeg.count, figures: figures
            ))
        }
        store.close()
        let result = await setup.run(["report", "agents", "--from", "2026-11-24", "--format", "json"])
        #expect(result.code == 0, "\(result.err)")
        let rows = try Self.rows(result.out)
        let li = try #require(rows.first { $0["agent"] == .text("1001") })
        #expect(li["name"] == .text("Li Wei"))
        #expect(li["logged_in_seconds"] == .number(3 * 3600))
        #expect(li["paused_seconds"] == .number(900))
        #expect(li["pauses"] == .text("lunch 15:00"))
        #expect(li["handled"] == .number(1))
        #expect(li["ring_no_answers"] == .number(1))
        #expect(li["on_call_seconds"] == .number(120))
        #expect(li["wrapup_seconds"] == .number(10))
        // (120 + 10) / (3 h − 15 min).
        #expect(li["occupancy"] == .number(((130.0 / 9900) * 10000).rounded() / 10000))
        #expect(li["recordings"] == .number(2))
        #expect(li["recorded_talk_ratio"] == .number(0.7))
        #expect(li["agent_talk_share"] == .number(0.7))
        #expect(li["talk_over_seconds"] == .number(4))
        let ann = try #require(rows.first { $0["agent"] == .text("1002") })
        #expect(ann["handled"] == .number(2))
        #expect(ann["logged_in_seconds"] == .number(3600))
        #expect(ann["recordings"] == .number(0) && ann["agent_talk_share"] == Rows.Value.none)
    }

    @Test func badOptionsAreNamed() async throws {
        let setup = try Setup()
        let format = await setup.run(["report", "queues", "--format", "pdf"])
        #expect(format.code == 64)
        #expect(format.err.contains("--format 'pdf' is not one of table, csv, json, html"))
        let queue = await setup.run(["report", "intervals", "--queue", "billing"])
        #expect(queue.err.contains("--queue 'billing' is not in"))
        let interval = await setup.run(["report", "intervals", "--interval", "5m"])
        #expect(interval.err.contains("--interval '5m' is not one of 15m, 30m, 1h, 1d"))
        let period = await setup.run(["report", "queues", "--from", "2026-11-24", "--to", "2026-11-23"])
        #expect(period.err.contains("--to must be after --from"))
    }

    /// The HTML file opened in a real headless browser: its screenshot shows the bars (the
    /// answered-in-SL green) and the service-level target line (blue), not just a table.
    @Test func theHTMLReportRendersItsChartsInABrowser() async throws {
        let setup = try Setup()
        try await Self.knownDay(setup)
        let html = setup.folder + "/report.html"
        let result = await setup.run(["report", "intervals", "--from", "2026-11-24", "--interval", "15m", "--format", "html", "--out", html])
        #expect(result.code == 0, "\(result.err)")
        #expect(result.out.contains("written to \(html)"))
        let page = try String(contentsOfFile: html, encoding: .utf8)
        #expect(page.contains("<svg"))
        #expect(!page.contains("<script"))
        guard let browser = Browser.find() else {
            print("skipped: no chromium to render the HTML report (apt-get install chromium)")
            return
        }
        let shot = setup.folder + "/report.png"
        try await browser.screenshot(of: html, to: shot, width: 1000, height: 900)
        let counts = try await PNGColors.count(in: shot, colors: ["2e7d32", "1565c0", "c62828"])
        #expect(counts["2e7d32", default: 0] > 200, "green bars: \(counts)")
        #expect(counts["1565c0", default: 0] > 200, "target line: \(counts)")
        #expect(counts["c62828", default: 0] > 100, "abandons and the SL below target: \(counts)")
    }
}

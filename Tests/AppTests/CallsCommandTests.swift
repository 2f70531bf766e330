import Core
import Foundation
import Store
import Testing
@testable import SwitchboardCLI

/// `switchboard calls list|show` on a real SQLite file, times in the call center's zone.
@Suite struct CallsCommandTests {
    final class Setup {
        let folder = temporaryPath("calls-cli")
        var config: String { folder + "/switchboard.conf" }

        init() throws {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try "[general]\ndatabase = sb.db\ntimezone = Asia/Shanghai\ncountry_code = 86\nnational_length = 11\n[control]\nsocket = sb.ctl\n"
                .write(toFile: config, atomically: true, encoding: .utf8)
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

    static func journey(_ uniqueID: String, at start: Date, answered: Bool) -> (call: CallRecord, events: [CallEvent]) {
        var record = CallRecord(uniqueID: uniqueID, arrivedAt: start)
        record.callerNumber = "+86 138 0013 8000"
        record.flow = "main"
        record.linkedID = "l-" + uniqueID
        var journey = CallJourney(record)
        let steps: [(Double, CallEvent)] = answered
            ? [(0, CallEvent(.arrived, detail: "main")), (1, CallEvent(.choice, node: "main:main", digits: "2")), (2, CallEvent(.queued, queue: "support")),
               (12, CallEvent(.offered, queue: "support", agent: "1001")), (15, CallEvent(.connected, queue: "support", agent: "1001")),
               (15.1, CallEvent(.bridged, agent: "1001")), (75.1, CallEvent(.unbridged, agent: "1001", detail: "agent")), (75.2, CallEvent(.hangup, cause: 16))]
            : [(0, CallEvent(.arrived, detail: "main")), (2, CallEvent(.queued, queue: "sales")), (40, CallEvent(.abandoned, queue: "sales")),
               (40, CallEvent(.hangup, detail: "caller"))]
        for (offset, event) in steps {
            var event = event
            event.at = start.addingTimeInterval(offset)
            journey.add(event)
        }
        return (journey.finished(), journey.events)
    }

    @Test func listFiltersAndShowPrintsTheJourneyInOrder() async throws {
        let setup = try Setup()
        let store = try await Store.open(path: setup.folder + "/sb.db")
        try await store.saveJourneys([
            Self.journey("u1", at: Self.ten, answered: true), Self.journey("u2", at: Self.ten.addingTimeInterval(600), answered: false),
            Self.journey("u3", at: Self.ten.addingTimeInterval(86_400), answered: true),
        ])
        store.close()

        let all = await setup.run(["calls", "list"])
        #expect(all.code == 0, "\(all.err)")
        let rows = all.out.split(separator: "\n")
        #expect(rows.count == 4)
        #expect(rows[1].hasPrefix("2026-11-25 10:00:00  u3"))
        #expect(rows[2].contains("u2") && rows[2].contains("abandoned") && rows[2].contains("38.0 s"))
        #expect(rows[3].contains("u1") && rows[3].contains("1001") && rows[3].contains("answered") && rows[3].contains("1:00"))

        let day = await setup.run(["calls", "list", "--since", "2026-11-24", "--until", "2026-11-25", "--agent", "1001", "--json"])
        let listed = try JSONSerialization.jsonObject(with: Data(day.out.utf8)) as? [[String: Any]]
        #expect(listed?.compactMap { $0["uniqueID"] as? String } == ["u1"], "\(day.out)\(day.err)")
        let csv = await setup.run(["calls", "list", "--caller", "13800138000", "--outcome", "abandoned", "--csv"])
        let lines = csv.out.split(separator: "\n")
        #expect(lines.count == 2 && lines[0].hasPrefix("uniqueid,linkedid,arrived,caller"))
        #expect(lines[1].hasPrefix("u2,l-u2,2026-11-24 10:10:00,+86 138 0013 8000,"), "\(csv.out)")
        let bad = await setup.run(["calls", "list", "--outcome", "lost"])
        #expect(bad.code == 64 && bad.err.contains("--outcome 'lost' is not one of answered, abandoned, short-abandoned"))
        let badTime = await setup.run(["calls", "list", "--since", "monday"])
        #expect(badTime.code == 64 && badTime.err.contains("--since 'monday' is not a time"))

        let shown = await setup.run(["calls", "show", "u1"])
        #expect(shown.code == 0, "\(shown.err)")
        let text = shown.out
        for part in ["call u1 (linkedid l-u1)", "outcome    answered", "agent      1001", "times      wait 10.0 s, ring 3.0 s, talk 1:00", "by agent, cause 16 (normal clearing)"] {
            #expect(text.contains(part), "\(part) in:\n\(text)")
        }
        let steps = text.split(separator: "\n").filter { $0.hasPrefix("  10:0") }.map { $0.split(separator: " ", omittingEmptySubsequences: true)[2] }
        #expect(steps == ["arrived", "choice", "queued", "offered", "connected", "bridged", "unbridged", "hangup"], "\(text)")
        #expect(text.contains("  10:00:12.00  12.00  offered    support, agent 1001"), "\(text)")
        #expect(await setup.run(["calls", "show", "l-u2"]).out.contains("call u2"))
        let missing = await setup.run(["calls", "show", "nope"])
        #expect(missing.code == 1 && missing.err.contains("call nope (neither a uniqueid nor a linkedid in the history) not found"))
    }
}

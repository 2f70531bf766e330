import Core
import Foundation
import Store
import Testing
@testable import App
@testable import SwitchboardCLI

/// `switchboard tickets` on a real SQLite file, with a tickets file whose SLA runs on the
/// flows' own opening hours.
@Suite struct TicketsCommandTests {
    final class Setup {
        let folder = temporaryPath("tickets-cli")
        var config: String { folder + "/sb.conf" }

        init() throws {
            try FileManager.default.createDirectory(atPath: folder + "/flows", withIntermediateDirectories: true)
            try "[flow]\nstart = hours\nholidays = holidays.conf\n[hours]\ntype = condition\nwhen = weekdays, 09:00-18:00, not holiday\nthen = bye\nelse = bye\n[bye]\ntype = hangup\n"
                .write(toFile: folder + "/flows/main.conf", atomically: true, encoding: .utf8)
            try "[holidays]\n2026-12-25 => Christmas\n".write(toFile: folder + "/flows/holidays.conf", atomically: true, encoding: .utf8)
            try "[general]\nbusiness_hours = main/hours\n[abandoned]\n[sla-urgent]\npriority = urgent\nresolution = 2h\n[sla-standard]\nfirst_response = 4h\nresolution = 16h\n"
                .write(toFile: folder + "/tickets.conf", atomically: true, encoding: .utf8)
            try "[support]\nskills = support:2\n".write(toFile: folder + "/queues.conf", atomically: true, encoding: .utf8)
            try "[general]\ndatabase = sb.db\ntimezone = Asia/Shanghai\ncountry_code = 86\nnational_length = 11\n[ivr]\nflows = flows\n[acd]\nqueues = queues.conf\n[tickets]\nrules = tickets.conf\n"
                .write(toFile: config, atomically: true, encoding: .utf8)
        }

        func run(_ words: [String]) async -> (code: Int32, out: String, err: String) {
            let capture = CapturedTerminal()
            let code = await Switchboard.run(words + ["--config", config], terminal: capture.terminal)
            return (code, capture.standardOutput, capture.standardError)
        }

        deinit { try? FileManager.default.removeItem(atPath: folder) }
    }

    @Test func aTicketsLifeFromTheCommandLine() async throws {
        let setup = try Setup()
        let created = await setup.run(["tickets", "create", "--subject", "Router broken", "--phone", "+86 138 0013 8000", "--queue", "support", "--json"])
        #expect(created.code == 0, "\(created.err)")
        let ticket = try JSONDecoder.iso8601.decode(Ticket.self, from: Data(created.out.utf8))
        #expect(ticket.number == "T-000001" && ticket.slaPolicy == "standard" && ticket.assignee == .queue("support"))
        // Due in 16 open hours of the flow's opening hours: never at night, never on a weekend.
        let due = try #require(ticket.resolutionDue)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Shanghai")!
        let parts = calendar.dateComponents([.weekday, .hour, .minute], from: due)
        #expect((2...6).contains(parts.weekday!) && (9...18).contains(parts.hour!), "due \(due)")

        #expect(await setup.run(["tickets", "create", "--subject", "Line down", "--priority", "urgent"]).out.hasPrefix("T-000002 created, to be resolved by "))
        #expect(await setup.run(["tickets", "comment", "T-000001", "called, left a message"]).out == "T-000001: new, normal, queue:support\n")
        #expect(await setup.run(["tickets", "pending", "1"]).out == "T-000001: pending, normal, queue:support\n")
        let list = await setup.run(["tickets", "list"])
        #expect(list.out.split(separator: "\n").map { $0.split(separator: " ").prefix(2).joined(separator: " ") } == ["TICKET STATUS", "T-000002 new", "T-000001 pending"])
        let byPhone = await setup.run(["tickets", "list", "--phone", "13800138000", "--csv"])
        #expect(byPhone.out.hasPrefix("number,status,priority,assignee,phone,resolution_due,overdue,subject\nT-000001,pending,"))
        #expect(await setup.run(["tickets", "search", "message"]).out.contains("T-000001"))
        #expect(await setup.run(["tickets", "solve", "1", "--comment", "fixed remotely"]).code == 0)
        #expect(await setup.run(["tickets", "list"]).out.contains("T-000001") == false)
        #expect(await setup.run(["tickets", "list", "--all"]).out.contains("T-000001 "))
        let shown = await setup.run(["tickets", "show", "T-000001"])
        #expect(shown.out.hasPrefix("T-000001  Router broken\nstatus:     solved\n"))
        let fields = shown.out.split(separator: "\n").compactMap { line in line.hasPrefix("2026") || line.hasPrefix("2027") ? line.split(separator: " ").dropFirst(3).first.map(String.init) : nil }
        // Pending stops the clock (the due times go), solving from pending runs it again.
        #expect(fields == ["created", "first-response", "comment", "status", "first-response-due", "resolution-due", "status", "resolution-due", "comment"])
    }

    @Test func badInputIsNamedAndWritesNothing() async throws {
        let setup = try Setup()
        #expect(await setup.run(["tickets", "create", "--subject", "x", "--queue", "support"]).code == 0)
        let unknownQueue = await setup.run(["tickets", "assign", "1", "--queue", "nowhere"])
        #expect(unknownQueue.code == 1 && unknownQueue.err == "switchboard: error: no queue 'nowhere' (queues: support)\n")
        let unknownAgent = await setup.run(["tickets", "assign", "1", "--agent", "9999"])
        #expect(unknownAgent.code == 1 && unknownAgent.err.contains("agent 9999"))
        let unknownTicket = await setup.run(["tickets", "solve", "T-000042"])
        #expect(unknownTicket.code == 1 && unknownTicket.err.contains("ticket T-000042"))
        #expect(await setup.run(["tickets", "close", "1"]).code == 0)
        let illegal = await setup.run(["tickets", "pending", "1"])
        #expect(illegal.code == 1 && illegal.err == "switchboard: error: ticket T-000001 is closed: it cannot become pending (a closed ticket can only be reopened)\n")
        #expect(await setup.run(["tickets", "show", "ABC"]).code == 64)
        #expect(await setup.run(["tickets", "create", "--phone", "1"]).err.hasPrefix("switchboard: a ticket needs --subject"))
        #expect(await setup.run(["tickets", "list", "--status", "done"]).code == 64)
        // Only creation and the close were written.
        let store = try await Store.open(path: setup.folder + "/sb.db", readOnly: true)
        defer { store.close() }
        let fields = try await store.ticketHistory(id: 1).map(\.field)
        #expect(fields == ["created", "status", "first-response"], "\(fields)")
    }

    @Test func aBrokenTicketsFileIsNamedByLine() async throws {
        let setup = try Setup()
        try "[general]\nbusiness_hours = main\n[sla-x]\nresolution = soon\n[abandon]\n[retention]\ncomplaint = forever\n".write(toFile: setup.folder + "/tickets.conf", atomically: true, encoding: .utf8)
        let result = await setup.run(["tickets", "create", "--subject", "x"])
        #expect(result.code == 1)
        #expect(result.err.contains("tickets.conf:2: business_hours: 'main' is not FLOW/NODE"), "\(result.err)")
        #expect(result.err.contains("tickets.conf:4: resolution: 'soon' is not a time"), "\(result.err)")
        #expect(result.err.contains("tickets.conf:5: [abandon] is not general, wrapup, survey, retention, escalate-NAME, a rule"), "\(result.err)")
        #expect(result.err.contains("tickets.conf:7: complaint: 'forever' is not a number of days such as 730d"), "\(result.err)")
    }
}

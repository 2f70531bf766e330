import Core
import Foundation
import Simulator
import Store
import Testing
@testable import App

/// Tickets made by the running server from simulated calls: an abandon is one ticket, a short
/// abandon none, a repeat caller's call joins their ticket, and a restart makes no duplicate.
@Suite(.timeLimit(.minutes(1))) struct TicketsEndToEndTests {
    @Test func abandonedCallsBecomeOneTicketEachAndRepeatCallersJoinTheirs() async throws {
        var served = try await LiveViewTests.Served(
            extraConfig: "[tickets]\nrules = tickets.conf\n",
            files: ["tickets.conf": "[abandoned]\npriority = high\n[sla-any]\nresolution = 4h\n"]
        )
        let pbx = try served.pbx()
        // 2 s in the queue (its short-abandon threshold is 1 s): a ticket. Half a second: none.
        _ = try await pbx.call(from: "13800000001", dnis: "400", caller: CallerScript(hangupAfter: 2))
        _ = try await pbx.call(from: "13900000002", dnis: "400", caller: CallerScript(hangupAfter: 0.5))
        let store = try await Store.open(path: served.folder + "/sb.db", readOnly: true)
        defer { store.close() }
        var tickets: [Ticket] = []
        for _ in 0..<500 where tickets.isEmpty {
            tickets = try await store.tickets(TicketFilter())
            if tickets.isEmpty { try await Task.sleep(for: .milliseconds(10)) }
        }
        #expect(tickets.count == 1)
        let ticket = try #require(tickets.first)
        #expect(ticket.phone == "13800000001" && ticket.priority == .high && ticket.queue == "support" && ticket.createdBy == "rule:abandoned")
        #expect(ticket.subject.hasPrefix("Call back 13800000001: hung up in support after "))
        #expect(ticket.resolutionDue == ticket.createdAt.addingTimeInterval(4 * 3600))
        let first = try #require(ticket.calls.first)
        #expect(first.rule == "abandoned" && ticket.calls.count == 1)

        // The same caller again, after a restart: the call joins the open ticket.
        served = try await served.restart()
        let again = try served.pbx()
        _ = try await again.call(from: "13800000001", dnis: "400", caller: CallerScript(hangupAfter: 2))
        var calls: [TicketCall] = []
        for _ in 0..<500 where calls.count < 2 {
            calls = try await store.ticket(id: ticket.id)?.calls ?? []
            if calls.count < 2 { try await Task.sleep(for: .milliseconds(10)) }
        }
        try await served.stop()
        #expect(calls.count == 2 && calls[0].uniqueID == first.uniqueID && calls[1].uniqueID != first.uniqueID)
        #expect(try await store.tickets(TicketFilter()).count == 1)
        // Every call is in the history, and the tickets were written before the server stopped.
        let call = try #require(try await store.calls(CallFilter()).first { $0.uniqueID == first.uniqueID })
        #expect(call.outcome == .abandoned)
    }
}

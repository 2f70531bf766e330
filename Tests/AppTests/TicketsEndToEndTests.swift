import Core
import Foundation
import Simulator
import Store
import Testing
@testable import App

/// Tickets made by the running server from simulated calls: an abandon is one ticket, a short
/// abandon none, a repeat caller's call joins their ticket, a restart makes no duplicate, and
/// the agent who answers the caller sees the ticket on their phone.
@Suite(.timeLimit(.minutes(1))) struct TicketsEndToEndTests {
    @Test func abandonedCallsBecomeOneTicketEachAndRepeatCallersJoinTheirs() async throws {
        var served = try await LiveViewTests.Served(
            extraConfig: "[acd](+)\nagents = agents.conf\nlogin_at_start = yes\n[tickets]\nrules = tickets.conf\n",
            files: [
                "tickets.conf": "[abandoned]\npriority = high\n[sla-any]\nresolution = 4h\n",
                "queues.conf": "[support]\nskills = support:2\nshort_abandon = 1\nring_timeout = 1\nmax_misses = 100\n",
                "agents.conf": "[1001]\nname = Li\nendpoint = PJSIP/1001\nskills = support:3\n",
            ]
        )
        // The agent's phone is busy until the end: callers wait, and hang up.
        let pbx = try served.pbx(["PJSIP/1001": .busy])
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
        let again = try served.pbx(["PJSIP/1001": .busy])
        _ = try await again.call(from: "13800000001", dnis: "400", caller: CallerScript(hangupAfter: 2))
        var calls: [TicketCall] = []
        for _ in 0..<500 where calls.count < 2 {
            calls = try await store.ticket(id: ticket.id)?.calls ?? []
            if calls.count < 2 { try await Task.sleep(for: .milliseconds(10)) }
        }
        #expect(calls.count == 2 && calls[0].uniqueID == first.uniqueID && calls[1].uniqueID != first.uniqueID)
        // Now the agent answers: their phone shows the caller's name and open ticket.
        let answered = try await served.pbx(["PJSIP/1001": .answers(after: 0.2, talk: 0.5)])
            .call(from: "13800000001", name: "Zhou Min", dnis: "400", caller: CallerScript(hangupAfter: 30))
        #expect(answered.answeredBy == "PJSIP/1001")
        #expect(answered.variables["CALLERID(name)"] == "Zhou Min \(ticket.number)")
        try await served.stop()
        let all = try await store.tickets(TicketFilter())
        #expect(all.count == 1, "\(all.map { "\($0.number) \($0.createdBy): \($0.subject) \($0.calls.map(\.uniqueID))" })")
        // Every call is in the history, and the tickets were written before the server stopped.
        let call = try #require(try await store.calls(CallFilter()).first { $0.uniqueID == first.uniqueID })
        #expect(call.outcome == .abandoned)
    }
}

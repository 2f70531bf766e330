import Core
import Foundation
import SQLite
import Testing
@testable import Store

/// Tickets in a real SQLite file: created once per call and rule, found by any way of writing
/// the number, listed by status, queue, assignee and due time, with a history nobody rewrites.
@Suite struct TicketStoreTests {
    static let plan = PhoneNumberPlan(countryCode: "86", nationalPrefix: "0", internationalPrefix: "00", maximumNationalLength: 11)
    static let t0 = Date(timeIntervalSince1970: 1_796_608_800)

    static func draft(_ subject: String = "Call back", phone: String? = "+86 138-0013-8000", queue: String? = "support", call: String? = nil) -> TicketDraft {
        TicketDraft(
            subject: subject, category: "abandoned", priority: .normal, phone: phone, assignee: queue.map(TicketAssignee.queue), queue: queue,
            createdBy: call == nil ? "user:ana" : "rule:abandoned", call: call.map { TicketCall(uniqueID: $0, rule: "abandoned", at: t0) }
        )
    }

    @Test func aCallMakesOneTicketPerRuleHoweverOftenItIsTold() async throws {
        let temp = try TemporaryDatabase()
        let store = try await Store.open(path: temp.path, plan: Self.plan)
        defer { store.close() }
        let first = try #require(try await store.createTicket(Self.draft(call: "1795460400.7"), resolutionDue: Self.t0.addingTimeInterval(3600), at: Self.t0))
        #expect(first.number == "T-000001")
        #expect(first.status == .new && first.resolutionDue == Self.t0.addingTimeInterval(3600))
        #expect(first.calls == [TicketCall(uniqueID: "1795460400.7", rule: "abandoned", at: Self.t0)])
        #expect(try await store.createTicket(Self.draft(call: "1795460400.7"), at: Self.t0) == nil)
        #expect(try await store.linkCall(ticketID: first.id, TicketCall(uniqueID: "1795460400.7", rule: "abandoned", at: Self.t0), who: "rule:abandoned") == false)
        // Another rule may link the same call.
        #expect(try await store.linkCall(ticketID: first.id, TicketCall(uniqueID: "1795460400.7", rule: "voicemail", at: Self.t0), files: [TicketFile(path: "/v/1.wav", kind: .voicemail)], who: "rule:voicemail"))
        let linked = try #require(try await store.ticket(id: first.id))
        #expect(linked.calls.count == 2 && linked.files == [TicketFile(path: "/v/1.wav", kind: .voicemail)])
        #expect(try await store.tickets(TicketFilter()).count == 1)
        #expect(try await store.ticketHistory(id: first.id).map(\.field) == ["created", "call"])
    }

    @Test func aCallersOpenTicketsAreFoundHoweverTheNumberIsWritten() async throws {
        let temp = try TemporaryDatabase()
        let store = try await Store.open(path: temp.path, plan: Self.plan)
        defer { store.close() }
        let open = try #require(try await store.createTicket(Self.draft("first"), at: Self.t0))
        let solved = try #require(try await store.createTicket(Self.draft("second"), at: Self.t0))
        try await store.updateTicket(id: solved.id, who: "user:ana") { var t = $0; t.status = .solved; return t }
        _ = try await store.createTicket(Self.draft("someone else", phone: "13900000000"), at: Self.t0)
        for written in ["13800138000", "008613800138000", "+86 138 0013 8000"] {
            #expect(try await store.openTickets(phone: written).map(\.id) == [open.id], "\(written)")
        }
        #expect(try await store.tickets(TicketFilter(phone: "13800138000")).map(\.id) == [solved.id, open.id])
        #expect(try await store.openTickets(phone: "not a number").isEmpty)
        await #expect(throws: StoreError.self) { try await store.tickets(TicketFilter(phone: "abc")) }
    }

    @Test func listsByStatusQueueAssigneeTextAndOverdue() async throws {
        let temp = try TemporaryDatabase()
        let store = try await Store.open(path: temp.path, plan: Self.plan)
        defer { store.close() }
        try await store.addAgent(Agent(id: "1001", name: "Li", endpoint: "PJSIP/1001", skills: [:]))
        let late = try #require(try await store.createTicket(Self.draft("printer on fire"), resolutionDue: Self.t0.addingTimeInterval(-60), at: Self.t0))
        let unanswered = try #require(try await store.createTicket(Self.draft("no dial tone", queue: "sales"), firstResponseDue: Self.t0.addingTimeInterval(-1), at: Self.t0))
        let fine = try #require(try await store.createTicket(Self.draft("invoice"), resolutionDue: Self.t0.addingTimeInterval(3600), at: Self.t0))
        try await store.updateTicket(id: fine.id, who: "user:ana", comment: "the printer is fine now") { var t = $0; t.assignee = .agent("1001"); return t }
        // Most overdue first: a minute late before a second late.
        #expect(try await store.tickets(TicketFilter(overdueAt: Self.t0)).map(\.id) == [late.id, unanswered.id])
        #expect(try await store.tickets(TicketFilter(queue: "sales", overdueAt: Self.t0)).map(\.id) == [unanswered.id])
        #expect(try await store.tickets(TicketFilter(overdueAt: Self.t0, limit: 1)).map(\.id) == [late.id])
        #expect(try await store.tickets(TicketFilter(queue: "sales")).map(\.id) == [unanswered.id])
        #expect(try await store.tickets(TicketFilter(assignee: .agent("1001"))).map(\.id) == [fine.id])
        #expect(try await store.tickets(TicketFilter(statuses: [.new])).count == 3)
        #expect(try await store.tickets(TicketFilter(text: "printer")).map(\.id) == [fine.id, late.id])
        #expect(try await store.tickets(TicketFilter(text: "100%")).isEmpty)
        // Pending stops the clock: not overdue.
        try await store.updateTicket(id: late.id, who: "user:ana") { var t = $0; t.status = .pending; return t }
        #expect(try await store.tickets(TicketFilter(overdueAt: Self.t0)).map(\.id) == [unanswered.id])
    }

    @Test func everyChangeIsKeptWithWhoAndOldAndNew() async throws {
        let temp = try TemporaryDatabase()
        let store = try await Store.open(path: temp.path, plan: Self.plan)
        defer { store.close() }
        let ticket = try #require(try await store.createTicket(Self.draft(), at: Self.t0))
        let later = Self.t0.addingTimeInterval(60)
        try await store.updateTicket(id: ticket.id, who: "user:ana", at: later, comment: "called, no answer") { var t = $0; t.status = .open; t.priority = .high; return t }
        let history = try await store.ticketHistory(id: ticket.id)
        #expect(history.map { "\($0.who) \($0.field) \($0.old ?? "-") → \($0.new ?? "-")" } == [
            "user:ana created - → Call back", "user:ana status new → open", "user:ana priority normal → high", "user:ana comment - → called, no answer",
        ])
        #expect(history.last?.at == later)
        // Nothing changed: nothing written.
        try await store.updateTicket(id: ticket.id, who: "user:ana") { $0 }
        #expect(try await store.ticketHistory(id: ticket.id).count == 4)
        // Unknown ticket and agent, an empty subject: errors, nothing written.
        await #expect(throws: StoreError.self) { try await store.updateTicket(id: 99, who: "user:ana") { $0 } }
        await #expect(throws: StoreError.self) { try await store.updateTicket(id: ticket.id, who: "user:ana") { var t = $0; t.assignee = .agent("nobody"); return t } }
        await #expect(throws: StoreError.self) { try await store.createTicket(Self.draft("  "), at: Self.t0) }
        #expect(try await store.ticket(id: ticket.id)?.assignee == .queue("support"))
    }

    /// The history is only appended to: editing or deleting a row in the file is refused.
    @Test func theHistoryCannotBeRewritten() async throws {
        let temp = try TemporaryDatabase()
        let store = try await Store.open(path: temp.path, plan: Self.plan)
        let ticket = try #require(try await store.createTicket(Self.draft(), at: Self.t0))
        store.close()
        let db = try Database(path: temp.path)
        #expect(throws: SQLiteError.self) { try db.execute("UPDATE ticket_history SET who = 'someone' WHERE ticket_id = ?", [ticket.id]) }
        #expect(throws: SQLiteError.self) { try db.execute("DELETE FROM ticket_history WHERE ticket_id = ?", [ticket.id]) }
        #expect(try db.queryFirst("SELECT who FROM ticket_history WHERE ticket_id = ?", [ticket.id]) { row -> String in try row.value(0) } == "user:ana")
    }
}

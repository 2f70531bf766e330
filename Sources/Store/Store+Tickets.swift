import Core
import Foundation
import SQLite

extension Store {
    /// Writes a new ticket with its first history row, its call and its files, in one
    /// transaction. With a call, at most one ticket per call and rule: nil when that call is
    /// linked under that rule already (a repeated event, a reconnect, a restart).
    public func createTicket(_ draft: TicketDraft, slaPolicy: String? = nil, firstResponseDue: Date? = nil, resolutionDue: Date? = nil, at: Date = Date()) throws -> Ticket? {
        try validate(draft.subject, assignee: draft.assignee)
        let id: Int64? = try db.transaction {
            if let call = draft.call, try TicketTable.isLinked(db, uniqueID: call.uniqueID, rule: call.rule) { return nil }
            let id = try TicketTable.insert(
                db, draft, status: .new, sla: (slaPolicy, [firstResponseDue, resolutionDue]), phoneKey: draft.phone.flatMap(plan.key), at: at
            )
            try TicketTable.append(db, ticketID: id, TicketChange(at: at, who: draft.createdBy, field: "created", new: draft.subject))
            if let call = draft.call { _ = try TicketTable.link(db, ticketID: id, call) }
            for file in draft.files { try TicketTable.linkFile(db, ticketID: id, file) }
            return id
        }
        return try id.flatMap { try TicketTable.ticket(db, id: $0) }
    }

    /// Links a call (and its files) to a ticket, noted in its history; false when that call is
    /// linked under that rule already.
    @discardableResult
    public func linkCall(ticketID: Int64, _ call: TicketCall, files: [TicketFile] = [], who: String, at: Date = Date()) throws -> Bool {
        try db.transaction {
            guard try TicketTable.ticket(db, id: ticketID) != nil else { throw StoreError.notFound("ticket \(TicketNumber.text(ticketID))") }
            guard try TicketTable.link(db, ticketID: ticketID, call) else { return false }
            for file in files { try TicketTable.linkFile(db, ticketID: ticketID, file) }
            try TicketTable.append(db, ticketID: ticketID, TicketChange(at: at, who: who, field: "call", new: "\(call.uniqueID) (\(call.rule))"))
            try db.execute("UPDATE tickets SET updated_at = ? WHERE id = ?", [at, ticketID])
            return true
        }
    }

    public func ticket(id: Int64) throws -> Ticket? { try TicketTable.ticket(db, id: id) }

    /// The tickets a call is linked to, newest first.
    public func tickets(linkedTo uniqueID: String) throws -> [Ticket] {
        try TicketTable.ids(db, linkedTo: uniqueID).compactMap { try TicketTable.ticket(db, id: $0) }
    }

    /// Every change of a ticket, oldest first.
    public func ticketHistory(id: Int64) throws -> [TicketChange] { try TicketTable.history(db, ticketID: id) }

    /// Tickets matching the filter, newest first.
    public func tickets(_ filter: TicketFilter) throws -> [Ticket] {
        var phoneKey: String?
        if let phone = filter.phone {
            guard let key = plan.key(phone) else { throw StoreError.invalid("'\(phone)' is not a phone number") }
            phoneKey = key
        }
        return try TicketTable.tickets(db, filter, phoneKey: phoneKey)
    }

    /// A caller's open tickets (new, open, pending), newest first: what every call's start asks.
    public func openTickets(phone: String) throws -> [Ticket] {
        guard let key = plan.key(phone) else { return [] }
        return try TicketTable.tickets(db, TicketFilter(statuses: [.new, .open, .pending], limit: 20), phoneKey: key)
    }

    /// Changes a ticket: `change` gets it as stored and returns it changed, or throws to leave it
    /// as it was. Each field that changed, and `comment`, goes into the history as `who`'s, in
    /// the same transaction.
    @discardableResult
    public func updateTicket(id: Int64, who: String, at: Date = Date(), comment: String? = nil, _ change: (Ticket) throws -> Ticket) throws -> Ticket {
        try db.transaction {
            guard let old = try TicketTable.ticket(db, id: id) else { throw StoreError.notFound("ticket \(TicketNumber.text(id))") }
            var new = try change(old)
            try validate(new.subject, assignee: new.assignee)
            let changes = TicketTable.changes(from: old, to: new, who: who, at: at)
                + (comment.map { [TicketChange(at: at, who: who, field: "comment", new: $0)] } ?? [])
            guard !changes.isEmpty else { return old }
            new.updatedAt = at
            try TicketTable.update(db, new)
            for change in changes { try TicketTable.append(db, ticketID: id, change) }
            return new
        }
    }

    /// Writes tickets as they are, with their calls, in one transaction, each history starting
    /// with an `imported` row (imports from another system, benchmarks).
    public func importTickets(_ tickets: [Ticket], who: String, at: Date = Date()) throws {
        try db.transaction {
            for ticket in tickets {
                try TicketTable.insertWhole(db, ticket, phoneKey: ticket.phone.flatMap(plan.key))
                for call in ticket.calls { _ = try TicketTable.link(db, ticketID: ticket.id, call) }
                try TicketTable.append(db, ticketID: ticket.id, TicketChange(at: at, who: who, field: "imported", new: ticket.subject))
            }
        }
    }

    /// Open tickets with a due time before `before` (new or open; the first response not yet
    /// made for its due time): those an escalation step may be due for. With the steps fired.
    public func ticketsToEscalate(dueBefore before: Date, limit: Int = 1000) throws -> [(ticket: Ticket, fired: Set<String>)] {
        let ids = try db.query(
            """
            SELECT id FROM tickets WHERE status IN ('new', 'open') AND resolution_due < ?
            UNION SELECT id FROM tickets WHERE status IN ('new', 'open') AND first_response_at IS NULL AND first_response_due < ?
            LIMIT ?
            """,
            [before, before, limit]
        ) { row -> Int64 in try row.value(0) }
        return try ids.compactMap { id in
            guard let ticket = try TicketTable.ticket(db, id: id) else { return nil }
            let fired = try db.query("SELECT step FROM ticket_escalations WHERE ticket_id = ?", [id]) { row -> String in try row.value(0) }
            return (ticket, Set(fired))
        }
    }

    /// Fires escalation step `step` on a ticket: kept as fired and the ticket changed by
    /// `change`, in one transaction, so a step fires once even across a crash or a restart.
    /// Nil when it had fired already.
    public func escalate(ticketID: Int64, step: String, at: Date = Date(), _ change: (Ticket) -> Ticket) throws -> Ticket? {
        try db.transaction {
            try db.execute("INSERT OR IGNORE INTO ticket_escalations (ticket_id, step, fired_at) VALUES (?, ?, ?)", [ticketID, step, at])
            guard db.changes == 1, let old = try TicketTable.ticket(db, id: ticketID) else { return nil }
            var new = change(old)
            let who = "escalation:\(step)"
            let changes = TicketTable.changes(from: old, to: new, who: who, at: at) + [TicketChange(at: at, who: who, field: "escalated", new: step)]
            new.updatedAt = at
            try TicketTable.update(db, new)
            for change in changes { try TicketTable.append(db, ticketID: ticketID, change) }
            return new
        }
    }

    /// A survey call owed for a solved ticket, from `at` on; nothing when one is owed or was made already.
    public func scheduleSurvey(ticketID: Int64, at: Date) throws {
        try db.transaction {
            try db.execute("INSERT OR IGNORE INTO ticket_surveys (ticket_id, state, next_at) VALUES (?, 'due', ?)", [ticketID, at])
        }
    }

    /// Survey calls due at `now`, with the ticket's number to call; surveys of tickets no longer solved are dropped.
    public func surveysDue(at now: Date, limit: Int = 100) throws -> [TicketSurvey] {
        try db.transaction {
            try db.execute(
                """
                UPDATE ticket_surveys SET state = 'dropped' WHERE state = 'due' AND next_at <= ?
                    AND ticket_id IN (SELECT id FROM tickets WHERE status != 'solved' OR phone IS NULL)
                """,
                [now]
            )
            return try db.query(
                """
                SELECT s.ticket_id, t.phone, s.tries, s.next_at FROM ticket_surveys s JOIN tickets t ON t.id = s.ticket_id
                WHERE s.state = 'due' AND s.next_at <= ? ORDER BY s.next_at LIMIT ?
                """,
                [now, limit]
            ) { row in TicketSurvey(ticketID: try row.value(0), phone: try row.value(1), tries: try row.value(2), nextAt: try row.value(3)) }
        }
    }

    /// A survey call is being placed with `uniqueID`: counted as a try, the next try not before
    /// `retryAt`, or none after `maxTries`.
    public func surveyCalling(ticketID: Int64, uniqueID: String, retryAt: Date, maxTries: Int) throws {
        try db.transaction {
            try db.execute(
                """
                UPDATE ticket_surveys SET tries = tries + 1, uniqueid = ?, next_at = ?,
                    state = CASE WHEN tries + 1 >= ? THEN 'tries-used' ELSE 'due' END
                WHERE ticket_id = ?
                """,
                [uniqueID, retryAt, maxTries, ticketID]
            )
        }
    }

    /// Answers given on a survey call: kept on its ticket (history) and the survey done. False
    /// when the call was no ticket's survey.
    @discardableResult
    public func ticketSurveyAnswered(uniqueID: String, answers: [Int], at: Date = Date()) throws -> Bool {
        try db.transaction {
            guard let ticketID = try db.queryFirst("SELECT ticket_id FROM ticket_surveys WHERE uniqueid = ?", [uniqueID], { row -> Int64 in try row.value(0) }) else { return false }
            let text = answers.map(String.init).joined(separator: ",")
            try db.execute("UPDATE ticket_surveys SET state = 'done', answers = ? WHERE ticket_id = ?", [text, ticketID])
            try TicketTable.append(db, ticketID: ticketID, TicketChange(at: at, who: "customer", field: "survey", new: text))
            return true
        }
    }

    private func validate(_ subject: String, assignee: TicketAssignee?) throws {
        guard !subject.trimmingCharacters(in: .whitespaces).isEmpty else { throw StoreError.invalid("a ticket needs a subject") }
        if case .agent(let agent) = assignee, try AgentTable.all(db, id: agent).isEmpty { throw StoreError.notFound("agent \(agent)") }
    }
}

import Core
import Foundation
import SQLite

/// The SQL for tickets, their linked calls and files, and their history.
enum TicketTable {
    static let columns = """
        id, subject, category, priority, status, customer_id, phone, assignee, queue, sla_policy, first_response_due,
        resolution_due, first_response_left, resolution_left, first_response_at, created_at, created_by, updated_at, solved_at, closed_at
        """

    static func insert(_ db: Database, _ draft: TicketDraft, status: TicketStatus, sla: (policy: String?, due: [Date?]), phoneKey: String?, at: Date) throws -> Int64 {
        try db.execute(
            """
            INSERT INTO tickets (subject, category, priority, status, customer_id, phone, phone_key, assignee, queue, sla_policy,
                first_response_due, resolution_due, created_at, created_by, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [draft.subject, draft.category, draft.priority.rawValue, status.rawValue, draft.customerID, draft.phone, phoneKey,
             draft.assignee?.description, draft.queue, sla.policy, sla.due[0], sla.due[1], at, draft.createdBy, at]
        )
        return db.lastInsertRowID
    }

    /// Writes a ticket as it is, every column (imports, benchmarks).
    static func insertWhole(_ db: Database, _ ticket: Ticket, phoneKey: String?) throws {
        try db.execute(
            """
            INSERT INTO tickets (id, subject, category, priority, status, customer_id, phone, phone_key, assignee, queue, sla_policy,
                first_response_due, resolution_due, first_response_left, resolution_left, first_response_at, created_at, created_by,
                updated_at, solved_at, closed_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [ticket.id, ticket.subject, ticket.category, ticket.priority.rawValue, ticket.status.rawValue, ticket.customerID, ticket.phone,
             phoneKey, ticket.assignee?.description, ticket.queue, ticket.slaPolicy, ticket.firstResponseDue, ticket.resolutionDue,
             ticket.firstResponseLeft, ticket.resolutionLeft, ticket.firstResponseAt, ticket.createdAt, ticket.createdBy, ticket.updatedAt,
             ticket.solvedAt, ticket.closedAt]
        )
    }

    /// Writes every field a change may touch.
    static func update(_ db: Database, _ ticket: Ticket) throws {
        try db.execute(
            """
            UPDATE tickets SET subject = ?, category = ?, priority = ?, status = ?, customer_id = ?, assignee = ?, queue = ?, sla_policy = ?,
                first_response_due = ?, resolution_due = ?, first_response_left = ?, resolution_left = ?, first_response_at = ?,
                updated_at = ?, solved_at = ?, closed_at = ?
            WHERE id = ?
            """,
            [ticket.subject, ticket.category, ticket.priority.rawValue, ticket.status.rawValue, ticket.customerID, ticket.assignee?.description,
             ticket.queue, ticket.slaPolicy, ticket.firstResponseDue, ticket.resolutionDue, ticket.firstResponseLeft, ticket.resolutionLeft,
             ticket.firstResponseAt, ticket.updatedAt, ticket.solvedAt, ticket.closedAt, ticket.id]
        )
    }

    /// Links a call; false when that call is linked under that rule already.
    static func link(_ db: Database, ticketID: Int64, _ call: TicketCall) throws -> Bool {
        try db.execute("INSERT OR IGNORE INTO ticket_calls (uniqueid, rule, ticket_id, at) VALUES (?, ?, ?, ?)", [call.uniqueID, call.rule, ticketID, call.at])
        return db.changes == 1
    }

    static func linkFile(_ db: Database, ticketID: Int64, _ file: TicketFile) throws {
        try db.execute("INSERT OR IGNORE INTO ticket_files (ticket_id, path, kind) VALUES (?, ?, ?)", [ticketID, file.path, file.kind.rawValue])
    }

    /// Tickets a call is linked to, newest first.
    static func ids(_ db: Database, linkedTo uniqueID: String) throws -> [Int64] {
        try db.query("SELECT DISTINCT ticket_id FROM ticket_calls WHERE uniqueid = ? ORDER BY ticket_id DESC", [uniqueID]) { try $0.value(0) }
    }

    static func isLinked(_ db: Database, uniqueID: String, rule: String) throws -> Bool {
        try db.queryFirst("SELECT 1 FROM ticket_calls WHERE uniqueid = ? AND rule = ?", [uniqueID, rule]) { _ in true } ?? false
    }

    static func append(_ db: Database, ticketID: Int64, _ change: TicketChange) throws {
        try db.execute(
            "INSERT INTO ticket_history (ticket_id, at, who, field, old, new) VALUES (?, ?, ?, ?, ?, ?)",
            [ticketID, change.at, change.who, change.field, change.old, change.new]
        )
    }

    static func history(_ db: Database, ticketID: Int64) throws -> [TicketChange] {
        try db.query("SELECT at, who, field, old, new FROM ticket_history WHERE ticket_id = ? ORDER BY id", [ticketID]) { row in
            TicketChange(at: try row.value(0), who: try row.value(1), field: try row.value(2), old: row[3], new: row[4])
        }
    }

    /// Tickets matching `filter`, newest first (overdue ones: most overdue first), with their calls and files.
    static func tickets(_ db: Database, _ filter: TicketFilter, phoneKey: String?) throws -> [Ticket] {
        var conditions: [String] = []
        var arguments: [any SQLBindable] = []
        if let statuses = filter.statuses {
            conditions.append("status IN (\(statuses.map { _ in "?" }.joined(separator: ", ")))")
            arguments += statuses.map(\.rawValue)
        }
        if let queue = filter.queue {
            conditions.append("queue = ?")
            arguments.append(queue)
        }
        if let assignee = filter.assignee {
            conditions.append("assignee = ?")
            arguments.append(assignee.description)
        }
        if let customerID = filter.customerID {
            conditions.append("customer_id = ?")
            arguments.append(customerID)
        }
        if let phoneKey {
            // The partial index holds open tickets only; others are found by scanning.
            conditions.append(filter.statuses.map { Set($0).isSubset(of: [.new, .open, .pending]) } == true
                ? "phone_key = ? AND status IN ('new', 'open', 'pending')" : "phone_key = ?")
            arguments.append(phoneKey)
        }
        if let text = filter.text {
            let pattern = "%" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%"
            conditions.append("""
                (subject LIKE ? ESCAPE '\\' OR id IN (SELECT ticket_id FROM ticket_history WHERE field = 'comment' AND new LIKE ? ESCAPE '\\'))
                """)
            arguments += [pattern, pattern]
        }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        guard let now = filter.overdueAt else {
            let found = try db.query("SELECT \(columns) FROM tickets \(whereClause) ORDER BY id DESC LIMIT ?", arguments + [filter.limit], ticket)
            return try attach(db, found)
        }
        // Overdue: the most overdue first. Each due time is walked in order along its partial
        // index, stopping at a page, so the page costs the same however many tickets are late.
        // The indexes are named: left to itself SQLite takes tickets_status and sorts every open ticket.
        let also = conditions.isEmpty ? "" : " AND " + conditions.joined(separator: " AND ")
        let found = try db.query(
            """
            SELECT \(columns) FROM tickets WHERE id IN (
                SELECT id FROM (SELECT id FROM tickets INDEXED BY tickets_resolution_due
                    WHERE status IN ('new', 'open') AND resolution_due < ?\(also) ORDER BY resolution_due LIMIT ?)
                UNION
                SELECT id FROM (SELECT id FROM tickets INDEXED BY tickets_response_due
                    WHERE status IN ('new', 'open') AND first_response_at IS NULL AND first_response_due < ?\(also) ORDER BY first_response_due LIMIT ?)
            )
            ORDER BY MIN(IFNULL(resolution_due, 1e18), IIF(first_response_at IS NULL, IFNULL(first_response_due, 1e18), 1e18)), id LIMIT ?
            """,
            [now] + arguments + [filter.limit, now] + arguments + [filter.limit, filter.limit], ticket
        )
        return try attach(db, found)
    }

    static func ticket(_ db: Database, id: Int64) throws -> Ticket? {
        guard let found = try db.queryFirst("SELECT \(columns) FROM tickets WHERE id = ?", [id], ticket) else { return nil }
        return try attach(db, [found]).first
    }

    /// The tickets with their calls and files: two queries for the whole list, not two per ticket.
    private static func attach(_ db: Database, _ tickets: [Ticket]) throws -> [Ticket] {
        guard !tickets.isEmpty else { return [] }
        let ids = tickets.map(\.id)
        let marks = ids.map { _ in "?" }.joined(separator: ", ")
        var calls: [Int64: [TicketCall]] = [:]
        for (id, call) in try db.query("SELECT ticket_id, uniqueid, rule, at FROM ticket_calls WHERE ticket_id IN (\(marks)) ORDER BY at", ids, { row in
            (try row.value(0) as Int64, TicketCall(uniqueID: try row.value(1), rule: try row.value(2), at: try row.value(3)))
        }) { calls[id, default: []].append(call) }
        var files: [Int64: [TicketFile]] = [:]
        for (id, file) in try db.query("SELECT ticket_id, path, kind FROM ticket_files WHERE ticket_id IN (\(marks)) ORDER BY path", ids, { row in
            (try row.value(0) as Int64, TicketFile(path: try row.value(1), kind: TicketFile.Kind(rawValue: try row.value(2)) ?? .recording))
        }) { files[id, default: []].append(file) }
        return tickets.map { ticket in
            var ticket = ticket
            ticket.calls = calls[ticket.id] ?? []
            ticket.files = files[ticket.id] ?? []
            return ticket
        }
    }

    private static func ticket(_ row: Row) throws -> Ticket {
        // Optional columns by subscript: a NULL is nil, not an error.
        let priority: String = try row.value(3), status: String = try row.value(4), assignee: String? = row[7]
        return Ticket(
            id: try row.value(0), subject: try row.value(1), category: row[2],
            priority: TicketPriority(rawValue: priority) ?? .normal, status: TicketStatus(rawValue: status) ?? .open,
            customerID: row[5], phone: row[6], assignee: assignee.flatMap(TicketAssignee.init(parsing:)),
            queue: row[8], slaPolicy: row[9], firstResponseDue: row[10],
            resolutionDue: row[11], firstResponseLeft: row[12], resolutionLeft: row[13],
            firstResponseAt: row[14], createdAt: try row.value(15), createdBy: try row.value(16), updatedAt: try row.value(17),
            solvedAt: row[18], closedAt: row[19], calls: [], files: []
        )
    }

    /// The history rows a change from `old` to `new` writes, by `who` at `at`.
    static func changes(from old: Ticket, to new: Ticket, who: String, at: Date) -> [TicketChange] {
        var changes: [TicketChange] = []
        func compare(_ field: String, _ a: String?, _ b: String?) {
            if a != b { changes.append(TicketChange(at: at, who: who, field: field, old: a, new: b)) }
        }
        compare("status", old.status.rawValue, new.status.rawValue)
        compare("priority", old.priority.rawValue, new.priority.rawValue)
        compare("assignee", old.assignee?.description, new.assignee?.description)
        compare("queue", old.queue, new.queue)
        compare("subject", old.subject, new.subject)
        compare("category", old.category, new.category)
        compare("customer", old.customerID.map(String.init), new.customerID.map(String.init))
        let stamp = { (date: Date?) in date.map { ISO8601DateFormatter().string(from: $0) } }
        compare("first-response-due", stamp(old.firstResponseDue), stamp(new.firstResponseDue))
        compare("resolution-due", stamp(old.resolutionDue), stamp(new.resolutionDue))
        compare("first-response", stamp(old.firstResponseAt), stamp(new.firstResponseAt))
        return changes
    }
}

/// Which tickets a list shows.
public struct TicketFilter: Sendable {
    /// Nil: any status.
    public var statuses: [TicketStatus]?
    public var queue: String?
    public var assignee: TicketAssignee?
    public var customerID: Int64?
    /// Any way of writing the number.
    public var phone: String?
    /// Open and past a due time at this moment; the list is then the most overdue first.
    public var overdueAt: Date?
    /// In the subject or a comment.
    public var text: String?
    public var limit = 100

    public init(statuses: [TicketStatus]? = nil, queue: String? = nil, assignee: TicketAssignee? = nil, customerID: Int64? = nil, phone: String? = nil, overdueAt: Date? = nil, text: String? = nil, limit: Int = 100) {
        self.statuses = statuses
        self.queue = queue
        self.assignee = assignee
        self.customerID = customerID
        self.phone = phone
        self.overdueAt = overdueAt
        self.text = text
        self.limit = limit
    }
}

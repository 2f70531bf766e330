import Core
import Foundation
import SQLite

/// One row of the audit trail: who did what, as what, and how it ended.
public struct AuditEntry: Sendable, Codable, Equatable {
    public var id: Int64?
    public var at: Date
    /// `user:NAME` (a Unix user), `phone:AGENT` (an agent's feature code).
    public var user: String
    public var role: String
    public var command: String
    /// The arguments as given, secrets and sensitive digits already masked.
    public var arguments: String
    /// `ok`, or what went wrong.
    public var result: String

    public init(at: Date = Date(), user: String, role: String, command: String, arguments: String, result: String) {
        self.at = at
        self.user = user
        self.role = role
        self.command = command
        self.arguments = arguments
        self.result = result
    }

    /// The text a row's hash is taken over, chained to the one before.
    func chained(to previous: String) -> String {
        [previous, String(format: "%.6f", at.timeIntervalSince1970), user, role, command, arguments, result].joined(separator: "\u{1F}")
    }
}

/// Which audit rows `auditTrail` returns.
public struct AuditFilter: Sendable {
    public var since: Date?
    public var user: String?
    public var command: String?
    public var limit = 200

    public init(since: Date? = nil, user: String? = nil, command: String? = nil, limit: Int = 200) {
        self.since = since
        self.user = user
        self.command = command
        self.limit = limit
    }
}

extension Store {
    /// The hash every chain starts from.
    static let auditGenesis = String(repeating: "0", count: 64)

    /// Appends a row, chained to the last one (read and written in one immediate transaction,
    /// so writers in several processes keep one chain).
    public func audit(_ entry: AuditEntry) throws {
        try db.transaction {
            let previous = try db.queryFirst("SELECT hash FROM audit_trail ORDER BY id DESC LIMIT 1", []) { row -> String in try row.value(0) } ?? Self.auditGenesis
            let hash = SHA256.hex(Array(entry.chained(to: previous).utf8))
            try db.execute(
                "INSERT INTO audit_trail (at, user, role, command, arguments, result, previous_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [entry.at, entry.user, entry.role, entry.command, entry.arguments, entry.result, previous, hash]
            )
        }
    }

    /// Rows matching the filter, newest first.
    public func auditTrail(_ filter: AuditFilter) throws -> [AuditEntry] {
        var conditions: [String] = []
        var arguments: [any SQLBindable] = []
        if let since = filter.since { conditions.append("at >= ?"); arguments.append(since) }
        if let user = filter.user { conditions.append("user = ?"); arguments.append(user.contains(":") ? user : "user:" + user) }
        if let command = filter.command { conditions.append("command LIKE ?"); arguments.append(command + "%") }
        let clause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        return try db.query("SELECT id, at, user, role, command, arguments, result FROM audit_trail \(clause) ORDER BY id DESC LIMIT ?", arguments + [filter.limit]) { row in
            var entry = AuditEntry(at: try row.value(1), user: try row.value(2), role: try row.value(3), command: try row.value(4), arguments: try row.value(5), result: try row.value(6))
            entry.id = try row.value(0)
            return entry
        }
    }

    /// Walks the chain from the first row: the id of the first row whose hash or link does not
    /// hold (an edit, a deletion, an insertion), nil when the whole trail holds; and how many rows.
    public func verifyAudit() throws -> (broken: Int64?, why: String?, rows: Int) {
        var previous = Self.auditGenesis
        var count = 0
        var after: Int64 = 0
        // In pages, so a long trail is checked in flat memory.
        while true {
            let page = try db.query(
                "SELECT id, at, user, role, command, arguments, result, previous_hash, hash FROM audit_trail WHERE id > ? ORDER BY id LIMIT 10000", [after]
            ) { row -> (id: Int64, entry: AuditEntry, link: String, hash: String) in
                let entry = AuditEntry(at: try row.value(1), user: try row.value(2), role: try row.value(3), command: try row.value(4), arguments: try row.value(5), result: try row.value(6))
                return (try row.value(0), entry, try row.value(7), try row.value(8))
            }
            guard let last = page.last else { return (nil, nil, count) }
            for row in page {
                count += 1
                if row.link != previous {
                    return (row.id, "its link does not name the row before it (a row was removed or put in before it)", count)
                }
                if SHA256.hex(Array(row.entry.chained(to: previous).utf8)) != row.hash {
                    return (row.id, "its content does not match its hash (it was changed)", count)
                }
                previous = row.hash
            }
            after = last.id
        }
    }
}

import Core
import Foundation
import Recordings
import Reports
import SQLite

extension Store {
    /// Indexes a recording (again, if its file was indexed before); its id.
    @discardableResult
    public func saveRecording(_ entry: RecordingEntry) throws -> Int64 {
        try db.transaction { try RecordingTable.save(db, entry, callerKey: entry.caller.flatMap(plan.key)) }
    }

    /// Each agent's recordings that started in [from, to) (quarter hours), summed.
    public func recordingQuality(from: Date, to: Date, agent: String? = nil) throws -> [String: ReportSheets.RecordingQuality] {
        try RecordingTable.quality(db, from: from, to: to, agent: agent)
    }

    /// Recordings matching the filter, newest first.
    public func recordings(_ filter: RecordingFilter) throws -> [RecordingEntry] {
        var key: String?
        if let caller = filter.caller {
            guard let found = plan.key(caller) else { throw StoreError.invalid("'\(caller)' is not a phone number") }
            key = found
        }
        return try RecordingTable.entries(db, filter, callerKey: key)
    }

    public func recording(id: Int64) throws -> RecordingEntry? {
        try db.queryFirst("SELECT \(RecordingTable.columns) FROM recordings WHERE id = ?", [id], RecordingTable.entry)
    }

    /// Every indexed file and its checksum, for `verify`.
    public func recordingFiles() throws -> [(id: Int64, path: String, sha256: String)] {
        try db.query("SELECT id, path, sha256 FROM recordings ORDER BY id") { (try $0.value(0), try $0.value(1), try $0.value(2)) }
    }

    /// Puts a legal hold on a recording (or lifts it), written to the audit.
    public func holdRecording(id: Int64, _ held: Bool, who: String, reason: String?, at: Date = Date()) throws {
        try db.transaction {
            guard let entry = try db.queryFirst("SELECT \(RecordingTable.columns) FROM recordings WHERE id = ?", [id], RecordingTable.entry) else {
                throw StoreError.notFound("recording \(id)")
            }
            try db.execute("UPDATE recordings SET held = ? WHERE id = ?", [held, id])
            try RecordingTable.audit(db, who: who, action: held ? "hold" : "release", path: entry.path, sha256: entry.sha256, detail: reason, at: at)
        }
    }

    /// Recordings past their retention, with their ticket's category: started before
    /// `cutoff(queue, category)`, not held, and linked to no open ticket (by the ticket's id or
    /// its files).
    public func recordingsPastRetention(_ cutoff: (_ queue: String?, _ category: String?) -> Date?) throws -> [(entry: RecordingEntry, category: String?)] {
        let candidates = try db.query(
            """
            SELECT \(RecordingTable.columns.split(separator: ",").map { "r." + $0.trimmingCharacters(in: .whitespacesAndNewlines) }.joined(separator: ", ")),
                (SELECT category FROM tickets WHERE id = r.ticket_id)
            FROM recordings r WHERE held = 0
              AND NOT EXISTS (SELECT 1 FROM tickets t WHERE t.id = r.ticket_id AND t.status IN ('new', 'open', 'pending'))
              AND NOT EXISTS (SELECT 1 FROM ticket_files f JOIN tickets t ON t.id = f.ticket_id
                              WHERE f.path = r.path AND t.status IN ('new', 'open', 'pending'))
            ORDER BY started_at
            """,
            []
        ) { row -> (entry: RecordingEntry, category: String?) in (try RecordingTable.entry(row), row[17]) }
        return candidates.filter { candidate in cutoff(candidate.entry.queue, candidate.category).map { candidate.entry.startedAt < $0 } ?? false }
    }

    /// Removes a recording's row once its file is deleted, with the deletion in the audit.
    public func recordingDeleted(id: Int64, who: String, reason: String, at: Date = Date()) throws {
        try db.transaction {
            guard let entry = try db.queryFirst("SELECT \(RecordingTable.columns) FROM recordings WHERE id = ?", [id], RecordingTable.entry) else { return }
            try db.execute("DELETE FROM recordings WHERE id = ?", [id])
            try RecordingTable.audit(db, who: who, action: "delete", path: entry.path, sha256: entry.sha256, detail: reason, at: at)
        }
    }

    /// The recording audit, newest first.
    public func recordingAudit(limit: Int = 100) throws -> [RecordingAuditEntry] {
        try db.query("SELECT at, who, action, path, sha256, detail FROM recording_audit ORDER BY id DESC LIMIT ?", [limit]) { row in
            RecordingAuditEntry(at: try row.value(0), who: try row.value(1), action: try row.value(2), path: try row.value(3), sha256: row[4], detail: row[5])
        }
    }

    /// Imports index rows in one transaction (benchmarks, scans of many files).
    public func saveRecordings(_ entries: [RecordingEntry]) throws {
        try db.transaction { for entry in entries { _ = try RecordingTable.save(db, entry, callerKey: entry.caller.flatMap(plan.key)) } }
    }
}

import Core
import Foundation
import SQLite

/// The SQL for callback requests. Skill sets are kept as JSON objects (`{"support":2}`).
enum CallbackTable {
    static func insert(_ db: Database, _ request: PendingCallback) throws {
        try db.execute(
            """
            INSERT INTO callbacks (uniqueid, number, queue, queue_skills, queue_priority, extra_priority, extra_skills, waiting_since, requested_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [request.uniqueID, request.number, request.queue, try json(request.queueSkills), request.queuePriority,
             request.extraPriority, try json(request.extraSkills), request.waitingSince, request.requestedAt]
        )
    }

    static func pending(_ db: Database) throws -> [PendingCallback] {
        try db.query(
            """
            SELECT uniqueid, number, queue, queue_skills, queue_priority, extra_priority, extra_skills, waiting_since, requested_at
            FROM callbacks WHERE state = 'pending' ORDER BY waiting_since
            """
        ) { row in
            PendingCallback(
                uniqueID: try row.value(0), number: try row.value(1), queue: try row.value(2), queueSkills: try skills(try row.value(3)),
                queuePriority: try row.value(4), extraPriority: try row.value(5), extraSkills: try skills(try row.value(6)),
                waitingSince: try row.value(7), requestedAt: try row.value(8)
            )
        }
    }

    /// Marks a pending request done; false when there was none.
    static func finish(_ db: Database, uniqueID: String, state: String, agent: String?, at: Date) throws -> Bool {
        try db.execute("UPDATE callbacks SET state = ?, agent = ?, done_at = ? WHERE uniqueid = ? AND state = 'pending'", [state, agent, at, uniqueID])
        return db.changes == 1
    }

    private static func json(_ skills: [String: Int]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(skills), as: UTF8.self)
    }

    private static func skills(_ text: String) throws -> [String: Int] {
        try JSONDecoder().decode([String: Int].self, from: Data(text.utf8))
    }
}

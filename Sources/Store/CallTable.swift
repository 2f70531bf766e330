import Core
import Foundation
import SQLite

/// The SQL for calls and their timelines.
enum CallTable {
    static let columns = """
        id, uniqueid, linkedid, direction, caller_number, caller_name, dnis, flow, queue, agent_id, customer_id,
        arrived_at, queued_at, offered_at, answered_at, ended_at, outcome, hangup_cause, wait_seconds, talk_seconds
        """

    /// Inserts the call, or updates the one with the same uniqueid; returns its id.
    static func save(_ db: Database, _ call: CallRecord, plan: PhoneNumberPlan) throws -> Int64 {
        let values: [any SQLBindable] = [
            call.uniqueID, call.linkedID, call.direction.rawValue, call.callerNumber, call.callerNumber.flatMap(plan.key),
            call.callerName, call.dnis, call.flow, call.queue, call.agentID, call.customerID, call.arrivedAt, call.queuedAt,
            call.offeredAt, call.answeredAt, call.endedAt, call.outcome, call.hangupCause, call.waitSeconds, call.talkSeconds,
        ]
        return try db.queryFirst("""
            INSERT INTO calls (uniqueid, linkedid, direction, caller_number, caller_key, caller_name, dnis, flow, queue, agent_id,
                customer_id, arrived_at, queued_at, offered_at, answered_at, ended_at, outcome, hangup_cause, wait_seconds, talk_seconds)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (uniqueid) DO UPDATE SET
                linkedid = excluded.linkedid, direction = excluded.direction, caller_number = excluded.caller_number,
                caller_key = excluded.caller_key, caller_name = excluded.caller_name, dnis = excluded.dnis, flow = excluded.flow,
                queue = excluded.queue, agent_id = excluded.agent_id, customer_id = excluded.customer_id,
                arrived_at = excluded.arrived_at, queued_at = excluded.queued_at, offered_at = excluded.offered_at,
                answered_at = excluded.answered_at, ended_at = excluded.ended_at, outcome = excluded.outcome,
                hangup_cause = excluded.hangup_cause, wait_seconds = excluded.wait_seconds, talk_seconds = excluded.talk_seconds
            RETURNING id
            """, values) { try $0.value(0) }!
    }

    static func appendEvents(_ db: Database, callID: Int64, _ events: [CallEvent]) throws {
        for event in events {
            try db.execute("INSERT INTO call_events (call_id, kind, at, data) VALUES (?, ?, ?, ?)", [callID, event.kind, event.at, event.data])
        }
    }

    static func id(_ db: Database, uniqueID: String) throws -> Int64? {
        try db.queryFirst("SELECT id FROM calls WHERE uniqueid = ?", [uniqueID]) { try $0.value(0) }
    }

    /// A caller's calls, newest first, by match key (the `calls_caller` index answers it).
    static func history(_ db: Database, callerKey: String, limit: Int) throws -> [CallRecord] {
        try db.query("SELECT \(columns) FROM calls WHERE caller_key = ? ORDER BY arrived_at DESC LIMIT ?", [callerKey, limit], record)
    }

    /// How many calls ended each way (`queued`, `hangup`, …; `in progress` for those not ended).
    static func outcomes(_ db: Database) throws -> [String: Int] {
        Dictionary(uniqueKeysWithValues: try db.query("SELECT coalesce(outcome, 'in progress'), count(*) FROM calls GROUP BY 1") { row in
            (try row.value(0) as String, try row.value(1) as Int)
        })
    }

    static func events(_ db: Database, callID: Int64) throws -> [CallEvent] {
        try db.query("SELECT kind, at, data FROM call_events WHERE call_id = ? ORDER BY at, id", [callID]) { row in
            CallEvent(kind: try row.value(0), at: try row.value(1), data: row[2])
        }
    }

    static func record(_ row: Row) throws -> CallRecord {
        var call = CallRecord(uniqueID: try row.value(1), direction: CallRecord.Direction(rawValue: try row.value(3)) ?? .inbound, arrivedAt: try row.value(11))
        call.id = row[0]
        call.linkedID = row[2]
        call.callerNumber = row[4]
        call.callerName = row[5]
        call.dnis = row[6]
        call.flow = row[7]
        call.queue = row[8]
        call.agentID = row[9]
        call.customerID = row[10]
        call.queuedAt = row[12]
        call.offeredAt = row[13]
        call.answeredAt = row[14]
        call.endedAt = row[15]
        call.outcome = row[16]
        call.hangupCause = row[17]
        call.waitSeconds = row[18]
        call.talkSeconds = row[19]
        return call
    }
}

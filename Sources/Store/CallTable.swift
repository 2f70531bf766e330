import Core
import Foundation
import SQLite

/// The SQL for calls and their timelines (`call_steps`).
enum CallTable {
    static let columns = """
        id, uniqueid, linkedid, direction, caller_number, caller_name, dnis, flow, queue, agent_id, customer_id,
        arrived_at, queued_at, offered_at, answered_at, ended_at, outcome, hangup_cause, wait_seconds, talk_seconds,
        ring_seconds, hold_seconds, wrapup_seconds, queue_exit, hangup_side, offers, recording
        """

    /// Inserts the call, or updates the one with the same uniqueid; returns its id.
    static func save(_ db: Database, _ call: CallRecord, plan: PhoneNumberPlan) throws -> Int64 {
        let values: [any SQLBindable] = [
            call.uniqueID, call.linkedID, call.direction.rawValue, call.callerNumber, call.callerNumber.flatMap(plan.key),
            call.callerName, call.dnis, call.flow, call.queue, call.agentID, call.customerID, call.arrivedAt, call.queuedAt,
            call.offeredAt, call.answeredAt, call.endedAt, call.outcome?.rawValue, call.hangupCause, call.waitSeconds, call.talkSeconds,
            call.ringSeconds, call.holdSeconds, call.wrapUpSeconds, call.queueExit?.rawValue, call.hangupSide?.rawValue, call.offers,
            call.recording,
        ]
        return try db.queryFirst("""
            INSERT INTO calls (uniqueid, linkedid, direction, caller_number, caller_key, caller_name, dnis, flow, queue, agent_id,
                customer_id, arrived_at, queued_at, offered_at, answered_at, ended_at, outcome, hangup_cause, wait_seconds, talk_seconds,
                ring_seconds, hold_seconds, wrapup_seconds, queue_exit, hangup_side, offers, recording)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (uniqueid) DO UPDATE SET
                linkedid = excluded.linkedid, direction = excluded.direction, caller_number = excluded.caller_number,
                caller_key = excluded.caller_key, caller_name = excluded.caller_name, dnis = excluded.dnis, flow = excluded.flow,
                queue = excluded.queue, agent_id = excluded.agent_id, customer_id = excluded.customer_id,
                arrived_at = excluded.arrived_at, queued_at = excluded.queued_at, offered_at = excluded.offered_at,
                answered_at = excluded.answered_at, ended_at = excluded.ended_at, outcome = excluded.outcome,
                hangup_cause = excluded.hangup_cause, wait_seconds = excluded.wait_seconds, talk_seconds = excluded.talk_seconds,
                ring_seconds = excluded.ring_seconds, hold_seconds = excluded.hold_seconds, wrapup_seconds = excluded.wrapup_seconds,
                queue_exit = excluded.queue_exit, hangup_side = excluded.hangup_side, offers = excluded.offers, recording = excluded.recording
            RETURNING id
            """, values) { try $0.value(0) }!
    }

    /// The end of a call: only what a call learns while it runs, so the indexes on who called
    /// and when are not rewritten. Returns the call's id, nil when it was never stored.
    static func finish(_ db: Database, _ call: CallRecord) throws -> Int64? {
        try db.queryFirst("""
            UPDATE calls SET linkedid = ?, queue = ?, agent_id = ?, customer_id = ?, queued_at = ?, offered_at = ?, answered_at = ?,
                ended_at = ?, outcome = ?, hangup_cause = ?, wait_seconds = ?, talk_seconds = ?, ring_seconds = ?, hold_seconds = ?,
                wrapup_seconds = ?, queue_exit = ?, hangup_side = ?, offers = ?, recording = ?
            WHERE uniqueid = ? RETURNING id
            """, [
                call.linkedID, call.queue, call.agentID, call.customerID, call.queuedAt, call.offeredAt, call.answeredAt, call.endedAt,
                call.outcome?.rawValue, call.hangupCause, call.waitSeconds, call.talkSeconds, call.ringSeconds, call.holdSeconds,
                call.wrapUpSeconds, call.queueExit?.rawValue, call.hangupSide?.rawValue, call.offers, call.recording, call.uniqueID,
            ]) { try $0.value(0) }
    }

    /// Steps go in as multi-row INSERTs of up to `rowsPerInsert`: one statement for a call's
    /// steps instead of one per step.
    static let rowsPerInsert = 16

    /// Appends the steps after the call's last one (`after`, its sequence number, when the
    /// caller knows it; read from the table otherwise); returns the new last one.
    @discardableResult
    static func appendEvents(_ db: Database, callID: Int64, _ events: [CallEvent], after last: Int64? = nil) throws -> Int64 {
        var seq: Int64
        if let last { seq = last } else {
            seq = try db.queryFirst("SELECT coalesce(max(seq), 0) FROM call_steps WHERE call_id = ?", [callID]) { try $0.value(0) } ?? 0
        }
        var start = events.startIndex
        while start < events.endIndex {
            let chunk = events[start..<min(start + rowsPerInsert, events.endIndex)]
            var values: [any SQLBindable] = []
            values.reserveCapacity(chunk.count * 9)
            for event in chunk {
                seq += 1
                values += [callID, seq, event.kind.rawValue, event.at, event.queue, event.agent, event.node, event.digits, event.cause, event.detail] as [any SQLBindable]
            }
            try db.execute(insertSteps[chunk.count - 1], values)
            start = chunk.endIndex
        }
        return seq
    }

    /// `INSERT … VALUES (…), (…)` for 1 … `rowsPerInsert` rows.
    static let insertSteps: [String] = (1...rowsPerInsert).map { rows in
        "INSERT INTO call_steps (call_id, seq, kind, at, queue, agent, node, digits, cause, detail) VALUES "
            + Array(repeating: "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", count: rows).joined(separator: ", ")
    }

    static func id(_ db: Database, uniqueID: String) throws -> Int64? {
        try db.queryFirst("SELECT id FROM calls WHERE uniqueid = ?", [uniqueID]) { try $0.value(0) }
    }

    /// A caller's calls, newest first, by match key (the `calls_caller` index answers it).
    static func history(_ db: Database, callerKey: String, limit: Int) throws -> [CallRecord] {
        try db.query("SELECT \(columns) FROM calls WHERE caller_key = ? ORDER BY arrived_at DESC LIMIT ?", [callerKey, limit], record)
    }

    /// Calls matching every condition of the filter, newest first. Each condition that pairs
    /// with the time range has an index of its own (`calls_agent`, `calls_queue`, `calls_caller`,
    /// `calls_outcome`), so a day of one agent reads only that day's rows of that agent.
    static func calls(_ db: Database, _ filter: CallFilter, plan: PhoneNumberPlan) throws -> [CallRecord] {
        var conditions: [String] = []
        var values: [any SQLBindable] = []
        func add(_ condition: String, _ value: any SQLBindable) {
            conditions.append(condition)
            values.append(value)
        }
        if let since = filter.since { add("arrived_at >= ?", since) }
        if let until = filter.until { add("arrived_at < ?", until) }
        if let queue = filter.queue { add("queue = ?", queue) }
        if let agent = filter.agent { add("agent_id = ?", agent) }
        if let caller = filter.caller { add("caller_key = ?", plan.key(caller) ?? caller) }
        if let outcome = filter.outcome { add("outcome = ?", outcome.rawValue) }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        values.append(filter.limit)
        return try db.query("SELECT \(columns) FROM calls \(whereClause) ORDER BY arrived_at DESC LIMIT ?", values, record)
    }

    /// The call with this uniqueid, or every call with this linkedid (one conversation), oldest first.
    static func calls(_ db: Database, uniqueOrLinkedID id: String) throws -> [CallRecord] {
        try db.query("SELECT \(columns) FROM calls WHERE uniqueid = ?1 OR linkedid = ?1 ORDER BY arrived_at, id", [id], record)
    }

    /// How many calls ended each way (`in progress` for those not ended).
    static func outcomes(_ db: Database) throws -> [String: Int] {
        Dictionary(uniqueKeysWithValues: try db.query("SELECT coalesce(outcome, 'in progress'), count(*) FROM calls GROUP BY 1") { row in
            (try row.value(0) as String, try row.value(1) as Int)
        })
    }

    static func events(_ db: Database, callID: Int64) throws -> [CallEvent] {
        try db.query("SELECT kind, at, queue, agent, node, digits, cause, detail FROM call_steps WHERE call_id = ? ORDER BY seq", [callID]) { row in
            let stored: String = try row.value(0)
            var event = CallEvent(
                CallEvent.Kind(rawValue: stored) ?? .note, at: try row.value(1), queue: row[2], agent: row[3], node: row[4], digits: row[5],
                cause: row[6], detail: row[7]
            )
            if CallEvent.Kind(rawValue: stored) == nil { event.detail = stored + (event.detail.map { ": " + $0 } ?? "") }
            return event
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
        call.outcome = (row[16] as String?).flatMap(CallOutcome.init(rawValue:))
        call.hangupCause = row[17]
        call.waitSeconds = row[18]
        call.talkSeconds = row[19]
        call.ringSeconds = row[20]
        call.holdSeconds = row[21]
        call.wrapUpSeconds = row[22]
        call.queueExit = (row[23] as String?).flatMap(QueueExit.init(rawValue:))
        call.hangupSide = (row[24] as String?).flatMap(HangupSide.init(rawValue:))
        call.offers = row[25] ?? 0
        call.recording = row[26]
        return call
    }
}

/// Which calls `calls list` and reports want: every condition given must hold.
public struct CallFilter: Sendable, Equatable {
    public var since: Date?
    public var until: Date?
    public var queue: String?
    public var agent: String?
    /// A phone number, matched however it is written.
    public var caller: String?
    public var outcome: CallOutcome?
    public var limit: Int

    public init(
        since: Date? = nil, until: Date? = nil, queue: String? = nil, agent: String? = nil, caller: String? = nil, outcome: CallOutcome? = nil,
        limit: Int = 1000
    ) {
        self.since = since
        self.until = until
        self.queue = queue
        self.agent = agent
        self.caller = caller
        self.outcome = outcome
        self.limit = limit
    }
}

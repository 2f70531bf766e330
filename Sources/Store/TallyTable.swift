import Core
import Foundation
import Reports
import SQLite

/// The SQL for the kept tallies (`queue_tallies`, `agent_tallies`): added to as calls end, read
/// by reports per period.
enum TallyTable {
    static func add(_ db: Database, _ tallies: CallTallies) throws {
        if let part = tallies.queue {
            let t = part.tally
            try db.execute("""
                INSERT INTO queue_tallies (queue, start, offered, answered, answered_in_time, abandoned, short_abandoned, exits_key,
                    exits_timeout, exits_callback, transfers, answer_wait, longest_wait, talk, hold, wrapup)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (start, queue) DO UPDATE SET
                    offered = offered + excluded.offered, answered = answered + excluded.answered,
                    answered_in_time = answered_in_time + excluded.answered_in_time, abandoned = abandoned + excluded.abandoned,
                    short_abandoned = short_abandoned + excluded.short_abandoned, exits_key = exits_key + excluded.exits_key,
                    exits_timeout = exits_timeout + excluded.exits_timeout, exits_callback = exits_callback + excluded.exits_callback,
                    transfers = transfers + excluded.transfers, answer_wait = answer_wait + excluded.answer_wait,
                    longest_wait = max(longest_wait, excluded.longest_wait), talk = talk + excluded.talk, hold = hold + excluded.hold,
                    wrapup = wrapup + excluded.wrapup
                """, [
                    part.name, part.start, t.offered, t.answered, t.answeredInTime, t.abandoned, t.shortAbandoned, t.exitsByKey,
                    t.exitsByTimeout, t.exitsToCallback, t.transfers, t.answerWaitSeconds, t.longestWaitSeconds, t.talkSeconds,
                    t.holdSeconds, t.wrapUpSeconds,
                ])
        }
        for part in tallies.agents {
            let t = part.tally
            try db.execute("""
                INSERT INTO agent_tallies (agent_id, start, handled, talk, hold, wrapup, ring_no_answers) VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (start, agent_id) DO UPDATE SET
                    handled = handled + excluded.handled, talk = talk + excluded.talk, hold = hold + excluded.hold,
                    wrapup = wrapup + excluded.wrapup, ring_no_answers = ring_no_answers + excluded.ring_no_answers
                """, [part.name, part.start, t.handled, t.talkSeconds, t.holdSeconds, t.wrapUpSeconds, t.ringNoAnswers])
        }
    }

    static func queues(_ db: Database, from: Date, to: Date, queue: String?) throws -> [CallTallies.Part<QueueTally>] {
        try db.query("""
            SELECT queue, start, offered, answered, answered_in_time, abandoned, short_abandoned, exits_key, exits_timeout,
                exits_callback, transfers, answer_wait, longest_wait, talk, hold, wrapup
            FROM queue_tallies WHERE start >= ? AND start < ? AND (?3 IS NULL OR queue = ?3) ORDER BY start, queue
            """, [from, to, queue]) { row in
            var t = QueueTally()
            t.offered = try row.value(2)
            t.answered = try row.value(3)
            t.answeredInTime = try row.value(4)
            t.abandoned = try row.value(5)
            t.shortAbandoned = try row.value(6)
            t.exitsByKey = try row.value(7)
            t.exitsByTimeout = try row.value(8)
            t.exitsToCallback = try row.value(9)
            t.transfers = try row.value(10)
            t.answerWaitSeconds = try row.value(11)
            t.longestWaitSeconds = try row.value(12)
            t.talkSeconds = try row.value(13)
            t.holdSeconds = try row.value(14)
            t.wrapUpSeconds = try row.value(15)
            return CallTallies.Part(name: try row.value(0), start: try row.value(1), tally: t)
        }
    }

    static func agents(_ db: Database, from: Date, to: Date, agent: String?) throws -> [CallTallies.Part<AgentTally>] {
        try db.query("""
            SELECT agent_id, start, handled, talk, hold, wrapup, ring_no_answers FROM agent_tallies
            WHERE start >= ? AND start < ? AND (?3 IS NULL OR agent_id = ?3) ORDER BY start, agent_id
            """, [from, to, agent]) { row in
            var t = AgentTally()
            t.handled = try row.value(2)
            t.talkSeconds = try row.value(3)
            t.holdSeconds = try row.value(4)
            t.wrapUpSeconds = try row.value(5)
            t.ringNoAnswers = try row.value(6)
            return CallTallies.Part(name: try row.value(0), start: try row.value(1), tally: t)
        }
    }

    /// Each agent's state changes within `from ..< to`, with the last one before `from`.
    static func stateChanges(_ db: Database, from: Date, to: Date, agent: String?) throws -> [String: (before: AgentTime.Change?, changes: [AgentTime.Change])] {
        var result: [String: (before: AgentTime.Change?, changes: [AgentTime.Change])] = [:]
        let before = try db.query("""
            SELECT agent_id, state, reason, max(at) FROM agent_state_changes WHERE at < ? AND (?2 IS NULL OR agent_id = ?2) GROUP BY agent_id
            """, [from, agent]) { row in (try row.value(0) as String, AgentTime.Change(state: try row.value(1), reason: row[2], at: try row.value(3))) }
        for (id, change) in before { result[id] = (change, []) }
        let changes = try db.query("""
            SELECT agent_id, state, reason, at FROM agent_state_changes WHERE at >= ? AND at < ? AND (?3 IS NULL OR agent_id = ?3) ORDER BY at, id
            """, [from, to, agent]) { row in (try row.value(0) as String, AgentTime.Change(state: try row.value(1), reason: row[2], at: try row.value(3))) }
        for (id, change) in changes { result[id, default: (nil, [])].changes.append(change) }
        return result
    }
}

import Core
import Foundation
import Recordings
import Reports
import SQLite

/// The SQL for the recording index and its audit.
enum RecordingTable {
    static let columns = """
        id, path, uniqueid, linkedid, agent, queue, caller, customer_id, ticket_id, started_at, bytes, sha256, encoding, channels, figures, gaps, held
        """

    /// Inserts, or replaces the row of the same file (indexed again); the agent's tallies follow.
    static func save(_ db: Database, _ entry: RecordingEntry, callerKey: String?) throws -> Int64 {
        if let before = try db.queryFirst("SELECT \(columns) FROM recordings WHERE path = ?", [entry.path], Self.entry) { try tally(db, before, -1) }
        try tally(db, entry, 1)
        let figures = String(decoding: try JSONEncoder().encode(entry.figures), as: UTF8.self)
        let gaps = entry.gaps.map { String(format: "%.2f-%.2f", $0.lowerBound, $0.upperBound) }.joined(separator: ";")
        try db.execute(
            """
            INSERT INTO recordings (path, uniqueid, linkedid, agent, queue, caller, caller_key, customer_id, ticket_id, started_at, seconds, bytes,
                sha256, encoding, channels, figures, longest_silence, gaps, held)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(path) DO UPDATE SET uniqueid = excluded.uniqueid, linkedid = excluded.linkedid, agent = excluded.agent,
                queue = excluded.queue, caller = excluded.caller, caller_key = excluded.caller_key, customer_id = excluded.customer_id,
                ticket_id = excluded.ticket_id, started_at = excluded.started_at, seconds = excluded.seconds, bytes = excluded.bytes,
                sha256 = excluded.sha256, encoding = excluded.encoding, channels = excluded.channels, figures = excluded.figures,
                longest_silence = excluded.longest_silence, gaps = excluded.gaps
            """,
            [entry.path, entry.uniqueID, entry.linkedID, entry.agent, entry.queue, entry.caller, callerKey, entry.customerID, entry.ticketID,
             entry.startedAt, entry.seconds, entry.bytes, entry.sha256, entry.encoding.rawValue, entry.channels, figures,
             entry.figures.longestSilenceSeconds, gaps, entry.held]
        )
        return try db.queryFirst("SELECT id FROM recordings WHERE path = ?", [entry.path]) { try $0.value(0) } ?? db.lastInsertRowID
    }

    /// Adds (`sign` 1) or takes back (−1) a recording's figures in its agent's quarter hour: the
    /// agent's leg is the second of a two-leg recording.
    static func tally(_ db: Database, _ entry: RecordingEntry, _ sign: Double) throws {
        guard let agent = entry.agent else { return }
        let legs = entry.figures.talkSecondsByLeg
        let twoLeg = legs.count == 2 ? sign : 0
        let interval = (entry.startedAt.timeIntervalSince1970 / 900).rounded(.down) * 900
        try db.execute(
            """
            INSERT INTO recording_tallies (agent, interval_start, recordings, talk_ratio_sum, two_leg, agent_talk, both_talk, overlap)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(agent, interval_start) DO UPDATE SET recordings = recordings + excluded.recordings,
                talk_ratio_sum = talk_ratio_sum + excluded.talk_ratio_sum, two_leg = two_leg + excluded.two_leg,
                agent_talk = agent_talk + excluded.agent_talk, both_talk = both_talk + excluded.both_talk, overlap = overlap + excluded.overlap
            """,
            [agent, interval, Int(sign), sign * entry.figures.talkRatio, Int(twoLeg), twoLeg * (legs.last ?? 0), twoLeg * legs.reduce(0, +),
             twoLeg * entry.figures.overlapSeconds]
        )
    }

    /// Each agent's recordings that started in [from, to) (quarter hours), from the tallies.
    static func quality(_ db: Database, from: Date, to: Date, agent: String?) throws -> [String: ReportSheets.RecordingQuality] {
        let rows = try db.query(
            """
            SELECT agent, SUM(recordings), SUM(talk_ratio_sum), SUM(two_leg), SUM(agent_talk), SUM(both_talk), SUM(overlap)
            FROM recording_tallies WHERE interval_start >= ? AND interval_start < ?\(agent == nil ? "" : " AND agent = ?")
            GROUP BY agent HAVING SUM(recordings) > 0
            """,
            [from.timeIntervalSince1970, to.timeIntervalSince1970] + (agent.map { [$0] } ?? [])
        ) { row -> (String, ReportSheets.RecordingQuality) in
            let count: Int = try row.value(1), talk: Double = try row.value(2), twoLeg: Int = try row.value(3)
            let agentTalk: Double = try row.value(4), bothTalk: Double = try row.value(5), overlap: Double = try row.value(6)
            return (try row.value(0), ReportSheets.RecordingQuality(
                count: count, talkRatio: talk / Double(count), agentShare: bothTalk > 0 ? agentTalk / bothTalk : nil,
                overlapSeconds: twoLeg > 0 ? overlap / Double(twoLeg) : nil
            ))
        }
        return Dictionary(rows, uniquingKeysWith: { first, _ in first })
    }

    static func entries(_ db: Database, _ filter: RecordingFilter, callerKey: String?) throws -> [RecordingEntry] {
        var conditions: [String] = []
        var arguments: [any SQLBindable] = []
        func add(_ condition: String, _ value: (any SQLBindable)?) {
            guard let value else { return }
            conditions.append(condition)
            arguments.append(value)
        }
        add("caller_key = ?", callerKey)
        add("agent = ?", filter.agent)
        add("queue = ?", filter.queue)
        add("ticket_id = ?", filter.ticketID)
        add("uniqueid = ?", filter.uniqueID)
        add("started_at >= ?", filter.from)
        add("started_at < ?", filter.to)
        add("seconds >= ?", filter.minSeconds)
        add("longest_silence <= ?", filter.maxSilenceSeconds)
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        return try db.query("SELECT \(columns) FROM recordings \(whereClause) ORDER BY started_at DESC, id DESC LIMIT ?", arguments + [filter.limit], entry)
    }

    static func entry(_ row: Row) throws -> RecordingEntry {
        let figuresText: String = try row.value(14), gapsText: String = try row.value(15), encoding: String = try row.value(12)
        let gaps = gapsText.split(separator: ";").compactMap { part -> ClosedRange<Double>? in
            let bounds = part.split(separator: "-").compactMap { Double($0) }
            return bounds.count == 2 && bounds[0] <= bounds[1] ? bounds[0]...bounds[1] : nil
        }
        var entry = RecordingEntry(
            path: try row.value(1), uniqueID: row[2], linkedID: row[3], agent: row[4], queue: row[5], caller: row[6], customerID: row[7],
            ticketID: row[8], startedAt: try row.value(9), bytes: try row.value(10), sha256: try row.value(11),
            encoding: WAVAudio.Encoding(rawValue: encoding) ?? .pcm16, channels: try row.value(13),
            figures: try JSONDecoder().decode(AudioFigures.self, from: Data(figuresText.utf8)), gaps: gaps, held: try row.value(16)
        )
        entry.id = try row.value(0)
        return entry
    }

    static func audit(_ db: Database, who: String, action: String, path: String, sha256: String?, detail: String?, at: Date) throws {
        try db.execute("INSERT INTO recording_audit (at, who, action, path, sha256, detail) VALUES (?, ?, ?, ?, ?, ?)", [at, who, action, path, sha256, detail])
    }
}

/// Which recordings a list shows.
public struct RecordingFilter: Sendable {
    /// Any way of writing the number.
    public var caller: String?
    public var agent: String?
    public var queue: String?
    public var ticketID: Int64?
    public var uniqueID: String?
    public var from: Date?
    public var to: Date?
    public var minSeconds: Double?
    public var maxSilenceSeconds: Double?
    public var limit = 100

    public init(caller: String? = nil, agent: String? = nil, queue: String? = nil, ticketID: Int64? = nil, uniqueID: String? = nil,
                from: Date? = nil, to: Date? = nil, minSeconds: Double? = nil, maxSilenceSeconds: Double? = nil, limit: Int = 100) {
        self.caller = caller
        self.agent = agent
        self.queue = queue
        self.ticketID = ticketID
        self.uniqueID = uniqueID
        self.from = from
        self.to = to
        self.minSeconds = minSeconds
        self.maxSilenceSeconds = maxSilenceSeconds
        self.limit = limit
    }
}

/// One line of the recording audit: who did what to which file.
public struct RecordingAuditEntry: Sendable, Codable, Equatable {
    public var at: Date
    public var who: String
    public var action: String
    public var path: String
    public var sha256: String?
    public var detail: String?
}

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

    /// Inserts, or replaces the row of the same file (indexed again).
    static func save(_ db: Database, _ entry: RecordingEntry, callerKey: String?) throws -> Int64 {
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

    /// Each agent's recordings that started in [from, to), summed in SQL from their figures:
    /// the agent's leg is the second of a two-leg recording.
    static func quality(_ db: Database, from: Date, to: Date, agent: String?) throws -> [String: ReportSheets.RecordingQuality] {
        let twoLegs = "json_array_length(figures, '$.talkSecondsByLeg') = 2"
        let rows = try db.query(
            """
            SELECT agent, COUNT(*), AVG(json_extract(figures, '$.talkRatio')),
                SUM(CASE WHEN \(twoLegs) THEN json_extract(figures, '$.talkSecondsByLeg[1]') END),
                SUM(CASE WHEN \(twoLegs) THEN json_extract(figures, '$.talkSecondsByLeg[0]') + json_extract(figures, '$.talkSecondsByLeg[1]') END),
                AVG(CASE WHEN \(twoLegs) THEN json_extract(figures, '$.overlapSeconds') END)
            FROM recordings WHERE started_at >= ? AND started_at < ? AND agent IS NOT NULL\(agent == nil ? "" : " AND agent = ?")
            GROUP BY agent
            """,
            [from, to] + (agent.map { [$0] } ?? [])
        ) { row -> (String, ReportSheets.RecordingQuality) in
            let agentTalk: Double? = row[3], bothTalk: Double? = row[4]
            let share = agentTalk.flatMap { talk in bothTalk.flatMap { $0 > 0 ? talk / $0 : nil } }
            let count: Int = try row.value(1), talkRatio: Double? = row[2], overlap: Double? = row[5]
            return (try row.value(0), ReportSheets.RecordingQuality(count: count, talkRatio: talkRatio, agentShare: share, overlapSeconds: overlap))
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

import Foundation
import SQLite

/// One `switchboard dialplan apply`, as the audit keeps it.
public struct DialplanApply: Sendable, Codable, Equatable {
    public var at: Date
    public var who: String
    /// What changed (`extensions_switchboard.conf +3 −1`).
    public var summary: String
    /// `applied`, `unchanged`, `rolled back: …`, `refused: …`.
    public var result: String

    public init(at: Date, who: String, summary: String, result: String) {
        self.at = at
        self.who = who
        self.summary = summary
        self.result = result
    }
}

extension Store {
    /// Appends an apply to the audit.
    public func dialplanApplied(_ apply: DialplanApply) throws {
        try db.execute("INSERT INTO dialplan_applies (at, who, summary, result) VALUES (?, ?, ?, ?)", [apply.at, apply.who, apply.summary, apply.result])
    }

    /// The audit, newest first.
    public func dialplanApplies(limit: Int = 50) throws -> [DialplanApply] {
        try db.query("SELECT at, who, summary, result FROM dialplan_applies ORDER BY id DESC LIMIT ?", [limit]) { row in
            DialplanApply(at: try row.value(0), who: try row.value(1), summary: try row.value(2), result: try row.value(3))
        }
    }
}

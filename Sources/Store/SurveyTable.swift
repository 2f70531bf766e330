import Core
import Foundation
import SQLite

/// The SQL for post-call survey answers.
enum SurveyTable {
    static func insert(_ db: Database, uniqueID: String, answers: [Int], at: Date) throws {
        for (index, answer) in answers.enumerated() {
            try db.execute("INSERT INTO survey_answers (uniqueid, question, answer, at) VALUES (?, ?, ?, ?)", [uniqueID, index + 1, answer, at])
        }
    }

    static func answers(_ db: Database, uniqueID: String) throws -> [Int] {
        try db.query("SELECT answer FROM survey_answers WHERE uniqueid = ? ORDER BY question", [uniqueID]) { try $0.value(0) }
    }
}

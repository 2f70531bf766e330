import Foundation
import SQLite
import TestSupport
import Testing

@Suite struct SQLiteTests {
    @Test func everyTypeBindsAndReadsBack() throws {
        let folder = try TemporaryDatabase()
        let db = try Database(path: folder.path)
        try db.execute("CREATE TABLE t (i INTEGER, r REAL, s TEXT, b BLOB, flag INTEGER, at REAL, maybe TEXT)")
        let date = Date(timeIntervalSince1970: 1_795_460_306.25)
        let blob: [UInt8] = [0, 1, 2, 255]
        try db.execute("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?)", [Int64.max, 3.5, "Zhōu 周 'quoted'", Data(blob), true, date, String?.none])
        let row = try #require(try db.queryFirst("SELECT i, r, s, b, flag, at, maybe FROM t") { row in
            (row[0] as Int64?, row[1] as Double?, row[2] as String?, row[3] as Data?, row[4] as Bool?, row[5] as Date?, row[6] as String?, row["s"] as String?)
        })
        #expect(row.0 == Int64.max)
        #expect(row.1 == 3.5)
        #expect(row.2 == "Zhōu 周 'quoted'")
        #expect(row.3 == Data(blob))
        #expect(row.4 == true)
        #expect(row.5 == date)
        #expect(row.6 == nil)
        #expect(row.7 == row.2)
        let bytes = try db.queryFirst("SELECT b FROM t") { $0[0] as [UInt8]? }
        #expect(bytes == blob)
        let wrongType = errorText { _ = try db.query("SELECT s FROM t") { try $0.value(0) as Int } }
        #expect(wrongType?.contains("column 0 holds 'Zhōu 周 ''quoted''', not Int") == true)
    }

    @Test func opensInWALWithForeignKeysAndFullSync() throws {
        let folder = try TemporaryDatabase()
        let db = try Database(path: folder.path)
        #expect(try db.queryFirst("PRAGMA journal_mode") { $0[0] as String? } == "wal")
        #expect(try db.queryFirst("PRAGMA foreign_keys") { $0[0] as Int? } == 1)
        #expect(try db.queryFirst("PRAGMA synchronous") { $0[0] as Int? } == 2)
        #expect(try db.integrityProblems().isEmpty)
    }

    @Test func errorsCarryCodeSQLAndArgumentsButNotSecrets() throws {
        let folder = try TemporaryDatabase()
        let db = try Database(path: folder.path)
        try db.execute("CREATE TABLE agents (id TEXT PRIMARY KEY, pin TEXT)")
        try db.execute("INSERT INTO agents VALUES (?, ?)", ["1001", Sensitive("secret-hash")])
        do {
            try db.execute("INSERT INTO agents VALUES (?, ?)", ["1001", Sensitive("secret-hash")])
            Issue.record("a duplicate key was accepted")
        } catch let error as SQLiteError {
            #expect(error.code == 1555)  // SQLITE_CONSTRAINT_PRIMARYKEY
            #expect(error.isConstraintViolation)
            #expect(error.sql == "INSERT INTO agents VALUES (?, ?)")
            #expect(error.arguments == ["'1001'", "***"])
            #expect(!error.description.contains("secret-hash"))
        }
        let bad = errorText { try db.execute("SELEC * FROM agents") }
        #expect(bad == "SQLite error 1: near \"SELEC\": syntax error — in: SELEC * FROM agents")
        let count = errorText { try db.execute("INSERT INTO agents VALUES (?, ?)", ["x"]) }
        #expect(count?.contains("1 arguments for 2 parameters") == true)
    }

    @Test func aSecondWriterIsBusyAfterItsTimeout() throws {
        let folder = try TemporaryDatabase()
        let first = try Database(path: folder.path)
        try first.execute("CREATE TABLE t (x INTEGER)")
        let second = try Database(path: folder.path, busyTimeout: .milliseconds(50))
        try first.execute("BEGIN IMMEDIATE")
        do {
            try second.execute("INSERT INTO t VALUES (1)")
            Issue.record("the second writer was not held off")
        } catch let error as SQLiteError {
            #expect(error.isBusy)
        }
        try first.execute("COMMIT")
        try second.execute("INSERT INTO t VALUES (1)")
    }

    @Test func aTransactionRollsBackWhenItsBodyThrows() throws {
        struct Stop: Error {}
        let folder = try TemporaryDatabase()
        let db = try Database(path: folder.path)
        try db.execute("CREATE TABLE t (x INTEGER)")
        #expect(throws: Stop.self) {
            try db.transaction {
                try db.execute("INSERT INTO t VALUES (1)")
                throw Stop()
            }
        }
        try db.transaction { try db.execute("INSERT INTO t VALUES (2)") }
        #expect(try db.query("SELECT x FROM t") { try $0.value(0) as Int } == [2])
    }

    @Test func onlineBackupCopiesEverything() throws {
        let folder = try TemporaryDatabase()
        let db = try Database(path: folder.path)
        try db.execute("CREATE TABLE t (x INTEGER, pad TEXT)")
        try db.transaction { for index in 0..<5000 { try db.execute("INSERT INTO t VALUES (?, ?)", [index, String(repeating: "x", count: 100)]) } }
        let copy = try Database(path: folder.file("copy.db"))
        var steps: [(Int, Int)] = []
        try db.backup(into: copy, pagesPerStep: 16) { steps.append(($0, $1)) }
        #expect(steps.count > 2)
        #expect(steps.last.map { $0.0 == $0.1 } == true)
        #expect(try copy.queryFirst("SELECT count(*), sum(x) FROM t") { [try $0.value(0) as Int, try $0.value(1) as Int] } == [5000, 12_497_500])
    }
}

import CSQLite
import Foundation

/// One SQLite connection, opened with explicit flags: WAL journal, `synchronous = FULL` (a
/// committed transaction is on disk before commit returns, so neither a crash nor a power cut
/// loses it), foreign keys on, a busy timeout, extended result codes.
///
/// Not Sendable: a connection belongs to one thread at a time (the store's writer executor, or
/// a reader's). Prepared statements are cached by their SQL text.
public final class Database {
    public enum Mode: Sendable {
        /// Read and write; the file is created if missing.
        case readWrite
        /// Read only: report and backup connections.
        case readOnly
    }

    public let path: String
    let handle: OpaquePointer
    private var statements: [String: Statement] = [:]

    public init(path: String, mode: Mode = .readWrite, busyTimeout: Duration = .seconds(5)) throws {
        self.path = path
        var flags = SQLITE_OPEN_NOMUTEX
        switch mode {
        case .readWrite: flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
        case .readOnly: flags |= SQLITE_OPEN_READONLY
        }
        var opened: OpaquePointer?
        let code = sqlite3_open_v2(path, &opened, flags, nil)
        guard let opened else { throw SQLiteError(code: code, message: "cannot open database", sql: path) }
        handle = opened
        guard code == SQLITE_OK else {
            let error = SQLiteError(code: sqlite3_extended_errcode(opened), message: String(cString: sqlite3_errmsg(opened)) + " (\(path))")
            sqlite3_close_v2(opened)
            throw error
        }
        sqlite3_extended_result_codes(handle, 1)
        sqlite3_busy_timeout(handle, Int32(busyTimeout / .milliseconds(1)))
        try execute("PRAGMA foreign_keys = ON")
        if mode == .readWrite {
            let journal = try query("PRAGMA journal_mode = WAL") { row in row[0] as String? }.first ?? nil
            guard journal?.lowercased() == "wal" else {
                throw SQLiteError(code: SQLITE_ERROR, message: "could not switch \(path) to WAL (journal mode \(journal ?? "unknown"))")
            }
            try execute("PRAGMA synchronous = FULL")
        }
        // 64 MB of page cache (SQLite's default is 2 MB): the indexes of a year of calls stay in
        // memory, so a write or a report does not read them back from the file each time.
        try execute("PRAGMA cache_size = -65536")
    }

    deinit {
        statements.values.forEach { $0.finalize() }
        sqlite3_close_v2(handle)
    }

    /// Runs one statement (cached) with `arguments`.
    public func execute(_ sql: String, _ arguments: [any SQLBindable] = []) throws {
        let statement = try prepared(sql)
        defer { statement.reset() }
        try statement.bind(arguments)
        while try statement.step() {}
    }

    /// Runs several statements separated by semicolons (migrations); nothing is cached.
    public func executeScript(_ sql: String) throws {
        var message: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(handle, sql, nil, nil, &message)
        guard code == SQLITE_OK else {
            let text = message.map { String(cString: $0) } ?? "error"
            sqlite3_free(message)
            throw SQLiteError(code: sqlite3_extended_errcode(handle), message: text, sql: Self.abbreviated(sql))
        }
    }

    /// Every row of a query, each turned into a value by `row`.
    public func query<T>(_ sql: String, _ arguments: [any SQLBindable] = [], _ row: (Row) throws -> T) throws -> [T] {
        let statement = try prepared(sql)
        defer { statement.reset() }
        try statement.bind(arguments)
        var results: [T] = []
        while try statement.step() {
            results.append(try row(Row(statement: statement)))
        }
        return results
    }

    /// The first row of a query, or nil when there is none.
    public func queryFirst<T>(_ sql: String, _ arguments: [any SQLBindable] = [], _ row: (Row) throws -> T) throws -> T? {
        let statement = try prepared(sql)
        defer { statement.reset() }
        try statement.bind(arguments)
        return try statement.step() ? try row(Row(statement: statement)) : nil
    }

    public enum TransactionKind: String, Sendable {
        /// Takes the write lock at BEGIN: writers never fail half-way with SQLITE_BUSY on upgrade.
        case immediate = "IMMEDIATE"
        case deferred = "DEFERRED"
    }

    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws.
    public func transaction<T>(_ kind: TransactionKind = .immediate, _ body: () throws -> T) throws -> T {
        try execute("BEGIN \(kind.rawValue)")
        let result: T
        do {
            result = try body()
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
        do {
            try execute("COMMIT")
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
        return result
    }

    /// Rows changed by the last INSERT, UPDATE or DELETE.
    public var changes: Int { Int(sqlite3_changes(handle)) }

    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// `PRAGMA user_version`: the schema version migrations track.
    public func userVersion() throws -> Int {
        try queryFirst("PRAGMA user_version") { try $0.value(0) as Int } ?? 0
    }

    public func setUserVersion(_ version: Int) throws {
        try execute("PRAGMA user_version = \(version)")
    }

    /// `PRAGMA integrity_check`: empty when the file is sound, else SQLite's findings.
    public func integrityProblems() throws -> [String] {
        let lines = try query("PRAGMA integrity_check") { try $0.value(0) as String }
        return lines == ["ok"] ? [] : lines
    }

    private func prepared(_ sql: String) throws -> Statement {
        if let cached = statements[sql] { return cached }
        var pointer: OpaquePointer?
        let code = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &pointer, nil)
        guard code == SQLITE_OK, let pointer else {
            throw SQLiteError(code: sqlite3_extended_errcode(handle), message: String(cString: sqlite3_errmsg(handle)), sql: sql)
        }
        let statement = Statement(handle: pointer, database: handle, sql: sql)
        statements[sql] = statement
        return statement
    }

    static func abbreviated(_ sql: String) -> String {
        let line = sql.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        return line.count > 200 ? String(line.prefix(200)) + "…" : line
    }
}

/// A failed SQLite call: the extended result code, SQLite's message, and the statement with its
/// arguments (those the caller marked secret are masked).
public struct SQLiteError: Error, CustomStringConvertible, Sendable {
    /// SQLite's extended result code (`SQLITE_CONSTRAINT_UNIQUE` = 2067, `SQLITE_BUSY` = 5, …).
    public var code: Int32
    public var message: String
    public var sql: String?
    public var arguments: [String]

    public init(code: Int32, message: String, sql: String? = nil, arguments: [String] = []) {
        self.code = code
        self.message = message
        self.sql = sql
        self.arguments = arguments
    }

    /// The primary result code (`SQLITE_CONSTRAINT` = 19 for every kind of constraint).
    public var primaryCode: Int32 { code & 0xFF }

    public var isConstraintViolation: Bool { primaryCode == 19 }
    public var isBusy: Bool { primaryCode == 5 || primaryCode == 6 }

    public var description: String {
        var text = "SQLite error \(code): \(message)"
        if let sql { text += " — in: \(sql)" }
        if !arguments.isEmpty { text += " — with: " + arguments.joined(separator: ", ") }
        return text
    }
}

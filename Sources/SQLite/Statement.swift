import CSQLite

/// SQLite's "transient" destructor: it copies bound text and blobs before `bind` returns.
private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// A prepared statement, owned and cached by its `Database`.
final class Statement {
    let handle: OpaquePointer
    let database: OpaquePointer
    let sql: String
    private var arguments: [any SQLBindable] = []
    private(set) lazy var columnIndexes: [String: Int32] = {
        var indexes: [String: Int32] = [:]
        for index in 0..<sqlite3_column_count(handle) {
            indexes[String(cString: sqlite3_column_name(handle, index))] = index
        }
        return indexes
    }()

    init(handle: OpaquePointer, database: OpaquePointer, sql: String) {
        self.handle = handle
        self.database = database
        self.sql = sql
    }

    func bind(_ arguments: [any SQLBindable]) throws {
        self.arguments = arguments
        let expected = Int(sqlite3_bind_parameter_count(handle))
        guard expected == arguments.count else {
            throw error(code: SQLITE_RANGE, message: "\(arguments.count) arguments for \(expected) parameters")
        }
        for (offset, argument) in arguments.enumerated() {
            let index = Int32(offset + 1)
            let code: Int32 = switch argument.sqlValue {
            case .null: sqlite3_bind_null(handle, index)
            case .integer(let value): sqlite3_bind_int64(handle, index, value)
            case .real(let value): sqlite3_bind_double(handle, index, value)
            case .text(let value): sqlite3_bind_text(handle, index, value, -1, transient)
            case .blob(let bytes): bytes.withUnsafeBytes { sqlite3_bind_blob(handle, index, $0.baseAddress, Int32($0.count), transient) }
            }
            guard code == SQLITE_OK else { throw error(code: code) }
        }
    }

    /// Advances; true while a row is available.
    func step() throws -> Bool {
        switch sqlite3_step(handle) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw error(code: sqlite3_extended_errcode(database))
        }
    }

    func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        arguments = []
    }

    func finalize() {
        sqlite3_finalize(handle)
    }

    func value(at index: Int32) -> SQLValue {
        switch sqlite3_column_type(handle, index) {
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(handle, index))
        case SQLITE_FLOAT: return .real(sqlite3_column_double(handle, index))
        case SQLITE_TEXT: return .text(String(cString: sqlite3_column_text(handle, index)))
        case SQLITE_BLOB:
            let count = Int(sqlite3_column_bytes(handle, index))
            guard count > 0, let bytes = sqlite3_column_blob(handle, index) else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: bytes, count: count)))
        default: return .null
        }
    }

    /// An error naming this statement and its arguments, secrets masked.
    func error(code: Int32, message: String? = nil) -> SQLiteError {
        SQLiteError(
            code: code, message: message ?? String(cString: sqlite3_errmsg(database)), sql: sql,
            arguments: arguments.map { $0 is any SecretArgument ? "***" : $0.sqlValue.description }
        )
    }
}

/// Marks an argument that must never appear in an error message (a PIN hash, a card number).
public protocol SecretArgument {}

/// A value bound like any other but shown as `***` in errors.
public struct Sensitive<Value: SQLBindable>: SQLBindable, SecretArgument {
    public var value: Value
    public init(_ value: Value) { self.value = value }
    public var sqlValue: SQLValue { value.sqlValue }
}

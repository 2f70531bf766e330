/// The current row of a query, valid inside the closure that receives it.
public struct Row {
    let statement: Statement

    /// The column's value, nil when it is NULL or does not convert to `T`.
    public subscript<T: SQLColumnReadable>(_ index: Int) -> T? {
        T(sqlValue: statement.value(at: Int32(index)))
    }

    public subscript<T: SQLColumnReadable>(_ name: String) -> T? {
        guard let index = statement.columnIndexes[name] else { return nil }
        return T(sqlValue: statement.value(at: index))
    }

    /// The column's value as `T`; a NULL or a value of another type is an error naming the column.
    public func value<T: SQLColumnReadable>(_ index: Int) throws -> T {
        let raw = statement.value(at: Int32(index))
        guard let value = T(sqlValue: raw) else {
            throw statement.error(code: 20, message: "column \(index) holds \(raw), not \(T.self)")
        }
        return value
    }

    public func value<T: SQLColumnReadable>(_ name: String) throws -> T {
        guard let index = statement.columnIndexes[name] else {
            throw statement.error(code: 1, message: "no column named \(name)")
        }
        return try value(Int(index))
    }
}

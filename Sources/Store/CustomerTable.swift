import Core
import Foundation
import SQLite

/// The SQL for customers and their phone numbers.
enum CustomerTable {
    static func insert(_ db: Database, _ draft: CustomerDraft, plan: PhoneNumberPlan, at: Date) throws -> Int64 {
        try db.execute(
            "INSERT INTO customers (name, vip_tier, language, notes, created_at) VALUES (?, ?, ?, ?, ?)",
            [draft.name, draft.vipTier, draft.language, draft.notes, at]
        )
        let id = db.lastInsertRowID
        for number in draft.phones {
            guard let key = plan.key(number) else { throw StoreError.invalid("'\(number)' is not a phone number") }
            try db.execute("INSERT OR IGNORE INTO customer_phones (customer_id, number, match_key) VALUES (?, ?, ?)", [id, number, key])
        }
        return id
    }

    /// Customers whose number matches `key`, oldest first.
    static func ids(_ db: Database, matchKey key: String) throws -> [Int64] {
        try db.query("SELECT customer_id FROM customer_phones WHERE match_key = ? ORDER BY customer_id", [key]) { try $0.value(0) }
    }

    static func load(_ db: Database, ids: [Int64]? = nil, limit: Int = -1, offset: Int = 0) throws -> [Customer] {
        let filter = ids.map { " WHERE id IN (\($0.map { _ in "?" }.joined(separator: ",")))" } ?? ""
        var arguments: [any SQLBindable] = ids ?? []
        arguments += [limit, offset]
        var customers = try db.query("SELECT id, name, vip_tier, language, notes, created_at FROM customers\(filter) ORDER BY id LIMIT ? OFFSET ?", arguments) { row in
            Customer(
                id: try row.value(0), name: try row.value(1), phones: [], vipTier: try row.value(2),
                language: row[3], notes: row[4], createdAt: try row.value(5)
            )
        }
        for index in customers.indices {
            customers[index].phones = try db.query("SELECT number FROM customer_phones WHERE customer_id = ? ORDER BY id", [customers[index].id]) { try $0.value(0) }
        }
        return customers
    }
}

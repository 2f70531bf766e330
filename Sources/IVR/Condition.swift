import Foundation

/// A `when =` expression: terms separated by commas, all of which must hold; `not` before a
/// term negates it.
///
/// Terms: days (`weekdays`, `weekends`, `mon`…`sun`, `mon-fri`), a time range (`09:00-18:00`),
/// `holiday` (the flow's calendar), a date (`2026-12-25`), the caller's customer (`vip`,
/// `tier >= 2`, `found`), the caller's number (`caller = 138*`), the language
/// (`language = zh`), or a variable (`${NAME} = value`, with `=`, `!=`, `<`, `<=`, `>`, `>=`).
public struct Condition: Sendable {
    public enum Term: Sendable, Equatable {
        case days(Set<Int>)
        case time(fromMinute: Int, toMinute: Int)
        case holiday
        case date(String)
        case found
        case vip
        case tier(Comparison, Int)
        case caller(pattern: String)
        case language(String)
        case variable(name: String, Comparison, value: String)
    }

    public enum Comparison: String, Sendable, CaseIterable {
        case lessOrEqual = "<=", greaterOrEqual = ">=", notEqual = "!=", equal = "=", less = "<", greater = ">"
    }

    public var terms: [(term: Term, negated: Bool)]
    public var text: String

    static let dayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]

    /// Parses `text`; throws a message naming the term that does not read.
    public init(parsing text: String) throws {
        self.text = text
        terms = try text.split(separator: ",").map { raw in
            var word = raw.trimmingCharacters(in: .whitespaces)
            var negated = false
            if word.lowercased().hasPrefix("not ") {
                negated = true
                word = String(word.dropFirst(4)).trimmingCharacters(in: .whitespaces)
            }
            return (try Self.term(word), negated)
        }
        if terms.isEmpty { throw ConditionError("an empty condition") }
    }

    private static func term(_ word: String) throws -> Term {
        let lower = word.lowercased()
        switch lower {
        case "weekdays": return .days([1, 2, 3, 4, 5])
        case "weekends": return .days([0, 6])
        case "holiday": return .holiday
        case "found": return .found
        case "vip": return .vip
        default: break
        }
        if let index = dayNames.firstIndex(of: lower) { return .days([index]) }
        let dayRange = lower.split(separator: "-").map(String.init)
        if dayRange.count == 2, let from = dayNames.firstIndex(of: dayRange[0]), let to = dayNames.firstIndex(of: dayRange[1]) {
            return .days(Set(from <= to ? Array(from...to) : Array(from...6) + Array(0...to)))
        }
        if lower.range(of: #"^\d{1,2}:\d{2}-\d{1,2}:\d{2}$"#, options: .regularExpression) != nil {
            let parts = lower.split(separator: "-").map { minutes(String($0)) }
            guard let from = parts[0], let to = parts[1] else { throw ConditionError("'\(word)' is not a time range such as 09:00-18:00") }
            return .time(fromMinute: from, toMinute: to)
        }
        if lower.range(of: #"^\d{4}-\d{2}-\d{2}$"#, options: .regularExpression) != nil { return .date(lower) }
        for comparison in Comparison.allCases {
            guard let range = word.range(of: comparison.rawValue) else { continue }
            let left = word[..<range.lowerBound].trimmingCharacters(in: .whitespaces)
            let right = word[range.upperBound...].trimmingCharacters(in: .whitespaces)
            switch left.lowercased() {
            case "tier":
                guard let value = Int(right) else { throw ConditionError("'\(word)': tier compares with a number") }
                return .tier(comparison, value)
            case "caller" where comparison == .equal: return .caller(pattern: right)
            case "language" where comparison == .equal: return .language(right.lowercased())
            default:
                if left.hasPrefix("${"), left.hasSuffix("}") { return .variable(name: String(left.dropFirst(2).dropLast()), comparison, value: right) }
                throw ConditionError("'\(word)' compares '\(left)': use tier, caller, language or ${VARIABLE}")
            }
        }
        throw ConditionError("'\(word)' is not a condition (days, 09:00-18:00, holiday, vip, tier >= N, caller = 138*, ${VAR} = value)")
    }

    static func minutes(_ text: String) -> Int? {
        let parts = text.split(separator: ":").compactMap { Int($0) }
        guard parts.count == 2, (0...24).contains(parts[0]), (0...59).contains(parts[1]), parts[0] * 60 + parts[1] <= 1440 else { return nil }
        return parts[0] * 60 + parts[1]
    }

    /// What a condition is evaluated against.
    public struct Context: Sendable {
        /// 0 = Sunday.
        public var weekday: Int
        public var minuteOfDay: Int
        /// `YYYY-MM-DD`.
        public var date: String
        public var holidays: Set<String>
        public var callerNumber: String?
        public var customerFound: Bool
        public var tier: Int
        public var language: String
        public var variables: [String: String]
    }

    /// Whether it holds at a local minute for no caller in particular (opening hours: days,
    /// times, dates and `holiday`; terms about the caller are as for an unknown one).
    public func holds(weekday: Int, minuteOfDay: Int, date: String, holidays: Set<String>) -> Bool {
        holds(in: Context(
            weekday: weekday, minuteOfDay: minuteOfDay, date: date, holidays: holidays, callerNumber: nil, customerFound: false, tier: 0,
            language: "", variables: [:]
        ))
    }

    public func holds(in context: Context) -> Bool {
        terms.allSatisfy { Self.holds($0.term, context) != $0.negated }
    }

    private static func holds(_ term: Term, _ context: Context) -> Bool {
        switch term {
        case .days(let days): return days.contains(context.weekday)
        case .time(let from, let to):
            return from <= to ? (from..<to).contains(context.minuteOfDay) : context.minuteOfDay >= from || context.minuteOfDay < to
        case .holiday: return context.holidays.contains(context.date)
        case .date(let date): return context.date == date
        case .found: return context.customerFound
        case .vip: return context.tier > 0
        case .tier(let comparison, let value): return compare(Double(context.tier), comparison, Double(value))
        case .caller(let pattern):
            guard let number = context.callerNumber else { return false }
            return pattern.hasSuffix("*") ? number.hasPrefix(pattern.dropLast()) : number == pattern
        case .language(let language): return context.language.lowercased() == language
        case .variable(let name, let comparison, let value):
            let actual = context.variables[name] ?? ""
            if let left = Double(actual), let right = Double(value) { return compare(left, comparison, right) }
            switch comparison {
            case .equal: return actual == value
            case .notEqual: return actual != value
            default: return compare(actual, comparison, value)
            }
        }
    }

    private static func compare<T: Comparable>(_ left: T, _ comparison: Comparison, _ right: T) -> Bool {
        switch comparison {
        case .equal: left == right
        case .notEqual: left != right
        case .less: left < right
        case .lessOrEqual: left <= right
        case .greater: left > right
        case .greaterOrEqual: left >= right
        }
    }
}

public struct ConditionError: Error, CustomStringConvertible, Sendable {
    public var description: String
    init(_ description: String) { self.description = description }
}

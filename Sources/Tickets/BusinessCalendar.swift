import Foundation
import Synchronization

/// When the call center is open, in its own time zone, and the arithmetic of open time: the
/// moment N open seconds after another, and the open seconds between two moments. What counts
/// as open is a predicate over a local minute, so the IVR's own opening hours and holiday
/// calendar (a flow's condition) are the one definition for both. Each local day's open minutes
/// are worked out once and kept.
public final class BusinessCalendar: Sendable {
    /// A minute of a local day.
    public struct Minute: Sendable {
        /// `YYYY-MM-DD`.
        public var date: String
        /// 0 = Sunday.
        public var weekday: Int
        public var minuteOfDay: Int
    }

    public let zone: TimeZone
    private let isOpen: @Sendable (Minute) -> Bool
    private let calendar: Calendar
    /// Open minute ranges of each local day seen, by date.
    private let days = Mutex<[String: [Range<Int>]]>([:])
    /// How far ahead to look for open time before giving up (a calendar that is never open).
    static let searchDays = 3660

    public init(zone: TimeZone, isOpen: @escaping @Sendable (Minute) -> Bool) {
        self.zone = zone
        self.isOpen = isOpen
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        self.calendar = calendar
    }

    /// Open all the time.
    public static func always(in zone: TimeZone) -> BusinessCalendar { BusinessCalendar(zone: zone) { _ in true } }

    /// The moment `seconds` of open time after `start`; `distantFuture` if the calendar is never open.
    public func adding(_ seconds: Double, to start: Date) -> Date {
        var left = max(0, seconds)
        var result: Date?
        walk(from: start) { open in
            let from = max(open.lowerBound, start)
            guard from < open.upperBound else { return true }
            let available = open.upperBound.timeIntervalSince(from)
            if left <= available {
                result = from.addingTimeInterval(left)
                return false
            }
            left -= available
            return true
        }
        return result ?? .distantFuture
    }

    /// Open seconds within `from ..< to`.
    public func openSeconds(from: Date, to: Date) -> Double {
        guard from < to else { return 0 }
        var total = 0.0
        walk(from: from) { open in
            guard open.lowerBound < to else { return false }
            let start = max(open.lowerBound, from), end = min(open.upperBound, to)
            if start < end { total += end.timeIntervalSince(start) }
            return true
        }
        return total
    }

    /// Whether `moment` is in open time.
    public func isOpen(at moment: Date) -> Bool {
        let day = calendar.startOfDay(for: moment)
        let minute = Int(moment.timeIntervalSince(day) / 60)
        return openMinutes(of: day).contains { $0.contains(minute) }
    }

    /// Calls `body` with each open stretch from the day holding `start` on, in order, until it
    /// returns false or `searchDays` have passed.
    private func walk(from start: Date, _ body: (Range<Date>) -> Bool) {
        var day = calendar.startOfDay(for: start)
        for _ in 0..<Self.searchDays {
            guard let next = calendar.date(byAdding: .day, value: 1, to: day) else { return }
            for minutes in openMinutes(of: day) {
                let open = moment(day, minutes.lowerBound, next: next)..<moment(day, minutes.upperBound, next: next)
                if !body(open) { return }
            }
            day = next
        }
    }

    /// The moment `minute` minutes into the local day `day` by the clock on the wall.
    private func moment(_ day: Date, _ minute: Int, next: Date) -> Date {
        if minute >= 1440 { return next }
        return calendar.date(bySettingHour: minute / 60, minute: minute % 60, second: 0, of: day) ?? day.addingTimeInterval(Double(minute) * 60)
    }

    private func openMinutes(of day: Date) -> [Range<Int>] {
        let parts = calendar.dateComponents([.year, .month, .day, .weekday], from: day)
        let date = String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
        if let known = days.withLock({ $0[date] }) { return known }
        let weekday = (parts.weekday ?? 1) - 1
        var ranges: [Range<Int>] = []
        var runStart: Int?
        for minute in 0...1440 {
            let open = minute < 1440 && isOpen(Minute(date: date, weekday: weekday, minuteOfDay: minute))
            if open, runStart == nil { runStart = minute }
            if !open, let begun = runStart {
                ranges.append(begun..<minute)
                runStart = nil
            }
        }
        days.withLock { days in
            // Bounded: a year and more of days is plenty for any due time.
            if days.count > 800 { days = [:] }
            days[date] = ranges
        }
        return ranges
    }
}

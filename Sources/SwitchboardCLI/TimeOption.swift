import Foundation

extension ParsedCommand {
    /// A time option read in the call center's time zone: `2026-11-23`, `2026-11-23 20:00`,
    /// `today` or `yesterday` (their midnight). Nil when the option is not given.
    func time(_ name: String, in timeZone: TimeZone) throws -> Date? {
        guard let text = value(name) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        switch text {
        case "today": return calendar.startOfDay(for: Date())
        case "yesterday": return calendar.date(byAdding: .day, value: -1, to: calendar.startOfDay(for: Date()))
        default: break
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = timeZone
        for format in ["yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: text) { return date }
        }
        throw UsageError(message: "--\(name) '\(text)' is not a time such as 2026-11-23, \"2026-11-23 20:00\", today or yesterday", commandPath: path)
    }
}

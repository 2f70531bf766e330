import Foundation

/// How a report cuts its period: 15 or 30 minutes, an hour or a day, in the call center's time
/// zone. Tallies are kept per 15 minutes of UTC, and every zone's offset is a multiple of 15
/// minutes, so each longer interval is a whole number of them.
public enum ReportInterval: String, Sendable, CaseIterable, Codable {
    case quarterHour = "15m"
    case halfHour = "30m"
    case hour = "1h"
    case day = "1d"

    /// The length the store keeps tallies in.
    public static let tallySeconds = 900.0

    /// The start of the interval holding `time`, in `zone`.
    public func start(of time: Date, in zone: TimeZone) -> Date {
        switch self {
        case .day:
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = zone
            return calendar.startOfDay(for: time)
        default:
            let length = self == .quarterHour ? 900.0 : self == .halfHour ? 1800 : 3600
            let offset = Double(zone.secondsFromGMT(for: time))
            let local = time.timeIntervalSince1970 + offset
            return Date(timeIntervalSince1970: (local / length).rounded(.down) * length - offset)
        }
    }

    /// The 15-minute tally interval holding `time`.
    public static func tallyStart(of time: Date) -> Date {
        Date(timeIntervalSince1970: (time.timeIntervalSince1970 / tallySeconds).rounded(.down) * tallySeconds)
    }
}

import Foundation

/// Where a call's recording goes, from `[recordings] name`: `{queue}`, `{yyyy}`, `{mm}`, `{dd}`
/// (the call center's day), `{uniqueid}` and `{agent}` filled in, under `[general] recordings`.
struct RecordingName: Sendable {
    static let defaultPattern = "{queue}/{yyyy}/{mm}/{dd}/{uniqueid}.wav"

    var folder: String
    var pattern = Self.defaultPattern
    var zone = TimeZone.current

    func path(queue: String, uniqueID: String, agent: String?, at date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let day = calendar.dateComponents([.year, .month, .day], from: date)
        let values = [
            "{queue}": Self.safe(queue), "{uniqueid}": Self.safe(uniqueID), "{agent}": Self.safe(agent ?? "none"),
            "{yyyy}": String(format: "%04d", day.year ?? 0), "{mm}": String(format: "%02d", day.month ?? 0), "{dd}": String(format: "%02d", day.day ?? 0),
        ]
        var name = pattern
        for (token, value) in values { name = name.replacingOccurrences(of: token, with: value) }
        return folder + "/" + name
    }

    /// A name part without path separators or dialplan specials (a queue named `a/b` or `x,y`).
    static func safe(_ text: String) -> String {
        String(text.map { $0.isLetter || $0.isNumber || "-_.".contains($0) ? $0 : "_" })
    }
}

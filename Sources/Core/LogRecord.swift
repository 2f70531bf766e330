import Foundation

/// One log line before it is formatted.
public struct LogRecord: Sendable {
    public var time: Date
    public var level: LogLevel
    public var label: String
    public var message: String
    public var metadata: [(key: String, value: String)]

    /// `2026-11-23T20:00:00.123Z info [agi] message key=value key2="two words"`.
    ///
    /// Values under a key that names a secret are masked here, and so is every text in
    /// `redacting` wherever it appears, so that a secret handed to the logger by mistake is
    /// still not printed.
    public func formatted(redacting secrets: [String] = []) -> String {
        var line = Self.timestamp(time)
        line += " \(level) [\(label)] \(message)"
        for (key, value) in metadata {
            let shown = LogRecord.isSecretKey(key) ? Secret.mask : value
            line += " \(key)=\(LogRecord.quoted(shown))"
        }
        for secret in secrets where !secret.isEmpty {
            line = line.replacingOccurrences(of: secret, with: Secret.mask)
        }
        return line
    }

    static func isSecretKey(_ key: String) -> Bool {
        let lowered = key.lowercased()
        return ["secret", "password", "passwd", "pin", "key"].contains { lowered.contains($0) }
    }

    static func quoted(_ value: String) -> String {
        if !value.isEmpty, !value.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" || $0.isNewline }) {
            return value
        }
        var escaped = "\""
        for character in value {
            switch character {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            default: escaped.append(character)
            }
        }
        return escaped + "\""
    }

    static func timestamp(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        let millis = Int((date.timeIntervalSince1970 - Double(seconds)) * 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
            parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
            parts.tm_hour, parts.tm_min, parts.tm_sec, millis
        )
    }
}

/// A line of a configuration file, for messages in the `file:line: what is wrong` form.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int

    public init(file: String, line: Int) {
        self.file = file
        self.line = line
    }

    public var description: String { "\(file):\(line)" }
}

/// One finding about a configuration file.
public struct ConfigDiagnostic: Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable {
        case error
        case warning
    }

    public var severity: Severity
    public var location: SourceLocation?
    public var message: String

    public static func error(_ message: String, at location: SourceLocation?) -> ConfigDiagnostic {
        ConfigDiagnostic(severity: .error, location: location, message: message)
    }

    public static func warning(_ message: String, at location: SourceLocation?) -> ConfigDiagnostic {
        ConfigDiagnostic(severity: .warning, location: location, message: message)
    }

    /// `file:line: message`, with `warning: ` before warnings.
    public var description: String {
        let prefix = location.map { "\($0): " } ?? ""
        return severity == .warning ? "\(prefix)warning: \(message)" : "\(prefix)\(message)"
    }
}

/// A configuration that cannot be used: every error found, not only the first.
public struct ConfigError: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [ConfigDiagnostic]

    public init(_ diagnostics: [ConfigDiagnostic]) { self.diagnostics = diagnostics }

    public static func at(_ location: SourceLocation?, _ message: String) -> ConfigError {
        ConfigError([.error(message, at: location)])
    }

    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}

import Core
/// One command of the `switchboard` tool: its words, options, arguments, help and action.
///
/// Commands are values, so the whole tree can be walked for help, for suggestions of the
/// nearest spelling, and by tests.
struct CommandSpec: Sendable {
    typealias Action = @Sendable (ParsedCommand, Terminal) async throws -> Void

    var name: String
    var summary: String
    var discussion: String?
    var options: [OptionSpec] = []
    var arguments: [ArgumentSpec] = []
    var subcommands: [CommandSpec] = []
    var action: Action?

    func subcommand(_ name: String) -> CommandSpec? {
        subcommands.first { $0.name == name }
    }
}

/// `--name VALUE`, `--name=VALUE`, or a flag `--name`; optionally a one-letter `-n` too.
struct OptionSpec: Sendable {
    var name: String
    var short: Character?
    /// nil for a flag; otherwise how help names the value (`FILE`, `N`).
    var valueName: String?
    var help: String

    static func flag(_ name: String, short: Character? = nil, _ help: String) -> OptionSpec {
        OptionSpec(name: name, short: short, valueName: nil, help: help)
    }

    static func value(_ name: String, _ valueName: String, short: Character? = nil, _ help: String) -> OptionSpec {
        OptionSpec(name: name, short: short, valueName: valueName, help: help)
    }

    static let json = OptionSpec.flag("json", "print JSON instead of text")
    static let config = OptionSpec.value(
        "config", "FILE", short: "c",
        "configuration file (default: $SWITCHBOARD_CONFIG, then /etc/asterisk/switchboard.conf, then built-in defaults)"
    )
}

/// A positional argument.
struct ArgumentSpec: Sendable {
    var name: String
    var help: String
    var isOptional = false
    /// Takes every remaining word (`QUEUE…`); only the last argument may.
    var repeats = false
}

/// What the user typed, matched against a command.
struct ParsedCommand: Sendable {
    var path: [String]
    var values: [String: String] = [:]
    var flags: Set<String> = []
    var arguments: [String] = []

    func value(_ name: String) -> String? { values[name] }
    func flag(_ name: String) -> Bool { flags.contains(name) }

    /// An integer option, with its default, or a usage error naming the option and the range.
    func integer(_ name: String, default fallback: Int, range: ClosedRange<Int>) throws -> Int {
        try option(name, default: fallback, range: range, kind: "a whole number", Int.init)
    }

    /// A decimal option, with its default, or a usage error naming the option and the range.
    func number(_ name: String, default fallback: Double, range: ClosedRange<Double>) throws -> Double {
        try option(name, default: fallback, range: range, kind: "a number", Double.init)
    }

    private func option<Value: Comparable>(
        _ name: String, default fallback: Value, range: ClosedRange<Value>, kind: String, _ parse: (String) -> Value?
    ) throws -> Value {
        guard let text = value(name) else { return fallback }
        guard let parsed = parse(text), range.contains(parsed) else {
            throw UsageError(message: "--\(name) must be \(kind) from \(range.lowerBound) to \(range.upperBound), not '\(text)'", commandPath: path)
        }
        return parsed
    }
}

/// One AGI command line, built from words and arguments with Asterisk's quoting.
///
/// Asterisk splits a command line on spaces; double quotes group words, a backslash escapes a
/// quote or a backslash, and `""` is an empty argument (`parse_args` in res_agi.c). Free-text
/// arguments are always quoted, so a value with spaces or quotes cannot shift the arguments
/// after it. Asterisk reads at most 2047 bytes per command (`AGI_BUF_LEN`); longer is refused here.
public struct AGICommand: Sendable, Equatable, CustomStringConvertible {
    public static let maxLineLength = 2047

    public enum Argument: Sendable, Equatable {
        /// Sent as is: numbers, names, digits.
        case bare(String)
        /// Sent in double quotes with `"` and `\` escaped.
        case quoted(String)
    }

    /// How long a reply may take before the session gives up on Asterisk.
    public enum ReplyTime: Sendable, Equatable {
        /// Asterisk answers at once (variables, settings).
        case immediate
        /// Plays or listens on the channel: as long as a prompt or a recording may last.
        case media
        /// Runs an application: a Dial lasts as long as the call; only a dead peer ends the wait.
        case unbounded
    }

    public var words: [String]
    public var arguments: [Argument]
    public var replyTime: ReplyTime

    public init(_ words: String, _ arguments: [Argument] = [], replyTime: ReplyTime = .immediate) {
        self.words = words.split(separator: " ").map(String.init)
        self.arguments = arguments
        self.replyTime = replyTime
    }

    /// A line sent exactly as given; for tests and tools that probe Asterisk.
    public static func raw(_ line: String) -> AGICommand {
        var command = AGICommand("", [])
        command.words = [line]
        return command
    }

    /// The command words, e.g. `STREAM FILE`: what logs and errors name.
    public var name: String { words.joined(separator: " ") }

    public var description: String { line }

    public var line: String {
        (words + arguments.map(\.encoded)).joined(separator: " ")
    }

    /// The bytes to send, newline included, or why they cannot be sent.
    public func encoded() throws(AGIError) -> [UInt8] {
        let text = line
        if text.contains(where: { $0 == "\n" || $0 == "\r" }) {
            throw .unencodable(command: name, reason: "an argument contains a line break")
        }
        let bytes = Array(text.utf8)
        if bytes.count > Self.maxLineLength {
            throw .unencodable(command: name, reason: "\(bytes.count) bytes, Asterisk reads at most \(Self.maxLineLength)")
        }
        return bytes + [0x0A]
    }
}

extension AGICommand.Argument {
    var encoded: String {
        switch self {
        case .bare(let text):
            return text.isEmpty ? "\"\"" : text
        case .quoted(let text):
            var result = "\""
            for character in text {
                if character == "\"" || character == "\\" { result.append("\\") }
                result.append(character)
            }
            return result + "\""
        }
    }
}

extension AGICommand.Argument: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
    public init(stringLiteral value: String) { self = .bare(value) }
    public init(integerLiteral value: Int) { self = .bare(String(value)) }
}

/// Splits a command line as Asterisk's `parse_args` does; the simulator uses it to read commands.
public func parseAGIArguments(_ line: String) -> [String] {
    var arguments: [String] = []
    var current = ""
    var quoted = false
    var escaped = false
    var inWord = false
    for character in line {
        switch character {
        case "\"" where !escaped:
            quoted.toggle()
            if quoted, !inWord {
                inWord = true
            }
        case " ", "\t":
            if !quoted, !escaped {
                if inWord { arguments.append(current) }
                current = ""
                inWord = false
            } else {
                current.append(character)
                inWord = true
                escaped = false
            }
        case "\\" where !escaped:
            escaped = true
        default:
            current.append(character)
            inWord = true
            escaped = false
        }
    }
    if inWord { arguments.append(current) }
    return arguments
}

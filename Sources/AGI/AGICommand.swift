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

    /// The command words, e.g. `STREAM FILE`: what logs and errors name.
    public var name: String
    public var arguments: [Argument]
    public var replyTime: ReplyTime

    public init(_ name: String, _ arguments: [Argument] = [], replyTime: ReplyTime = .immediate) {
        self.name = name
        self.arguments = arguments
        self.replyTime = replyTime
    }

    /// A line sent exactly as given; for tests and tools that probe Asterisk.
    public static func raw(_ line: String) -> AGICommand {
        AGICommand(line)
    }

    public var description: String { line }

    public var line: String { String(decoding: lineBytes, as: UTF8.self) }

    /// The bytes to send, newline included, or why they cannot be sent.
    public func encoded() throws(AGIError) -> [UInt8] {
        var bytes = lineBytes
        if bytes.contains(0x0A) || bytes.contains(0x0D) {
            throw .unencodable(command: name, reason: "an argument contains a line break")
        }
        if bytes.count > Self.maxLineLength {
            throw .unencodable(command: name, reason: "\(bytes.count) bytes, Asterisk reads at most \(Self.maxLineLength)")
        }
        bytes.append(0x0A)
        return bytes
    }

    /// The words and the arguments, quoted, one space apart; built on bytes (a command is sent
    /// for every prompt and digit, so no per-character string work).
    private var lineBytes: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(name.utf8.count + arguments.reduce(0) { $0 + $1.text.utf8.count + 3 } + 1)
        bytes.append(contentsOf: name.utf8)
        for argument in arguments {
            bytes.append(0x20)
            argument.encode(into: &bytes)
        }
        return bytes
    }
}

extension AGICommand.Argument {
    var text: String {
        switch self {
        case .bare(let text), .quoted(let text): text
        }
    }

    /// Appends the argument as Asterisk reads it: bare (`""` when empty), or in double quotes
    /// with `"` and `\` escaped.
    func encode(into bytes: inout [UInt8]) {
        switch self {
        case .bare(let text):
            if text.isEmpty { bytes.append(contentsOf: [0x22, 0x22]) } else { bytes.append(contentsOf: text.utf8) }
        case .quoted(let text):
            bytes.append(0x22)
            for byte in text.utf8 {
                if byte == 0x22 || byte == 0x5C { bytes.append(0x5C) }
                bytes.append(byte)
            }
            bytes.append(0x22)
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

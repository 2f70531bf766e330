import Foundation

/// What a playback or prompt returned: the digit that interrupted it, if any, and where it stopped.
public struct PlaybackResult: Sendable, Equatable {
    public var digit: Character?
    public var endpos: Int?
}

/// Digits read by GET DATA, and whether it stopped by timing out rather than on max digits or `#`.
public struct DigitInput: Sendable, Equatable {
    public var digits: String
    public var timedOut: Bool

    public init(digits: String, timedOut: Bool) {
        self.digits = digits
        self.timedOut = timedOut
    }
}

/// CHANNEL STATUS values (`ast_channel_state`).
public enum ChannelStatus: Int, Sendable {
    case down = 0, reserved, offHook, dialing, ring, ringing, up, busy
}

/// How RECORD FILE ended.
public struct RecordingResult: Sendable, Equatable {
    /// `timeout`, `dtmf`, `hangup` or nil (silence detected / finished).
    public var reason: String?
    public var digit: Character?
    public var endpos: Int?
}

extension AGISession {
    public func answer() async throws {
        _ = try await runOnChannel(AGICommand("ANSWER"))
    }

    /// Asks Asterisk to hang the channel up. On a channel that is already gone (511) this is
    /// not an error: the goal is reached.
    public func hangup() async throws {
        do {
            try await run(AGICommand("HANGUP"))
        } catch AGIError.hangup {
            return
        }
    }

    /// STREAM FILE: plays `file` (no extension), interruptible by `escapeDigits`.
    public func streamFile(_ file: String, escapeDigits: String = "", offset: Int? = nil) async throws -> PlaybackResult {
        var arguments: [AGICommand.Argument] = [.bare(file), .quoted(escapeDigits)]
        if let offset { arguments.append(.bare(String(offset))) }
        let reply = try await runOnChannel(AGICommand("STREAM FILE", consume arguments, replyTime: .media))
        return PlaybackResult(digit: Self.digit(fromASCII: reply.resultCode), endpos: reply.endpos)
    }

    /// CONTROL STREAM FILE: playback the caller can skip (`forward`/`rewind` keys) and pause.
    public func controlStreamFile(
        _ file: String, escapeDigits: String = "", skipMilliseconds: Int = 3000,
        forward: String = "#", rewind: String = "*", pause: String = ""
    ) async throws -> PlaybackResult {
        var arguments: [AGICommand.Argument] = [.bare(file), .quoted(escapeDigits), .bare(String(skipMilliseconds)), .quoted(forward), .quoted(rewind)]
        if !pause.isEmpty { arguments.append(.quoted(pause)) }
        let reply = try await runOnChannel(AGICommand("CONTROL STREAM FILE", consume arguments, replyTime: .media))
        return PlaybackResult(digit: Self.digit(fromASCII: reply.resultCode), endpos: reply.endpos)
    }

    /// GET DATA: plays `file` and collects up to `maxDigits` digits (`#` ends early).
    public func getData(_ file: String, timeout: Duration? = nil, maxDigits: Int? = nil) async throws -> DigitInput {
        var arguments: [AGICommand.Argument] = [.bare(file)]
        if let timeout {
            arguments.append(.bare(String(Self.milliseconds(timeout))))
            if let maxDigits { arguments.append(.bare(String(maxDigits))) }
        } else if let maxDigits {
            arguments += [.bare("0"), .bare(String(maxDigits))]
        }
        let reply = try await runOnChannel(AGICommand("GET DATA", consume arguments, replyTime: .media))
        return DigitInput(digits: reply.result, timedOut: reply.data == "timeout")
    }

    /// GET OPTION: like STREAM FILE, then waits `timeout` for one of `escapeDigits`.
    public func getOption(_ file: String, escapeDigits: String, timeout: Duration? = nil) async throws -> PlaybackResult {
        var arguments: [AGICommand.Argument] = [.bare(file), .quoted(escapeDigits)]
        if let timeout { arguments.append(.bare(String(Self.milliseconds(timeout)))) }
        let reply = try await runOnChannel(AGICommand("GET OPTION", consume arguments, replyTime: .media))
        return PlaybackResult(digit: Self.digit(fromASCII: reply.resultCode), endpos: reply.endpos)
    }

    /// WAIT FOR DIGIT: the digit pressed, nil on timeout. nil `timeout` waits for ever.
    public func waitForDigit(timeout: Duration?) async throws -> Character? {
        let milliseconds = timeout.map(Self.milliseconds) ?? -1
        let reply = try await runOnChannel(AGICommand("WAIT FOR DIGIT", [.bare(String(milliseconds))], replyTime: .media))
        return Self.digit(fromASCII: reply.resultCode)
    }

    public func sayNumber(_ number: Int, escapeDigits: String = "", gender: String? = nil) async throws -> Character? {
        var arguments: [AGICommand.Argument] = [.bare(String(number)), .quoted(escapeDigits)]
        if let gender { arguments.append(.bare(gender)) }
        return try await say("SAY NUMBER", consume arguments)
    }

    public func sayDigits(_ digits: String, escapeDigits: String = "") async throws -> Character? {
        try await say("SAY DIGITS", [.bare(digits), .quoted(escapeDigits)])
    }

    public func sayAlpha(_ text: String, escapeDigits: String = "") async throws -> Character? {
        try await say("SAY ALPHA", [.bare(text), .quoted(escapeDigits)])
    }

    public func sayDate(_ date: Date, escapeDigits: String = "") async throws -> Character? {
        try await say("SAY DATE", [.bare(String(Int(date.timeIntervalSince1970))), .quoted(escapeDigits)])
    }

    public func sayTime(_ date: Date, escapeDigits: String = "") async throws -> Character? {
        try await say("SAY TIME", [.bare(String(Int(date.timeIntervalSince1970))), .quoted(escapeDigits)])
    }

    private func say(_ verb: String, _ arguments: consuming [AGICommand.Argument]) async throws -> Character? {
        let reply = try await runOnChannel(AGICommand(verb, consume arguments, replyTime: .media))
        return Self.digit(fromASCII: reply.resultCode)
    }

    /// RECORD FILE: records to `file`.`format` until a digit in `escapeDigits`, `maxDuration`,
    /// or `silence` of quiet.
    public func recordFile(
        _ file: String, format: String = "wav", escapeDigits: String = "#", maxDuration: Duration,
        beep: Bool = true, silence: Duration? = nil
    ) async throws -> RecordingResult {
        var arguments: [AGICommand.Argument] = [
            .bare(file), .bare(format), .quoted(escapeDigits), .bare(String(Self.milliseconds(maxDuration))),
        ]
        if beep { arguments.append(.bare("BEEP")) }
        if let silence { arguments.append(.bare("s=\(Int(silence.components.seconds))")) }
        let reply = try await runOnChannel(AGICommand("RECORD FILE", consume arguments, replyTime: .media))
        return RecordingResult(reason: reply.data, digit: Self.digit(fromASCII: reply.resultCode), endpos: reply.endpos)
    }

    public func setVariable(_ name: String, _ value: String) async throws {
        try await run(AGICommand("SET VARIABLE", [Self.name(name), .quoted(value)]))
    }

    /// GET VARIABLE: nil when the variable is not set. Works after a hangup.
    public func getVariable(_ name: String) async throws -> String? {
        let reply = try await run(AGICommand("GET VARIABLE", [Self.name(name)]))
        return reply.result == "1" ? reply.data ?? "" : nil
    }

    /// GET FULL VARIABLE: evaluates an expression such as `${CALLERID(num)}`.
    public func getFullVariable(_ expression: String, channel: String? = nil) async throws -> String? {
        var arguments: [AGICommand.Argument] = [.quoted(expression)]
        if let channel { arguments.append(.bare(channel)) }
        let reply = try await run(AGICommand("GET FULL VARIABLE", consume arguments))
        return reply.result == "1" ? reply.data ?? "" : nil
    }

    /// EXEC: runs a dialplan application; `arguments` are joined with commas into its one argument.
    /// Returns the application's result (-1 is not an error here: Dial returns it after a call).
    @discardableResult
    public func exec(_ application: String, _ arguments: [String] = []) async throws -> Int {
        var command = AGICommand("EXEC", [.bare(application)], replyTime: .unbounded)
        if !arguments.isEmpty { command.arguments.append(.quoted(arguments.joined(separator: ","))) }
        let reply = try await run(consume command)
        guard let result = reply.resultCode else { throw AGIError.protocolViolation("EXEC result '\(reply.result)'") }
        if result == -2 { throw AGIError.unknownApplication(application) }
        return result
    }

    public func setCallerID(_ callerID: String) async throws {
        try await run(AGICommand("SET CALLERID", [.quoted(callerID)]))
    }

    public func setContext(_ context: String) async throws {
        try await run(AGICommand("SET CONTEXT", [.bare(context)]))
    }

    public func setExtension(_ extensionName: String) async throws {
        try await run(AGICommand("SET EXTENSION", [.bare(extensionName)]))
    }

    public func setPriority(_ priority: String) async throws {
        try await run(AGICommand("SET PRIORITY", [.bare(priority)]))
    }

    /// SET MUSIC: music on hold on or off, optionally of a class.
    public func setMusic(_ on: Bool, musicClass: String? = nil) async throws {
        var arguments: [AGICommand.Argument] = [.bare(on ? "on" : "off")]
        if let musicClass { arguments.append(.bare(musicClass)) }
        try await run(AGICommand("SET MUSIC", consume arguments))
    }

    /// SET AUTOHANGUP: hang up after `seconds`; 0 cancels.
    public func setAutoHangup(seconds: Int) async throws {
        try await run(AGICommand("SET AUTOHANGUP", [.bare(String(seconds))]))
    }

    public func channelStatus(channel: String? = nil) async throws -> ChannelStatus? {
        let reply = try await run(AGICommand("CHANNEL STATUS", channel.map { [.bare($0)] } ?? []))
        return reply.resultCode.flatMap(ChannelStatus.init(rawValue:))
    }

    public func databaseGet(family: String, key: String) async throws -> String? {
        let reply = try await run(AGICommand("DATABASE GET", [.quoted(family), .quoted(key)]))
        return reply.result == "1" ? reply.data ?? "" : nil
    }

    public func databasePut(family: String, key: String, value: String) async throws {
        let reply = try await run(AGICommand("DATABASE PUT", [.quoted(family), .quoted(key), .quoted(value)]))
        if reply.result != "1" { throw AGIError.commandFailed(command: "DATABASE PUT", result: reply.result) }
    }

    public func databaseDelete(family: String, key: String) async throws {
        try await run(AGICommand("DATABASE DEL", [.quoted(family), .quoted(key)]))
    }

    /// VERBOSE: a line on the Asterisk console at `level`.
    public func verbose(_ message: String, level: Int = 1) async throws {
        try await run(AGICommand("VERBOSE", [.quoted(message), .bare(String(level))]))
    }

    public func noop(_ text: String? = nil) async throws {
        try await run(AGICommand("NOOP", text.map { [.quoted($0)] } ?? []))
    }

    static func digit(fromASCII code: Int?) -> Character? {
        guard let code, code > 0, let scalar = Unicode.Scalar(code) else { return nil }
        return Character(scalar)
    }

    static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }

    /// A variable name: bare when it is a plain word, quoted otherwise (`"SPACED VAR"`).
    static func name(_ name: String) -> AGICommand.Argument {
        name.utf8.contains(where: { $0 == 0x20 || $0 == 0x22 || $0 == 0x5C }) || name.isEmpty ? .quoted(name) : .bare(name)
    }
}

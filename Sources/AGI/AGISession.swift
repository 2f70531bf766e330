import Core
import Wire

/// One FastAGI conversation with Asterisk about one channel, used by the task that handles it.
///
/// A `HANGUP` line can arrive at any moment — between commands or right after a reply — and is
/// never the reply to a command: the session notes it (`hangupReceived`) and keeps reading for
/// the real reply. After a hangup Asterisk refuses audio commands with 511 (thrown as
/// `AGIError.hangup`) but still answers GET/SET VARIABLE, so DIALSTATUS and the like stay
/// readable. An AMI Redirect of the channel looks exactly like a hangup here.
public final class AGISession {
    public static let immediateReplyTimeout = Duration.seconds(30)
    public static let mediaReplyTimeout = Duration.seconds(900)

    // Read or written at every command, so first: with hundreds of calls up, a call's state
    // has left the cache by the time its reply comes, and each line it spans is a miss.
    private var reader: FramedReader
    public private(set) var commandCount = 0
    /// Asterisk said HANGUP: the caller left, or the channel was redirected away.
    public private(set) var hangupReceived = false
    /// Asterisk closed the socket (it does after a hangup when AGIEXITONHANGUP=yes).
    public private(set) var closedByAsterisk = false
    /// Inside `sensitive { }`: commands and replies are logged masked.
    public private(set) var isSensitive = false
    /// Set once Asterisk sent something that is not AGI: the conversation is out of step, so no
    /// command is sent after it (each throws this again) and the session ends.
    public private(set) var protocolError: AGIError?
    public let logger: Logger

    public let environment: AGIEnvironment
    /// How long to wait for a HANGUP after a channel command returned -1, to tell a hangup from
    /// a failure (Asterisk sends the HANGUP line tens of milliseconds after the -1).
    public var hangupGrace: Duration
    /// Ends a running WAIT FOR DIGIT or STREAM FILE from another task (`hold`, `announce`).
    public let wake: AGIWake

    private var connection: Connection { reader.connection }

    init(environment: AGIEnvironment, reader: FramedReader, logger: Logger, hangupGrace: Duration = .milliseconds(250)) {
        self.environment = environment
        self.reader = reader
        wake = AGIWake(connection: reader.connection)
        self.logger = logger
        self.hangupGrace = hangupGrace
    }

    /// Runs `body` with everything this session sends and reads masked in its logs: a caller's
    /// whole input marked sensitive (a card number keyed through a prompt and then digit by
    /// digit), or a command carrying such a value (SET VARIABLE CARD …). `@concurrent`, body
    /// included, like the handlers that call it.
    @concurrent public func sensitive<T>(_ body: @concurrent () async throws -> T) async rethrows -> T {
        let outer = isSensitive
        isSensitive = true
        defer { isSensitive = outer }
        return try await body()
    }

    /// Sends `command` and returns Asterisk's reply as it is, whatever its code.
    /// Throws only when the conversation itself fails (closed, timed out, not AGI).
    public func send(_ command: consuming AGICommand) async throws -> AGIReply {
        try await read(for: try await write(command))
    }

    /// What a session keeps of a command while its reply is awaited: the name, for errors and
    /// logs, and how long the reply may take. Not the arguments: a call spends most of its life
    /// waiting for a reply, and then holds no heap memory for its command.
    struct Pending {
        let name: String
        let replyTime: AGICommand.ReplyTime
    }

    /// Writes `command` (consumed: its arguments are freed before the reply is awaited); its
    /// reply is read by `read(for:)`. A command line fits the socket buffer unless Asterisk
    /// stopped reading, so it is sent without an async call; only what did not fit is written
    /// by one that waits.
    @inline(__always)
    func write(_ command: consuming AGICommand) async throws -> Pending {
        let pending = Pending(name: command.name, replyTime: command.replyTime)
        guard let rest = try writeNow(command) else { return pending }
        try await finishWriting(rest.bytes, from: rest.sent, of: pending.name)
        return pending
    }

    /// Sends `command` with one non-blocking send: nil when all of it went, or the bytes and
    /// how many went. Out of line, so that what writing needs is not in the frame a call keeps
    /// while it waits for the reply.
    @inline(never)
    private func writeNow(_ command: consuming AGICommand) throws -> (bytes: [UInt8], sent: Int)? {
        let bytes = try command.encoded()
        if let protocolError { throw protocolError }
        if closedByAsterisk { throw hangupReceived ? AGIError.hangup : AGIError.connectionClosed }
        commandCount += 1
        logger.trace("→ \(isSensitive ? command.name + " (sensitive: arguments masked)" : command.line)")
        let sent: Int
        do {
            sent = try connection.sendNow(bytes)
        } catch {
            throw gone()
        }
        return sent < bytes.count ? (bytes, sent) : nil
    }

    /// The rest of a command the socket buffer could not take at once.
    @inline(never)
    private func finishWriting(_ bytes: [UInt8], from sent: Int, of name: String) async throws {
        do {
            try await connection.write(bytes, from: sent, deadline: .after(Self.immediateReplyTimeout))
        } catch ConnectionError.timedOut {
            throw AGIError.timeout(command: name)
        } catch {
            throw gone()
        }
    }

    /// Reads the reply to a command written; a reply that is not AGI breaks the session for good.
    /// (Every call waits in here: what it keeps across the wait is kept small.)
    func read(for command: Pending) async throws -> AGIReply {
        let deadline = Self.replyDeadline(command.replyTime)
        var parser = AGIReplyParser()
        while true {
            try await replyLine(for: command.name, deadline: deadline, into: &parser)
            if let reply = parser.finished { return reply }
        }
    }

    /// When the reply to a command must have come.
    private static func replyDeadline(_ time: AGICommand.ReplyTime) -> MonotonicTime? {
        switch time {
        case .immediate: .after(immediateReplyTimeout)
        case .media: .after(mediaReplyTimeout)
        case .unbounded: nil
        }
    }

    /// One line read while a reply is awaited, into `parser` (its `finished` reply once
    /// complete); a HANGUP notice between replies is noted. Out of line: inlined into the
    /// reading (async) code, its temporaries would sit in the frame every waiting call keeps.
    @inline(never)
    private func take(_ line: ArraySlice<UInt8>, into parser: inout AGIReplyParser) throws(AGIError) {
        if parser.isBetweenReplies, line.count == 6, line.elementsEqual("HANGUP".utf8) {
            hangupReceived = true
            logger.debug("Asterisk signalled HANGUP")
            return
        }
        let reply = try feed(line, to: &parser)
        parser.finished = reply
    }

    /// One line of a reply into `parser`: the reply once complete (and logged).
    private func feed(_ line: ArraySlice<UInt8>, to parser: inout AGIReplyParser) throws(AGIError) -> AGIReply? {
        do {
            guard let reply = try parser.feed(line) else { return nil }
            logger.trace("← \(isSensitive ? "\(reply.code) (sensitive reply masked)" : Self.describe(reply))")
            return reply
        } catch {
            protocolError = error
            throw error
        }
    }

    /// Sends `command`; 510, 511 and 520 replies are thrown as `AGIError`.
    @discardableResult
    public func run(_ command: consuming AGICommand) async throws -> AGIReply {
        let name = command.name
        return try checked(try await send(command), for: name)
    }

    /// The reply when it is a 200; 510, 511 and 520 thrown as `AGIError`.
    @inline(never)
    func checked(_ reply: AGIReply, for command: String) throws -> AGIReply {
        switch reply.code {
        case 200: return reply
        case 510: throw AGIError.invalidCommand(command: command)
        case 511:
            hangupReceived = true
            throw AGIError.hangup
        case 520: throw AGIError.usage(command: command, help: reply.usage)
        default: throw AGIError.protocolViolation("\(reply.code) \(reply.message)")
        }
    }

    /// Runs a channel command (playback, input, answer) whose -1 means "hangup or failure":
    /// waits briefly for the HANGUP that tells them apart, then throws the right one.
    func runOnChannel(_ command: consuming AGICommand) async throws -> AGIReply {
        let name = command.name
        return try await failedOrHungUp(try await run(command), for: name)
    }

    /// A channel command's -1 told apart: a HANGUP within the grace, or the command failing.
    func failedOrHungUp(_ reply: AGIReply, for command: String) async throws -> AGIReply {
        guard reply.resultCode == -1 else { return reply }
        throw try await failure(of: command, result: reply.result)
    }

    /// Out of line (it is rare): what a -1 from `command` was.
    @inline(never)
    private func failure(of command: String, result: String) async throws -> AGIError {
        if try await awaitHangup(within: hangupGrace) { return AGIError.hangup }
        return AGIError.commandFailed(command: command, result: result)
    }

    /// Whether the channel has hung up, reading any HANGUP line that arrives within `grace`.
    @inline(never)
    public func awaitHangup(within grace: Duration) async throws -> Bool {
        if hangupReceived || closedByAsterisk { return true }
        do {
            while let line = try await reader.readLine(deadline: .after(grace)) {
                guard line == "HANGUP" else { throw AGIError.protocolViolation("unexpected line '\(line.prefix(120))' between commands") }
                hangupReceived = true
                return true
            }
            closedByAsterisk = true
            return true
        } catch ConnectionError.timedOut {
            return false
        } catch let error as AGIError {
            throw error
        } catch let error as FramingError {
            throw AGIError.protocolViolation("\(error)")
        } catch {
            // Reset or closed: Asterisk is gone, which for this channel is a hangup.
            closedByAsterisk = true
            return true
        }
    }

    /// Reads the next line of a reply into `parser`. (Its frame is kept by every waiting call:
    /// what is not the wait itself is out of line.)
    @inline(never)
    private func replyLine(for command: String, deadline: MonotonicTime?, into parser: inout AGIReplyParser) async throws {
        let read: Bool
        do {
            read = try await reader.readLine(deadline: deadline) { line in try take(line, into: &parser) }
        } catch {
            throw readFailure(error, command: command)
        }
        guard read else { throw gone() }
    }

    /// A failed read of a reply in AGI's terms.
    @inline(never)
    private func readFailure(_ error: any Error, command: String) -> any Error {
        switch error {
        case ConnectionError.timedOut:
            return AGIError.timeout(command: command)
        case let error as FramingError:
            protocolError = .protocolViolation("\(error)")
            return protocolError!
        case is SocketError, ConnectionError.peerClosedMidMessage:
            // Reset, or closed inside a line: Asterisk is gone, as at end-of-file.
            return gone()
        default:
            return error
        }
    }

    /// Asterisk closed the conversation (it does after a hangup): the error that ends the session.
    private func gone() -> AGIError {
        closedByAsterisk = true
        return hangupReceived ? .hangup : .connectionClosed
    }

    static func describe(_ reply: AGIReply) -> String {
        switch reply.code {
        case 200:
            "200 result=\(reply.result)" + (reply.data.map { " (\($0))" } ?? "") + (reply.endpos.map { " endpos=\($0)" } ?? "")
        case 520: "520 usage (\(reply.usage.count) lines)"
        default: "\(reply.code) \(reply.message)"
        }
    }
}

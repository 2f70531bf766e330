/// What can go wrong in a FastAGI session, as typed cases a handler can act on.
public enum AGIError: Error, Equatable, CustomStringConvertible {
    /// The caller hung up (or the channel was redirected away): audio commands are refused.
    /// Variables can still be read and set until the socket closes.
    case hangup
    /// Asterisk closed the connection without a hangup being signalled.
    case connectionClosed
    /// No reply within the command's reply timeout.
    case timeout(command: String)
    /// 510: Asterisk does not know the command.
    case invalidCommand(command: String)
    /// 520: the command's arguments are wrong; Asterisk sent its usage text.
    case usage(command: String, help: [String])
    /// A channel command returned -1 and no hangup followed: a missing file, a failed application.
    case commandFailed(command: String, result: String)
    /// EXEC of an application Asterisk does not have (result -2).
    case unknownApplication(String)
    /// A command that cannot be sent as one AGI line (too long, a newline in an argument).
    case unencodable(command: String, reason: String)
    /// Asterisk sent something that is not AGI.
    case protocolViolation(String)
    case malformedEnvironment(line: Int, text: String)
    case environmentTooLarge(limit: Int)

    public var description: String {
        switch self {
        case .hangup: "the channel hung up"
        case .connectionClosed: "Asterisk closed the AGI connection"
        case .timeout(let command): "no reply to '\(command)' in time"
        case .invalidCommand(let command): "Asterisk does not know the command '\(command)' (510)"
        case .usage(let command, _): "wrong arguments for '\(command)' (520)"
        case .commandFailed(let command, let result): "'\(command)' failed (result=\(result))"
        case .unknownApplication(let name): "Asterisk has no application '\(name)' (result=-2)"
        case .unencodable(let command, let reason): "cannot send '\(command)': \(reason)"
        case .protocolViolation(let text): "not an AGI reply: \(text)"
        case .malformedEnvironment(let line, let text): "malformed AGI environment line \(line): '\(text)'"
        case .environmentTooLarge(let limit): "AGI environment longer than \(limit) lines"
        }
    }
}

/// Why an AMI action or session failed. Secrets never appear in these texts.
public enum AMIError: Error, Equatable, CustomStringConvertible {
    /// Asterisk's first line was not an AMI banner.
    case notAMI(banner: String)
    /// Login refused (wrong user or secret, or not allowed from this address).
    case authenticationFailed(String)
    /// `Response: Error` to an action; the text is Asterisk's `Message:`.
    case actionFailed(action: String, message: String)
    /// No complete answer within the action's time limit.
    case timedOut(action: String, after: Duration)
    /// The connection ended before the answer came.
    case disconnected(String)
    /// The action could not be encoded.
    case invalidAction(String)
    /// The client is not connected (reconnecting or stopped).
    case notConnected(String)

    public var description: String {
        switch self {
        case .notAMI(let banner): "not an Asterisk manager interface (first line: \(banner.debugDescription))"
        case .authenticationFailed(let message): "AMI login failed: \(message)"
        case .actionFailed(let action, let message): "AMI \(action) failed: \(message)"
        case .timedOut(let action, let after): "AMI \(action): no answer within \(after)"
        case .disconnected(let reason): "AMI connection lost: \(reason)"
        case .invalidAction(let reason): "AMI action not sent: \(reason)"
        case .notConnected(let state): "AMI not connected (\(state))"
        }
    }
}

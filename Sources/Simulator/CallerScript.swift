/// What one simulated caller does, in simulated seconds after the call is answered.
public struct CallerScript: Sendable, Equatable {
    /// Keys pressed: each string's digits are sent 0.1 s apart starting at `at`.
    public var presses: [(at: Double, digits: String)]
    /// Hangs up this long after the answer (impatience, or the end of their business).
    public var hangupAfter: Double?
    /// The channel has `AGIEXITONHANGUP=yes`: Asterisk closes the AGI socket at hangup.
    public var exitOnHangup: Bool

    public init(presses: [(at: Double, digits: String)] = [], hangupAfter: Double? = nil, exitOnHangup: Bool = false) {
        self.presses = presses
        self.hangupAfter = hangupAfter
        self.exitOnHangup = exitOnHangup
    }

    public static func == (lhs: CallerScript, rhs: CallerScript) -> Bool {
        lhs.presses.map { "\($0.at):\($0.digits)" } == rhs.presses.map { "\($0.at):\($0.digits)" }
            && lhs.hangupAfter == rhs.hangupAfter && lhs.exitOnHangup == rhs.exitOnHangup
    }

    /// Each digit with the moment it arrives.
    var digits: [(at: Double, digit: Character)] {
        presses.flatMap { press in press.digits.enumerated().map { (press.at + Double($0.offset) * 0.1, $0.element) } }
            .sorted { $0.at < $1.at }
    }
}

/// How a dialled endpoint answers a Dial, as the lab's agents dialplan did.
public enum EndpointBehaviour: Sendable, Equatable {
    /// Rings `after` seconds, answers, talks `talk` seconds, hangs up.
    case answers(after: Double, talk: Double)
    /// Rings until the Dial gives up.
    case noAnswer
    case busy
    /// Not reachable (no such extension, unregistered phone).
    case unavailable
}

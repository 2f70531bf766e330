/// DIALSTATUS values (app_dial).
public enum DialStatus: String, Sendable {
    case answer = "ANSWER", busy = "BUSY", noAnswer = "NOANSWER", cancel = "CANCEL"
    case congestion = "CONGESTION", channelUnavailable = "CHANUNAVAIL"
    case dontCall = "DONTCALL", torture = "TORTURE", invalidArgs = "INVALIDARGS"
}

/// How a Dial ended, read from the channel variables rather than EXEC's result: Dial returns -1
/// after an answered call unless option `g` is given, so the result alone says nothing.
public struct DialResult: Sendable, Equatable {
    public var status: DialStatus?
    /// DIALSTATUS as Asterisk set it, also when it is a value this enum does not know.
    public var rawStatus: String?
    /// Seconds the call was answered, when it was.
    public var answeredSeconds: Int?
    /// The channel that answered, e.g. `PJSIP/1001-0000002a`.
    public var dialedPeerName: String?
    /// EXEC's own result.
    public var execResult: Int
}

extension AGISession {
    /// Dials `destination` (e.g. `PJSIP/1001`) for up to `timeout` seconds with Dial `options`,
    /// then reads DIALSTATUS, ANSWEREDTIME and DIALEDPEERNAME — readable even if the caller hung up.
    public func dial(_ destination: String, timeout: Int? = nil, options: String = "") async throws -> DialResult {
        var arguments = [destination]
        if timeout != nil || !options.isEmpty { arguments.append(timeout.map(String.init) ?? "") }
        if !options.isEmpty { arguments.append(options) }
        let execResult = try await exec("Dial", arguments)
        let raw = try await getVariable("DIALSTATUS")
        return DialResult(
            status: raw.flatMap(DialStatus.init(rawValue:)),
            rawStatus: raw,
            answeredSeconds: try await getVariable("ANSWEREDTIME").flatMap { Int($0) },
            dialedPeerName: try await getVariable("DIALEDPEERNAME").flatMap { $0.isEmpty ? nil : $0 },
            execResult: execResult
        )
    }
}

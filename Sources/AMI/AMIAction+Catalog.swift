/// The actions Switchboard sends, with Asterisk's header names (main/manager.c and the apps
/// that register them). Optional headers are left out when nil.
extension AMIAction {
    public enum AuthType: String, Sendable {
        /// `Challenge` then `Login` with `Key = md5hex(challenge + secret)`: the secret never crosses the wire.
        case md5 = "MD5"
        /// `Login` with `Secret:` in clear text.
        case plain
    }

    public static func challenge() -> AMIAction {
        AMIAction("Challenge", [("AuthType", "MD5")])
    }

    public static func login(username: String, secret: String, events: String = "on") -> AMIAction {
        AMIAction("Login", [("Username", username), ("Secret", secret), ("Events", events)])
    }

    public static func login(username: String, key: String, events: String = "on") -> AMIAction {
        AMIAction("Login", [("AuthType", "MD5"), ("Username", username), ("Key", key), ("Events", events)])
    }

    /// `Key` for an MD5 login: lowercase hex md5(challenge + secret).
    public static func md5Key(challenge: String, secret: String) -> String {
        MD5.hex(Array((challenge + secret).utf8))
    }

    public static func logoff() -> AMIAction { AMIAction("Logoff") }

    public static func ping() -> AMIAction { AMIAction("Ping") }

    /// The event classes this session receives (`on`, `off`, or a list such as `call,agent`).
    public static func events(_ mask: String) -> AMIAction { AMIAction("Events", [("EventMask", mask)]) }

    /// Originates a call from `channel` to a dialplan target or an application. Asynchronous by
    /// default: the action then resolves on the `OriginateResponse` event (Success or Failure).
    public static func originate(
        channel: String,
        context: String? = nil, exten: String? = nil, priority: Int? = nil,
        application: String? = nil, data: String? = nil,
        callerID: String? = nil, timeout: Duration = .seconds(30),
        variables: [(name: String, value: String)] = [], account: String? = nil,
        channelID: String? = nil, async: Bool = true
    ) -> AMIAction {
        var headers: [(name: String, value: String)] = [("Channel", channel)]
        headers.append(optional: "Context", context)
        headers.append(optional: "Exten", exten)
        headers.append(optional: "Priority", priority.map(String.init))
        headers.append(optional: "Application", application)
        headers.append(optional: "Data", data)
        headers.append(optional: "CallerID", callerID)
        headers.append(("Timeout", String(Int(timeout / .milliseconds(1)))))
        headers.append(optional: "Account", account)
        headers.append(optional: "ChannelId", channelID)
        if async { headers.append(("Async", "true")) }
        headers += variables.map { ("Variable", "\($0.name)=\($0.value)") }
        var action = AMIAction("Originate", headers)
        action.completesWithOriginateResponse = async
        return action
    }

    /// Sends `channel` (and optionally its bridged peer `extraChannel`) to a dialplan location.
    /// The channel's AGI session sees this as a hangup (agi-redirected.log).
    public static func redirect(channel: String, context: String, exten: String, priority: Int = 1, extraChannel: String? = nil) -> AMIAction {
        var headers: [(name: String, value: String)] = [("Channel", channel)]
        headers.append(optional: "ExtraChannel", extraChannel)
        headers += [("Context", context), ("Exten", exten), ("Priority", String(priority))]
        return AMIAction("Redirect", headers)
    }

    public static func hangup(channel: String, cause: Int? = nil) -> AMIAction {
        var headers: [(name: String, value: String)] = [("Channel", channel)]
        headers.append(optional: "Cause", cause.map(String.init))
        return AMIAction("Hangup", headers)
    }

    /// Sets a channel variable, or a global one when `channel` is nil.
    public static func setvar(channel: String?, variable: String, value: String) -> AMIAction {
        var headers: [(name: String, value: String)] = []
        headers.append(optional: "Channel", channel)
        headers += [("Variable", variable), ("Value", value)]
        return AMIAction("Setvar", headers)
    }

    /// Reads a channel variable or function (`CALLERID(num)`), or a global one when `channel` is nil.
    public static func getvar(channel: String?, variable: String) -> AMIAction {
        var headers: [(name: String, value: String)] = []
        headers.append(optional: "Channel", channel)
        headers.append(("Variable", variable))
        return AMIAction("Getvar", headers)
    }

    /// A CLI command; its lines come back as the response's `output`.
    public static func command(_ command: String) -> AMIAction { AMIAction("Command", [("Command", command)]) }

    public static func coreShowChannels() -> AMIAction { AMIAction("CoreShowChannels") }

    public static func status(channel: String? = nil) -> AMIAction {
        var headers: [(name: String, value: String)] = []
        headers.append(optional: "Channel", channel)
        return AMIAction("Status", headers)
    }

    public static func queueStatus(queue: String? = nil, member: String? = nil) -> AMIAction {
        var headers: [(name: String, value: String)] = []
        headers.append(optional: "Queue", queue)
        headers.append(optional: "Member", member)
        return AMIAction("QueueStatus", headers)
    }

    /// Starts recording `channel` into `file` (the format follows the extension).
    public static func mixMonitor(channel: String, file: String, options: String? = nil) -> AMIAction {
        var headers: [(name: String, value: String)] = [("Channel", channel), ("File", file)]
        headers.append(optional: "Options", options)
        return AMIAction("MixMonitor", headers)
    }

    public static func stopMixMonitor(channel: String) -> AMIAction { AMIAction("StopMixMonitor", [("Channel", channel)]) }

    /// Mutes (silence is written, so the file keeps time) or unmutes a MixMonitor, both directions.
    public static func mixMonitorMute(channel: String, muted: Bool) -> AMIAction {
        AMIAction("MixMonitorMute", [("Channel", channel), ("Direction", "both"), ("State", muted ? "1" : "0")])
    }

    /// An attended transfer started for `channel` (the transferer, in a bridge): it consults
    /// `exten@context`, and its peer goes over when the transferer hangs up.
    public static func atxfer(channel: String, context: String, exten: String) -> AMIAction {
        AMIAction("Atxfer", [("Channel", channel), ("Exten", exten), ("Context", context)])
    }

    /// Parks `channel` (res_parking); `timeoutChannel` is called back when nobody takes it.
    public static func park(channel: String, timeoutChannel: String? = nil) -> AMIAction {
        var headers: [(name: String, value: String)] = [("Channel", channel)]
        headers.append(optional: "TimeoutChannel", timeoutChannel)
        return AMIAction("Park", headers)
    }

    public static func bridge(_ first: String, _ second: String, playTone: Bool = false) -> AMIAction {
        AMIAction("Bridge", [("Channel1", first), ("Channel2", second), ("Tone", playTone ? "Both" : "no")])
    }

    public static func blindTransfer(channel: String, context: String, exten: String) -> AMIAction {
        AMIAction("BlindTransfer", [("Channel", channel), ("Context", context), ("Exten", exten)])
    }

    public static func attendedTransfer(channel: String, exten: String, context: String? = nil) -> AMIAction {
        var headers: [(name: String, value: String)] = [("Channel", channel), ("Exten", exten)]
        headers.append(optional: "Context", context)
        return AMIAction("Atxfer", headers)
    }

    public static func dbGet(family: String, key: String) -> AMIAction { AMIAction("DBGet", [("Family", family), ("Key", key)]) }

    public static func dbPut(family: String, key: String, value: String) -> AMIAction {
        AMIAction("DBPut", [("Family", family), ("Key", key), ("Val", value)])
    }

    public static func deviceStateList() -> AMIAction { AMIAction("DeviceStateList") }

    /// Plays a DTMF digit on `channel`; with `receive` the channel takes it as if the caller had
    /// pressed it (app_senddtmf queues the frame), which ends a WAIT FOR DIGIT at once.
    public static func playDTMF(channel: String, digit: Character, receive: Bool = false) -> AMIAction {
        var headers: [(name: String, value: String)] = [("Channel", channel), ("Digit", String(digit))]
        if receive { headers.append(("Receive", "yes")) }
        return AMIAction("PlayDTMF", headers)
    }

    public static func extensionStateList() -> AMIAction { AMIAction("ExtensionStateList") }
}

extension Array where Element == (name: String, value: String) {
    mutating func append(optional name: String, _ value: String?) {
        if let value { append((name, value)) }
    }
}

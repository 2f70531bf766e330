/// Who a simulated channel is, as Asterisk 20 describes it in the FastAGI environment.
public struct ChannelIdentity: Sendable {
    public var channel: String
    /// `Local`, `SIP`, `PJSIP`.
    public var type: String
    public var uniqueID: String
    public var linkedID: String
    public var language = "en"
    /// nil is sent as `unknown`, as Asterisk does.
    public var callerIDNumber: String?
    public var callerIDName: String?
    public var dnid: String?
    public var rdnis: String?
    public var context: String
    public var exten: String
    public var priority = 1
    public var accountCode = ""
    public var threadID = "140682336306880"

    public init(channel: String, type: String, uniqueID: String, linkedID: String? = nil, context: String, exten: String) {
        self.channel = channel
        self.type = type
        self.uniqueID = uniqueID
        self.linkedID = linkedID ?? uniqueID
        self.context = context
        self.exten = exten
    }

    /// The environment block for `AGI(agi://host/script,args…)`, fields in Asterisk 20's order
    /// (setup_env in res_agi.c): `unknown` for absent values, an empty accountcode keeps its
    /// trailing space, arguments last, a blank line at the end.
    public func environment(host: String, script: String, arguments: [String]) -> [UInt8] {
        var pairs: [(String, String)] = [
            ("network", "yes"), ("network_script", script), ("request", "agi://\(host)/\(script)"),
            ("channel", channel), ("language", language), ("type", type), ("uniqueid", uniqueID), ("version", "20.20.1"),
            ("callerid", callerIDNumber ?? "unknown"), ("calleridname", callerIDName ?? "unknown"),
            ("callingpres", "0"), ("callingani2", "0"), ("callington", "0"), ("callingtns", "0"),
            ("dnid", dnid ?? "unknown"), ("rdnis", rdnis ?? "unknown"), ("context", context), ("extension", exten),
            ("priority", String(priority)), ("enhanced", "0.0"), ("accountcode", accountCode), ("threadid", threadID),
        ]
        pairs += arguments.enumerated().map { ("arg_\($0.offset + 1)", $0.element) }
        return Array((pairs.map { "agi_\($0.0): \($0.1)\n" }.joined() + "\n").utf8)
    }
}

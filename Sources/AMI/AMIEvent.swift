/// An event from Asterisk. Every event arrives, known or not; `kind` gives the typed view of
/// the ones Switchboard acts on and `.other` for the rest.
public struct AMIEvent: Sendable {
    public let message: AMIMessage

    public init(_ message: AMIMessage) {
        self.message = message
    }

    /// The `Event:` header: `Newchannel`, `Hangup`, …
    public var name: String { message.firstValue ?? "" }

    public subscript(_ header: String) -> String? { message[header] }

    public enum Kind: Sendable {
        case newChannel(ChannelSnapshot)
        case newState(ChannelSnapshot)
        /// Caller id or connected line changed.
        case newCallerID(ChannelSnapshot)
        case newExten(ChannelSnapshot, application: String, data: String)
        case hangup(ChannelSnapshot, cause: Int, causeText: String)
        case dialBegin(caller: ChannelSnapshot?, destination: ChannelSnapshot, dialString: String)
        case dialEnd(caller: ChannelSnapshot?, destination: ChannelSnapshot, status: String)
        case bridgeCreate(bridgeID: String)
        case bridgeEnter(ChannelSnapshot, bridgeID: String)
        case bridgeLeave(ChannelSnapshot, bridgeID: String)
        case bridgeDestroy(bridgeID: String)
        /// A DTMF digit ended (`DTMFEnd`), received from or sent to the channel.
        case dtmf(ChannelSnapshot, digit: String, durationMilliseconds: Int, received: Bool)
        case deviceStateChange(device: String, state: String)
        /// The channel was put on hold (`Hold`) or taken off it (`Unhold`).
        case hold(ChannelSnapshot, on: Bool)
        /// A transfer of a bridged call: the transferee (the party moved) goes to `exten@context`.
        case blindTransfer(transferer: ChannelSnapshot, transferee: ChannelSnapshot, context: String, exten: String)
        /// An attended transfer: `destination` is where the transferee ended up, as
        /// `bridge ID`, `app NAME` or `link CHANNEL CHANNEL` (Asterisk's DestType and its fields).
        case attendedTransfer(transferer: ChannelSnapshot, transferee: ChannelSnapshot, destination: String)
        case mixMonitorStart(ChannelSnapshot)
        case mixMonitorStop(ChannelSnapshot)
        case agiExecStart(ChannelSnapshot, command: String, commandID: String)
        case agiExecEnd(ChannelSnapshot, command: String, commandID: String, resultCode: Int, result: String)
        case varSet(ChannelSnapshot?, variable: String, value: String)
        case queueCallerJoin(ChannelSnapshot, queue: String, position: Int)
        case queueCallerLeave(ChannelSnapshot, queue: String, position: Int)
        case queueCallerAbandon(ChannelSnapshot, queue: String, position: Int, holdSeconds: Int)
        case agentCalled(ChannelSnapshot, queue: String, member: String)
        case agentConnect(ChannelSnapshot, queue: String, member: String, holdSeconds: Int)
        case agentComplete(ChannelSnapshot, queue: String, member: String, talkSeconds: Int, reason: String)
        case fullyBooted
        /// Any other event: read its headers from `message`.
        case other
    }

    public var kind: Kind {
        let event = self.message
        func snapshot(_ prefix: String = "") -> ChannelSnapshot { ChannelSnapshot(event, prefix: prefix) }
        func int(_ header: String) -> Int { Int(event[header] ?? "") ?? 0 }
        func text(_ header: String) -> String { event[header] ?? "" }
        func caller() -> ChannelSnapshot? { event["Uniqueid"] == nil ? nil : snapshot() }
        switch name {
        case "Newchannel": return .newChannel(snapshot())
        case "Newstate": return .newState(snapshot())
        case "NewCallerid", "NewConnectedLine": return .newCallerID(snapshot())
        case "Newexten": return .newExten(snapshot(), application: text("Application"), data: text("AppData"))
        case "Hangup": return .hangup(snapshot(), cause: int("Cause"), causeText: text("Cause-txt"))
        case "DialBegin": return .dialBegin(caller: caller(), destination: snapshot("Dest"), dialString: text("DialString"))
        case "DialEnd": return .dialEnd(caller: caller(), destination: snapshot("Dest"), status: text("DialStatus"))
        case "BridgeCreate": return .bridgeCreate(bridgeID: text("BridgeUniqueid"))
        case "BridgeEnter": return .bridgeEnter(snapshot(), bridgeID: text("BridgeUniqueid"))
        case "BridgeLeave": return .bridgeLeave(snapshot(), bridgeID: text("BridgeUniqueid"))
        case "BridgeDestroy": return .bridgeDestroy(bridgeID: text("BridgeUniqueid"))
        case "DTMFEnd":
            return .dtmf(snapshot(), digit: text("Digit"), durationMilliseconds: int("DurationMs"), received: text("Direction") == "Received")
        case "DeviceStateChange": return .deviceStateChange(device: text("Device"), state: text("State"))
        case "Hold": return .hold(snapshot(), on: true)
        case "Unhold": return .hold(snapshot(), on: false)
        case "BlindTransfer":
            return .blindTransfer(transferer: snapshot("Transferer"), transferee: snapshot("Transferee"), context: text("Context"), exten: text("Extension"))
        case "AttendedTransfer":
            let destination = switch text("DestType") {
            case "App": "app " + text("DestApp")
            case "Link": "link " + text("LocalOneChannel") + " " + text("LocalTwoChannel")
            default: "bridge " + text("DestBridgeUniqueid")
            }
            return .attendedTransfer(transferer: snapshot("OrigTransferer"), transferee: snapshot("Transferee"), destination: destination)
        case "MixMonitorStart": return .mixMonitorStart(snapshot())
        case "MixMonitorStop": return .mixMonitorStop(snapshot())
        case "AGIExecStart": return .agiExecStart(snapshot(), command: text("Command"), commandID: text("CommandId"))
        case "AGIExecEnd":
            return .agiExecEnd(snapshot(), command: text("Command"), commandID: text("CommandId"), resultCode: int("ResultCode"), result: text("Result"))
        case "VarSet": return .varSet(caller(), variable: text("Variable"), value: text("Value"))
        case "QueueCallerJoin": return .queueCallerJoin(snapshot(), queue: text("Queue"), position: int("Position"))
        case "QueueCallerLeave": return .queueCallerLeave(snapshot(), queue: text("Queue"), position: int("Position"))
        case "QueueCallerAbandon":
            return .queueCallerAbandon(snapshot(), queue: text("Queue"), position: int("Position"), holdSeconds: int("HoldTime"))
        case "AgentCalled": return .agentCalled(snapshot(), queue: text("Queue"), member: text("Interface"))
        case "AgentConnect": return .agentConnect(snapshot(), queue: text("Queue"), member: text("Interface"), holdSeconds: int("HoldTime"))
        case "AgentComplete":
            return .agentComplete(snapshot(), queue: text("Queue"), member: text("Interface"), talkSeconds: int("TalkTime"), reason: text("Reason"))
        case "FullyBooted": return .fullyBooted
        default: return .other
        }
    }
}

/// The channel fields Asterisk puts in channel events (and, with a prefix such as `Dest`, for
/// a second channel in the same event), and in `CoreShowChannel` list items.
public struct ChannelSnapshot: Sendable, Equatable, Codable {
    public var channel: String
    public var uniqueID: String
    public var linkedID: String
    /// Asterisk's state number (6 = Up) and its words (`Ring`, `Ringing`, `Up`, …).
    public var state: Int
    public var stateText: String
    public var callerIDNumber: String?
    public var callerIDName: String?
    public var connectedLineNumber: String?
    public var connectedLineName: String?
    public var language: String
    public var accountCode: String
    public var context: String
    public var exten: String
    public var priority: Int

    public init(_ message: AMIMessage, prefix: String = "") {
        let names = prefix.isEmpty ? Self.headers : Self.prefixedHeaders[prefix] ?? Self.headers.prefixed(prefix)
        let found = message.values(of: names)
        func text(_ index: Int) -> String { found[index] ?? "" }
        // Asterisk writes "<unknown>" for an absent caller id.
        func optional(_ index: Int) -> String? {
            let value = text(index)
            return value.isEmpty || value == "<unknown>" ? nil : value
        }
        channel = text(0)
        uniqueID = text(1)
        linkedID = text(2)
        state = Int(text(3)) ?? 0
        stateText = text(4)
        callerIDNumber = optional(5)
        callerIDName = optional(6)
        connectedLineNumber = optional(7)
        connectedLineName = optional(8)
        language = text(9)
        accountCode = text(10)
        context = text(11)
        exten = text(12)
        priority = Int(text(13)) ?? 0
    }

    /// The headers read, in the order `init` takes them (one pass over the event).
    private static let headers = HeaderNames([
        "Channel", "Uniqueid", "Linkedid", "ChannelState", "ChannelStateDesc", "CallerIDNum", "CallerIDName",
        "ConnectedLineNum", "ConnectedLineName", "Language", "AccountCode", "Context", "Exten", "Priority",
    ])

    /// The same for the prefixes of a second channel in one event (`Kind` uses these).
    private static let prefixedHeaders = Dictionary(
        uniqueKeysWithValues: ["Dest", "Transferer", "Transferee", "OrigTransferer"].map { ($0, headers.prefixed($0)) }
    )
}

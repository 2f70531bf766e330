import AMI
import Foundation
import Synchronization
import Wire

/// A small Asterisk: trunk calls that reach `AGI(agi://…/script)`, agent endpoints they can
/// dial, and — when it has a manager interface — the events those calls raise and the actions
/// that steer them (Hangup and Redirect end the AGI session as Asterisk's do; Getvar, Setvar,
/// CoreShowChannels and Status see the live channels).
public final class SimulatedPBX: Sendable {
    public struct Configuration: Sendable {
        public var agiServer: SocketAddress
        /// `host:port` as the dialplan's agi:// URL names the server.
        public var agiHost = "127.0.0.1:4573"
        /// The FastAGI script inbound calls run (`AGI(agi://host/ivr/main)`).
        public var script = "ivr/main"
        public var context = "switchboard-inbound"
        public var endpoints: [String: EndpointBehaviour] = [:]
        public var sounds = SoundLibrary()
        public var clock = SimulationClock()
        /// Where MixMonitor and RECORD FILE write; nil writes nothing.
        public var recordingsFolder: String?
        public var seed: UInt64 = 1

        public init(agiServer: SocketAddress) {
            self.agiServer = agiServer
        }
    }

    private struct Live {
        var identity: ChannelIdentity
        var channel: SimulatedAGIChannel
    }

    private struct State {
        var nextUniqueID = 1
        var nextChannel = 1
        var live: [String: Live] = [:]
    }

    public let configuration: Configuration
    private let ami: SimulatedAMIServer?
    private let state = Mutex(State())
    private let epoch = Int(Date().timeIntervalSince1970)

    public init(_ configuration: Configuration, ami: SimulatedAMIServer? = nil) {
        self.configuration = configuration
        self.ami = ami
        ami?.setActionHandler { [weak self] action in self?.answer(action) }
    }

    /// Channels up now.
    public var liveChannels: [ChannelIdentity] { state.withLock { $0.live.values.map(\.identity).sorted { $0.uniqueID < $1.uniqueID } } }

    /// One inbound call from `number` to `dnis`, run to its end.
    public func call(from number: String?, name: String? = nil, dnis: String, caller: CallerScript) async throws -> SimulatedAGIChannel.Outcome {
        let (uniqueID, sequence) = state.withLock { state -> (String, Int) in
            defer {
                state.nextUniqueID += 1
                state.nextChannel += 1
            }
            return ("\(epoch).\(state.nextUniqueID)", state.nextChannel)
        }
        var identity = ChannelIdentity(
            channel: "PJSIP/trunk-" + String(format: "%08x", sequence), type: "PJSIP", uniqueID: uniqueID,
            context: configuration.context, exten: dnis
        )
        identity.callerIDNumber = number
        identity.callerIDName = name
        identity.dnid = dnis
        identity.priority = 2
        identity.threadID = String(140_682_336_306_880 + sequence * 512_000)

        var setup = SimulatedAGIChannel.Setup(identity: identity, host: configuration.agiHost, script: configuration.script)
        setup.caller = caller
        setup.endpoints = configuration.endpoints
        setup.sounds = configuration.sounds
        setup.clock = configuration.clock
        setup.seed = configuration.seed &+ UInt64(sequence)
        let folder = configuration.recordingsFolder
        setup.recordingPath = { path in folder.map { $0 + "/" + (path as NSString).lastPathComponent } }
        setup.nextChannelName = { [weak self] target in
            let number = self?.state.withLock { state -> Int in
                defer { state.nextChannel += 1 }
                return state.nextChannel
            } ?? 0
            return "\(target)-" + String(format: "%08x", number)
        }
        let commandIDs = Mutex(SeededGenerator(seed: setup.seed))
        setup.onCommand = { [weak self, identity] command, reply in
            let id = String(commandIDs.withLock { $0.next() } % 1_000_000_000)
            let code = reply.prefix(3)
            self?.emit("AGIExecStart", "agi,all", identity, [("CommandId", id), ("Command", command)])
            self?.emit("AGIExecEnd", "agi,all", identity, [
                ("CommandId", id), ("Command", command), ("ResultCode", String(code)),
                ("Result", code == "200" ? "Success" : code == "510" ? "Invalid or unknown command" : code == "511" ? "Command not permitted on a dead channel" : "Usage"),
            ])
        }
        let channel = SimulatedAGIChannel(setup)
        state.withLock { $0.live[uniqueID] = Live(identity: identity, channel: channel) }
        publishChannels()
        emit("Newchannel", "call,all", identity, [], state: "Ring")
        emit("Newstate", "call,all", identity, [], state: "Up")
        emit("Newexten", "dialplan,all", identity, [("Extension", dnis), ("Application", "AGI"), ("AppData", "agi://\(configuration.agiHost)/\(configuration.script)")])
        defer {
            state.withLock { _ = $0.live.removeValue(forKey: uniqueID) }
            publishChannels()
            emit("Hangup", "call,all", identity, [("Cause", "16"), ("Cause-txt", "Normal Clearing")])
        }
        return try await channel.run(server: configuration.agiServer)
    }

    /// What CoreShowChannels lists.
    private func publishChannels() {
        ami?.setChannels(liveChannels.map { identity in
            AMIMessage([("Event", "CoreShowChannel")] + Self.snapshot(identity) + [
                ("Application", "AGI"), ("ApplicationData", "agi://\(configuration.agiHost)/\(configuration.script)"),
                ("Duration", "00:00:01"), ("BridgeId", ""),
            ])
        })
    }

    /// Raises an event with Asterisk's channel fields, in Asterisk's order.
    private func emit(_ name: String, _ privilege: String, _ identity: ChannelIdentity, _ extra: [(name: String, value: String)], state: String = "Up") {
        guard let ami else { return }
        ami.broadcast(AMIMessage([("Event", name), ("Privilege", privilege)] + Self.snapshot(identity, state: state) + extra))
    }

    static func snapshot(_ identity: ChannelIdentity, state: String = "Up") -> [(name: String, value: String)] {
        [
            ("Channel", identity.channel), ("ChannelState", state == "Up" ? "6" : "4"), ("ChannelStateDesc", state),
            ("CallerIDNum", identity.callerIDNumber ?? "<unknown>"), ("CallerIDName", identity.callerIDName ?? "<unknown>"),
            ("ConnectedLineNum", "<unknown>"), ("ConnectedLineName", "<unknown>"), ("Language", identity.language),
            ("AccountCode", identity.accountCode), ("Context", identity.context), ("Exten", identity.exten),
            ("Priority", String(identity.priority)), ("Uniqueid", identity.uniqueID), ("Linkedid", identity.linkedID),
        ]
    }

    /// The manager actions that concern calls.
    private func answer(_ action: AMIMessage) -> (response: [(name: String, value: String)], items: [AMIMessage])? {
        func live(_ name: String?) -> Live? {
            state.withLock { state in state.live.values.first { $0.identity.channel == name } }
        }
        func error(_ message: String) -> (response: [(name: String, value: String)], items: [AMIMessage]) {
            ([("Response", "Error"), ("Message", message)], [])
        }
        switch action["Action"]?.lowercased() {
        case "hangup", "redirect":
            let redirect = action["Action"]?.lowercased() == "redirect"
            guard let channelName = action["Channel"] else { return error("Channel not specified") }
            guard let target = live(channelName) else { return error(redirect ? "Channel does not exist: \(channelName)" : "No such channel") }
            target.channel.hangUp(reason: redirect ? "redirect" : "hangup")
            return redirect ? ([("Response", "Success"), ("Message", "Redirect successful")], []) : ([("Response", "Success"), ("Message", "Channel Hungup")], [])
        case "getvar":
            let name = action["Variable"] ?? ""
            let value = action["Channel"].flatMap { live($0)?.channel.variable(name) } ?? ""
            return ([("Response", "Success"), ("Variable", name), ("Value", value)], [])
        case "setvar":
            guard let channelName = action["Channel"], let target = live(channelName) else { return error("No such channel") }
            target.channel.setVariable(action["Variable"] ?? "", action["Value"] ?? "")
            return ([("Response", "Success"), ("Message", "Variable Set")], [])
        case "status":
            let items = liveChannels.map { AMIMessage([("Event", "Status"), ("Privilege", "Call")] + Self.snapshot($0)) }
            return ([("Response", "Success"), ("EventList", "start"), ("Message", "Channel status will follow")],
                    items + [AMIMessage([("Event", "StatusComplete"), ("EventList", "Complete"), ("ListItems", String(items.count)), ("Items", String(items.count))])])
        case "devicestatelist":
            let items = configuration.endpoints.keys.sorted().map { AMIMessage([("Event", "DeviceStateChange"), ("Device", $0), ("State", "NOT_INUSE")]) }
            return ([("Response", "Success"), ("EventList", "start"), ("Message", "Device State Changes will follow")],
                    items + [AMIMessage([("Event", "DeviceStateListComplete"), ("EventList", "Complete"), ("ListItems", String(items.count))])])
        case "events", "mixmonitor", "stopmixmonitor":
            return ([("Response", "Success")], [])
        case "command":
            let lines = liveChannels.map { "\($0.channel)  \($0.exten)@\($0.context):\($0.priority)  Up  AGI(agi://\(configuration.agiHost)/\(configuration.script))" }
            return ([("Response", "Success"), ("Message", "Command output follows")] + (lines + ["\(lines.count) active channels"]).map { ("Output", $0) }, [])
        default:
            return nil
        }
    }
}

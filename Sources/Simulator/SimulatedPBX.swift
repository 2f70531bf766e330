import AMI
import Core
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
        /// Where MixMonitor and RECORD FILE write; nil writes nothing. A path the app names
        /// inside this folder is written there, as Asterisk would; any other lands in it by name.
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
        /// Device states Asterisk caches (DeviceStateList reports them); Local channels' are not cached.
        var devices: [String: String] = [:]
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

    /// One inbound call from `number` to `dnis`, run to its end. `channel` names the caller's
    /// channel (`Local/4008@from-trunk` for an Originate); by default a trunk channel.
    public func call(from number: String?, name: String? = nil, dnis: String, caller: CallerScript, channel channelBase: String? = nil) async throws -> SimulatedAGIChannel.Outcome {
        let (uniqueID, sequence) = state.withLock { state -> (String, Int) in
            defer {
                state.nextUniqueID += 1
                state.nextChannel += 1
            }
            return ("\(epoch).\(state.nextUniqueID)", state.nextChannel)
        }
        let suffix = String(format: "%08x", sequence)
        var identity = ChannelIdentity(
            channel: channelBase.map { "\($0)-\(suffix);2" } ?? "PJSIP/trunk-\(suffix)", type: channelBase == nil ? "PJSIP" : "Local",
            uniqueID: uniqueID, context: configuration.context, exten: dnis
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
        setup.recordingPath = { path in folder.map { path.hasPrefix($0 + "/") ? path : $0 + "/" + (path as NSString).lastPathComponent } }
        setup.nextChannelName = { [weak self] target in
            let number = self?.state.withLock { state -> Int in
                defer { state.nextChannel += 1 }
                return state.nextChannel
            } ?? 0
            return "\(target)-" + String(format: "%08x", number)
        }
        // Commands run one at a time on a channel: the one running has the current CommandId.
        let commandIDs = Mutex((generator: SeededGenerator(seed: setup.seed), current: ""))
        setup.onCommand = { [weak self, identity] command, reply in
            guard let reply else {
                let id = commandIDs.withLock { ids in
                    ids.current = String(ids.generator.next() % 1_000_000_000)
                    return ids.current
                }
                self?.emit("AGIExecStart", "agi,all", identity, [("CommandId", id), ("Command", command)])
                return
            }
            let id = commandIDs.withLock { $0.current }
            let code = reply.prefix(3)
            self?.emit("AGIExecEnd", "agi,all", identity, [
                ("CommandId", id), ("Command", command), ("ResultCode", String(code)),
                ("Result", code == "200" ? "Success" : code == "510" ? "Invalid or unknown command" : code == "511" ? "Command not permitted on a dead channel" : "Usage"),
            ])
        }
        setup.onEvent = { [weak self, identity] event in self?.raise(event, on: identity) }
        let channel = SimulatedAGIChannel(setup)
        state.withLock { $0.live[uniqueID] = Live(identity: identity, channel: channel) }
        publishChannels()
        // AGI() does not answer: the channel rings until the app (or an answered Dial) answers it.
        emit("Newchannel", "call,all", identity, [], state: "Ring")
        emit("Newexten", "dialplan,all", identity, [("Extension", dnis), ("Application", "AGI"), ("AppData", "agi://\(configuration.agiHost)/\(configuration.script)")])
        defer {
            state.withLock { _ = $0.live.removeValue(forKey: uniqueID) }
            publishChannels()
            emit("Hangup", "call,all", identity, [("Cause", "16"), ("Cause-txt", "Normal Clearing")])
        }
        return try await channel.run(server: configuration.agiServer)
    }

    /// The manager events for what happens on a call's line.
    private func raise(_ event: SimulatedAGIChannel.ChannelEvent, on caller: ChannelIdentity) {
        func peer(_ name: String, _ target: String) -> ChannelIdentity {
            let exten = target.split(separator: "/").last.map { String($0.split(separator: "@").first ?? "") } ?? target
            var identity = ChannelIdentity(channel: name, type: String(target.split(separator: "/").first ?? ""), uniqueID: "\(epoch).\(Self.peerNumber(name))", linkedID: caller.linkedID, context: "agents", exten: exten)
            identity.callerIDNumber = caller.callerIDNumber
            identity.callerIDName = caller.callerIDName
            return identity
        }
        func device(_ target: String, _ state: String) { self.device(target, state) }
        func bridge(_ name: String, _ who: ChannelIdentity, count: Int) {
            emit(name, "call,all", who, [], prefix: [
                ("BridgeUniqueid", "bridge-\(caller.uniqueID)"), ("BridgeType", "basic"), ("BridgeTechnology", "simple_bridge"),
                ("BridgeCreator", "<unknown>"), ("BridgeName", "<unknown>"), ("BridgeNumChannels", String(count)), ("BridgeVideoSourceMode", "none"),
            ])
        }
        switch event {
        case .answered:
            emit("Newstate", "call,all", caller, [], state: "Up")
        case .dtmf(let digit):
            emit("DTMFBegin", "dtmf,all", caller, [("Digit", String(digit)), ("Direction", "Received")])
            emit("DTMFEnd", "dtmf,all", caller, [("Digit", String(digit)), ("DurationMs", "100"), ("Direction", "Received")])
        case .dialBegin(let target, let name):
            let dialled = peer(name, target)
            emit("Newchannel", "call,all", dialled, [], state: "Down")
            ami?.broadcast(AMIMessage([("Event", "DialBegin"), ("Privilege", "call,all")] + Self.snapshot(caller)
                + Self.snapshot(dialled, state: "Down").map { ("Dest" + $0.name, $0.value) } + [("DialString", target)]))
            device(target, "RINGING")
        case .dialEnd(let target, let name, let status):
            let dialled = peer(name, target)
            ami?.broadcast(AMIMessage([("Event", "DialEnd"), ("Privilege", "call,all")] + Self.snapshot(caller)
                + Self.snapshot(dialled).map { ("Dest" + $0.name, $0.value) } + [("DialStatus", status)]))
        case .bridged(let name):
            let dialled = peer(name, "")
            device(name.split(separator: "-").dropLast().joined(separator: "-"), "INUSE")
            ami?.broadcast(AMIMessage([("Event", "BridgeCreate"), ("Privilege", "call,all"), ("BridgeUniqueid", "bridge-\(caller.uniqueID)"),
                                       ("BridgeType", "basic"), ("BridgeTechnology", "simple_bridge"), ("BridgeCreator", "<unknown>"),
                                       ("BridgeName", "<unknown>"), ("BridgeNumChannels", "0"), ("BridgeVideoSourceMode", "none")]))
            bridge("BridgeEnter", dialled, count: 1)
            bridge("BridgeEnter", caller, count: 2)
        case .peerGone(let target, let name, let bridged, let callerLeft):
            let dialled = peer(name, target)
            // Who hangs up leaves the bridge first; the other is taken out after.
            if bridged {
                let (first, second) = callerLeft ? (caller, dialled) : (dialled, caller)
                bridge("BridgeLeave", first, count: 1)
                bridge("BridgeLeave", second, count: 0)
            }
            emit("Hangup", "call,all", dialled, [("Cause", "16"), ("Cause-txt", "Normal Clearing")])
            device(target, "NOT_INUSE")
        }
    }

    /// A device's state changes: DeviceStateChange, and the cache DeviceStateList reads, which
    /// holds no Local channel devices (Asterisk does not cache their states).
    private func device(_ device: String, _ deviceState: String) {
        if !device.hasPrefix("Local/") { state.withLock { $0.devices[device] = deviceState } }
        ami?.broadcast(AMIMessage([("Event", "DeviceStateChange"), ("Privilege", "call,all"), ("Device", device), ("State", deviceState)]))
    }

    /// A number for a dialled channel's uniqueid, from its name's sequence.
    static func peerNumber(_ name: String) -> Int {
        Int(name.split(separator: "-").last.map { String($0.prefix { $0 != ";" }) } ?? "", radix: 16).map { $0 + 100_000 } ?? 0
    }

    /// Originate of `Local/<exten>@<context>`: a call into the FastAGI script from the caller id
    /// given, answered by the simulated caller at once. Async: the response says it is queued,
    /// the OriginateResponse event (with the ActionID) follows when the channel is up.
    private func originate(_ action: AMIMessage) -> (response: [(name: String, value: String)], items: [AMIMessage]) {
        guard let channel = action["Channel"] else { return ([("Response", "Error"), ("Message", "Channel not specified")], []) }
        guard channel.hasPrefix("Local/") else { return originateEndpoint(channel, action) }
        let exten = String(channel.dropFirst(6).prefix { $0 != "@" })
        let (number, name) = Self.callerID(action["CallerID"] ?? "")
        let uniqueID = state.withLock { "\(epoch).\($0.nextUniqueID)" }
        Task { [weak self] in
            guard let self else { return }
            self.ami?.broadcast(Self.originateResponse(to: action, channel: channel, reason: 4, uniqueID: uniqueID))
            _ = try? await self.call(from: number, name: name, dnis: exten, caller: CallerScript(), channel: channel)
        }
        return ([("Response", "Success"), ("Message", "Originate successfully queued")], [])
    }

    /// Originate of a phone (`PJSIP/1001`): it rings and answers (or not) as its behaviour says;
    /// an answer is OriginateResponse Success and the phone is in use for its talk time.
    private func originateEndpoint(_ channel: String, _ action: AMIMessage) -> (response: [(name: String, value: String)], items: [AMIMessage]) {
        let behaviour = configuration.endpoints[channel] ?? .unavailable
        let ringLimit = (Double(action["Timeout"] ?? "") ?? 30_000) / 1000
        let clock = configuration.clock
        // The channel the phone gets once it answers, as Asterisk names it.
        let (created, uniqueID) = state.withLock { state -> (String, String) in
            defer {
                state.nextUniqueID += 1
                state.nextChannel += 1
            }
            return ("\(channel)-" + String(format: "%08x", state.nextChannel), "\(epoch).\(state.nextUniqueID)")
        }
        func device(_ state: String) { self.device(channel, state) }
        func respond(_ success: Bool, reason: Int) {
            ami?.broadcast(Self.originateResponse(to: action, channel: success ? created : channel, reason: reason, uniqueID: success ? uniqueID : nil))
        }
        Task {
            switch behaviour {
            case .answers(let after, let talk) where after <= ringLimit:
                device("RINGING")
                try? await clock.sleep(after)
                device("INUSE")
                respond(true, reason: 4)
                try? await clock.sleep(talk)
                device("NOT_INUSE")
            case .answers, .noAnswer:
                device("RINGING")
                try? await clock.sleep(ringLimit)
                device("NOT_INUSE")
                respond(false, reason: 3)
            case .busy:
                respond(false, reason: 5)
            case .unavailable:
                respond(false, reason: 0)
            }
        }
        return ([("Response", "Success"), ("Message", "Originate successfully queued")], [])
    }

    /// Asterisk's OriginateResponse (ami-actions.log): Success (reason 4) names the channel made,
    /// a failure the one asked for, with Uniqueid `<null>`; the caller id is the Originate's.
    static func originateResponse(to action: AMIMessage, channel: String, reason: Int, uniqueID: String?) -> AMIMessage {
        let (number, name) = callerID(action["CallerID"] ?? "")
        var headers: [(name: String, value: String)] = [("Event", "OriginateResponse"), ("Privilege", "call,all")]
        if let actionID = action.actionID { headers.append(("ActionID", actionID)) }
        headers += [
            ("Response", reason == 4 ? "Success" : "Failure"), ("Channel", channel), ("Context", action["Context"] ?? ""),
            ("Exten", action["Exten"] ?? ""), ("Reason", String(reason)), ("Uniqueid", uniqueID ?? "<null>"),
            ("CallerIDNum", number ?? "<unknown>"), ("CallerIDName", name ?? "<unknown>"),
        ]
        return AMIMessage(headers)
    }

    /// `"Lab Caller" <5550001>` → (5550001, Lab Caller).
    static func callerID(_ text: String) -> (number: String?, name: String?) {
        guard let open = text.firstIndex(of: "<"), let close = text.lastIndex(of: ">"), open < close else {
            return (text.isEmpty ? nil : text, nil)
        }
        let name = text[..<open].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        return (String(text[text.index(after: open)..<close]), name.isEmpty ? nil : name)
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
    private func emit(
        _ name: String, _ privilege: String, _ identity: ChannelIdentity, _ extra: [(name: String, value: String)],
        state: String? = nil, prefix: [(name: String, value: String)] = []
    ) {
        guard let ami else { return }
        // A caller's channel rings until answered; dialled channels are up once bridged.
        let channelState = state ?? self.state.withLock { $0.live[identity.uniqueID].map { $0.channel.isAnswered ? "Up" : "Ring" } } ?? "Up"
        ami.broadcast(AMIMessage([("Event", name), ("Privilege", privilege)] + prefix + Self.snapshot(identity, state: channelState) + extra))
    }

    static func snapshot(_ identity: ChannelIdentity, state: String = "Up") -> [(name: String, value: String)] {
        [
            ("Channel", identity.channel), ("ChannelState", ["Down": "0", "Ring": "4", "Ringing": "5", "Up": "6"][state] ?? "6"), ("ChannelStateDesc", state),
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
            let cached = state.withLock { state in
                configuration.endpoints.keys.filter { !$0.hasPrefix("Local/") }.map { ($0, state.devices[$0] ?? "NOT_INUSE") }
            }
            let items = cached.sorted { $0.0 < $1.0 }.map { AMIMessage([("Event", "DeviceStateChange"), ("Device", $0.0), ("State", $0.1)]) }
            return ([("Response", "Success"), ("EventList", "start"), ("Message", "Device State Changes will follow")],
                    items + [AMIMessage([("Event", "DeviceStateListComplete"), ("EventList", "Complete"), ("ListItems", String(items.count))])])
        case "originate":
            return originate(action)
        case "playdtmf":
            guard let channelName = action["Channel"], let target = live(channelName) else { return error("Channel not found") }
            guard let digit = action["Digit"]?.first else { return error("No digit specified") }
            // Receive: yes makes the channel hear it; otherwise it is sent to the caller, unheard by AGI.
            if ["yes", "true", "1", "on"].contains((action["Receive"] ?? "").lowercased()) { target.channel.receive(digit: digit) }
            return ([("Response", "Success"), ("Message", "DTMF successfully queued")], [])
        case "mixmonitor", "stopmixmonitor":
            guard let channelName = action["Channel"], let target = live(channelName) else { return error("No such channel") }
            if action["Action"]?.lowercased() == "mixmonitor" {
                let options = action["Options"] ?? ""
                let caller = SimulatedAGIChannel.optionArgument("r", in: options), agent = SimulatedAGIChannel.optionArgument("t", in: options)
                target.channel.startRecording(
                    action["File"] ?? "\(target.identity.uniqueID).wav", bridgedOnly: SimulatedAGIChannel.flags(options).contains("b"),
                    legs: caller.flatMap { caller in agent.map { (caller, $0) } }
                )
            } else {
                target.channel.stopRecording()
            }
            return ([("Response", "Success")], [])
        case "mixmonitormute":
            guard let direction = action["Direction"]?.lowercased(), !direction.isEmpty else { return error("No direction specified. Must be read, write or both") }
            guard ["read", "write", "both"].contains(direction) else { return error("Invalid direction specified. Must be read, write or both") }
            guard let channelName = action["Channel"], !channelName.isEmpty else { return error("No channel specified") }
            guard let state = action["State"], !state.isEmpty else { return error("No state specified") }
            guard let target = live(channelName) else { return error("No such channel") }
            let muted = !["no", "n", "false", "f", "0", "off"].contains(state.lowercased())
            guard target.channel.muteRecording(muted) else { return error("Cannot set mute flag") }
            return ([("Response", "Success")], [])
        case "events":
            return ([("Response", "Success")], [])
        case "command":
            let lines = liveChannels.map { "\($0.channel)  \($0.exten)@\($0.context):\($0.priority)  Up  AGI(agi://\(configuration.agiHost)/\(configuration.script))" }
            return ([("Response", "Success"), ("Message", "Command output follows")] + (lines + ["\(lines.count) active channels"]).map { ("Output", $0) }, [])
        default:
            return nil
        }
    }
}

import AMI
import Core
import Foundation

/// Supervisors' hands on live calls, through the running server and AMI: listen to, whisper to
/// or barge into an agent's call (ChanSpy on a phone rung for the supervisor), hang up, transfer
/// (blind or attended), park or conference a call, and move, raise or remove a caller who is
/// waiting in a queue.
struct CallControl: Sendable {
    let routing: RoutingService
    let ami: AMIClient?
    let logger: Logger

    /// ChanSpy's options per mode: `q` no beep, `E` ends when the spied channel hangs up; `w`
    /// the supervisor speaks to the agent only, `B` to both.
    enum SpyMode: String, CaseIterable {
        case listen, whisper, barge
        var options: String { ["listen": "qE", "whisper": "qEw", "barge": "qEB"][rawValue]! }
    }

    func register(in router: ControlRouter) {
        router.register("spy", role: .supervisor, changes: true) { request in try await spy(request.arguments) }
        router.register("call-hangup", role: .supervisor, changes: true) { request in try await hangup(request.arguments) }
        router.register("call-transfer", role: .supervisor, changes: true) { request in try await transfer(request.arguments) }
        router.register("call-park", role: .supervisor, changes: true) { request in try await park(request.arguments) }
        router.register("call-conference", role: .supervisor, changes: true) { request in try await conference(request.arguments) }
        router.register("queue-move", role: .supervisor, changes: true) { request in
            guard let uniqueID = request.arguments["uniqueid"], let queue = request.arguments["queue"] else { throw ControlCommandError("queue-move needs uniqueid and queue") }
            if let problem = routing.move(uniqueID: uniqueID, to: queue) { throw ControlCommandError(problem) }
            return "caller \(uniqueID) moved to \(queue), keeping their arrival time"
        }
        router.register("queue-remove", role: .supervisor, changes: true) { request in
            guard let uniqueID = request.arguments["uniqueid"], let removal = request.arguments["to"].flatMap(RoutingService.Removal.init(rawValue:)) else {
                throw ControlCommandError("queue-remove needs uniqueid and to (voicemail or callback)")
            }
            if let problem = routing.remove(uniqueID: uniqueID, to: removal) { throw ControlCommandError(problem) }
            return "caller \(uniqueID) taken out of line: \(removal == .callback ? "to be called back, keeping their place" : "on to voicemail")"
        }
        router.register("queue-priority", role: .supervisor, changes: true) { request in
            guard let uniqueID = request.arguments["uniqueid"], let step = request.arguments["by"].flatMap({ Int($0) }) else {
                throw ControlCommandError("queue-priority needs uniqueid and by (+N or -N)")
            }
            if let problem = routing.raisePriority(uniqueID: uniqueID, by: step) { throw ControlCommandError(problem) }
            return "caller \(uniqueID): priority \(step >= 0 ? "+" : "")\(step)"
        }
    }

    private func connected() throws -> AMIClient {
        guard let ami else { throw ControlCommandError("AMI is not configured: set [ami] username and secret in the config") }
        guard ami.status.state == "connected" else { throw ControlCommandError("AMI is not connected (\(ami.status.state)): try again when it is") }
        return ami
    }

    /// The agent's live call: a channel on their phone that is bridged (or at least up).
    private func agentChannel(_ agent: String, _ ami: AMIClient) throws -> String {
        guard let endpoint = routing.endpoint(of: agent) else { throw ControlCommandError("no agent \(agent)") }
        let theirs = ami.channels.filter { RoutingService.channel($0.snapshot.channel, isOn: endpoint) }
        guard let channel = theirs.first(where: { $0.bridgeID != nil }) ?? theirs.first(where: { $0.snapshot.stateText == "Up" }) else {
            throw ControlCommandError("agent \(agent) is on no call (\(endpoint) has no live channel)")
        }
        return channel.snapshot.channel
    }

    private func spy(_ arguments: [String: String]) async throws -> String {
        guard let agent = arguments["agent"], let phone = arguments["phone"], phone.contains("/") else {
            throw ControlCommandError("spy needs an agent and the supervisor's phone (an endpoint such as PJSIP/2001)")
        }
        guard let mode = SpyMode(rawValue: arguments["mode"] ?? "listen") else { throw ControlCommandError("mode is listen, whisper or barge") }
        let ami = try connected()
        let target = try agentChannel(agent, ami)
        let response = try await ami.send(.originate(
            channel: phone, application: "ChanSpy", data: "\(target),\(mode.options)", callerID: "\"Spy \(agent)\" <\(agent)>", timeout: .seconds(30)
        ), timeout: .seconds(40))
        guard response.isSuccess, response.completion?["Response"]?.lowercased() != "failure" else {
            throw ControlCommandError("\(phone) was not reached (\(response.completion?["Reason"].map { "reason \($0)" } ?? response.text ?? "refused"))")
        }
        logger.notice("supervisor spying", ["agent": agent, "channel": target, "phone": phone, "mode": mode.rawValue])
        return "\(phone) \(mode.rawValue == "listen" ? "listens to" : mode.rawValue == "whisper" ? "whispers to" : "barges into") agent \(agent)'s call (\(target))"
    }

    /// The live channel of the call `uniqueid` (or whose linkedid it is).
    private func channel(of uniqueID: String, _ ami: AMIClient) throws -> String {
        // One view of the channels for both questions (the tracker reads them out when asked).
        let all = ami.channels
        guard let found = all.first(where: { $0.uniqueID == uniqueID }) ?? all.first(where: { $0.snapshot.linkedID == uniqueID }) else {
            throw ControlCommandError("no live call \(uniqueID) (switchboard channels lists them)")
        }
        return found.snapshot.channel
    }

    private func hangup(_ arguments: [String: String]) async throws -> String {
        guard let uniqueID = arguments["uniqueid"] else { throw ControlCommandError("call-hangup needs a uniqueid") }
        let ami = try connected()
        let channel = try channel(of: uniqueID, ami)
        let response = try await ami.send(.hangup(channel: channel))
        guard response.isSuccess else { throw ControlCommandError("Asterisk did not hang up \(channel): \(response.text ?? "refused")") }
        return "hung up \(channel)"
    }

    /// The channel bridged with `channel` (the other side of its call).
    private func peer(of channel: String, _ ami: AMIClient) throws -> String {
        let all = ami.channels
        guard let bridge = all.first(where: { $0.snapshot.channel == channel })?.bridgeID,
              let peer = all.first(where: { $0.bridgeID == bridge && $0.snapshot.channel != channel }) else {
            throw ControlCommandError("\(channel) is not bridged with anyone")
        }
        return peer.snapshot.channel
    }

    /// Blind: the call goes to `EXTEN@CONTEXT` (AMI Redirect), its other side is released.
    /// Attended: its other side (the agent) consults the target (AMI Atxfer) and the call goes
    /// over when the agent hangs up.
    private func transfer(_ arguments: [String: String]) async throws -> String {
        guard let uniqueID = arguments["uniqueid"], let target = arguments["target"] else { throw ControlCommandError("call-transfer needs a uniqueid and a target") }
        let parts = target.split(separator: "@", maxSplits: 1).map(String.init)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { throw ControlCommandError("target '\(target)' is not EXTEN@CONTEXT (such as 4008@switchboard-inbound)") }
        let ami = try connected()
        let channel = try channel(of: uniqueID, ami)
        if arguments["attended"] == "yes" {
            let transferer = try peer(of: channel, ami)
            let response: AMIResponse
            do {
                response = try await ami.send(.atxfer(channel: transferer, context: parts[1], exten: parts[0]))
            } catch AMIError.actionFailed(_, let message) where message.contains("No attended transfer feature code") {
                throw ControlCommandError("Asterisk has no attended-transfer feature code: set atxfer => *2 in features.conf [featuremap], then module reload features")
            }
            guard response.isSuccess else { throw ControlCommandError("Asterisk did not start the transfer on \(transferer): \(response.text ?? "refused")") }
            return "\(transferer) consults \(target); \(channel) goes over when it hangs up"
        }
        let response = try await ami.send(.redirect(channel: channel, context: parts[1], exten: parts[0]))
        guard response.isSuccess else { throw ControlCommandError("Asterisk did not transfer \(channel): \(response.text ?? "refused")") }
        return "transferred \(channel) to \(target)"
    }

    /// AMI Park (res_parking): the call waits in the parking lot; its other side is called back
    /// when nobody takes it.
    private func park(_ arguments: [String: String]) async throws -> String {
        guard let uniqueID = arguments["uniqueid"] else { throw ControlCommandError("call-park needs a uniqueid") }
        let ami = try connected()
        let channel = try channel(of: uniqueID, ami)
        let response: AMIResponse
        do {
            response = try await ami.send(.park(channel: channel, timeoutChannel: try? peer(of: channel, ami)))
        } catch AMIError.actionFailed(_, let message) where message.contains("Invalid/unknown command") {
            throw ControlCommandError("this Asterisk cannot park calls: its res_parking module is not loaded")
        }
        guard response.isSuccess else { throw ControlCommandError("Asterisk did not park \(channel): \(response.text ?? "refused")") }
        return "parked \(channel)\(response.message["ParkingSpace"].map { " in space \($0)" } ?? "")"
    }

    /// Both sides of the call into ConfBridge room (the uniqueid's digits, in
    /// `[switchboard-conference]`), and the third party originated into it.
    private func conference(_ arguments: [String: String]) async throws -> String {
        guard let uniqueID = arguments["uniqueid"], let endpoint = arguments["endpoint"], endpoint.contains("/") else {
            throw ControlCommandError("call-conference needs a uniqueid and an endpoint to bring in (such as PJSIP/2001)")
        }
        let ami = try connected()
        let channel = try channel(of: uniqueID, ami)
        let other = try peer(of: channel, ami)
        let room = uniqueID.filter(\.isNumber)
        let moved = try await ami.send(.redirect(channel: channel, context: Self.conferenceContext, exten: room, extraChannel: other))
        guard moved.isSuccess else { throw ControlCommandError("Asterisk did not move the call into room \(room): \(moved.text ?? "refused")") }
        let called = try await ami.send(.originate(channel: endpoint, context: Self.conferenceContext, exten: room, priority: 1, callerID: "\"Conference\" <\(room)>"), timeout: .seconds(40))
        guard called.isSuccess, called.completion?["Response"]?.lowercased() != "failure" else {
            throw ControlCommandError("the call is in room \(room), but \(endpoint) was not reached (\(called.completion?["Reason"].map { "reason \($0)" } ?? called.text ?? "refused"))")
        }
        return "\(channel), \(other) and \(endpoint) are in conference room \(room)"
    }

    /// The dialplan context the shipped template gives conferences.
    static let conferenceContext = "switchboard-conference"

}

import Lab
import AMI
import App
import Core
import Foundation
import Store
import Synchronization
import Testing
import Wire

/// A call center on a real Asterisk: an AsteriskLab instance with its own ports, the real
/// `switchboard serve` binary against it (the shipped dialplan and flows, test agents on Local
/// channels into the sample's `[agents]`), and an AMI connection of the test's own that records
/// every event with the moment it arrived.
final class LabCenter: @unchecked Sendable {
    /// The project's root folder.
    static let projectRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// The Asterisk build, or why the tier is skipped.
    static let located = AsteriskLab.locate(projectRoot: projectRoot)
    static var available: Bool { located.build != nil }

    /// Agents on the sample's Local channels: 1001–1009 answer and talk, 1098 rings forever.
    static let agents = """
        [1001]
        name = Li Wei
        endpoint = Local/1001@agents
        skills = sales:4, support:2
        languages = zh, en
        pin = 1001
        [1002]
        name = Ann Lee
        endpoint = Local/1002@agents
        skills = support:4, billing:3
        languages = en
        pin = 1002
        [1003]
        name = Bo Chen
        endpoint = Local/1003@agents
        skills = support:4
        languages = en
        pin = 1003
        [1098]
        name = Never There
        endpoint = Local/1098@agents
        skills = support:5
        languages = en
        pin = 1098
        """

    static let queues = """
        [support]
        skills = support:3
        strategy = longest-idle
        short_abandon = 8
        ring_timeout = 3
        wrapup = 0
        max_misses = 2
        max_wait = 120
        announce_every = 0
        record = legs
        callback_key = #

        [sales]
        skills = sales:2
        ring_timeout = 3
        wrapup = 0
        max_wait = 120
        announce_every = 0
        """

    /// Test contexts: the trunk's far end for callbacks, and the inbound context without
    /// Answer() (where only the flow can answer).
    static func extraDialplan(agiPort: UInt16) -> String {
        """

        ; Callbacks leave through the "trunk" ([general] trunk = Local/{number}@callee): the customer answers.
        [callee]
        exten => _X.,1,Answer()
         same => n,Wait(4)
         same => n,Hangup()

        ; A customer who keys DIGITS and stays on the line 60 s (long enough to leave a message).
        [caller-stays]
        exten => s,1,Wait(${DTMF_DELAY})
         same => n,SendDTMF(${DIGITS})
         same => n,Wait(60)
         same => n,Hangup()

        ; The inbound context as an install without Answer() would have it: only the flow answers.
        [no-answer]
        exten => _X.,1,AGI(agi://127.0.0.1:\(agiPort)/ivr/main)
         same => n,Hangup()
        """
    }

    let lab: AsteriskLab
    let folder: String
    var configPath = ""
    var server: ChildProcess?
    private var observer: AMIConnection?
    let events = EventLog()

    /// With `sip`, the lab has PJSIP and its phones; calls from the trunk come from `sipCaller`.
    static let sipCaller = (name: "Zhou Min", number: "13800138000")

    init(
        queues: String = LabCenter.queues, agents: String = LabCenter.agents, sip: Bool = false, operatorTarget: String = "Local/1003@agents",
        tickets: String? = nil, tuneFlows: (String) -> String = { $0 }
    ) throws {
        let build = try #require(Self.located.build)
        let agiPort = try AsteriskLab.freePort()
        lab = try AsteriskLab(
            build: build, projectRoot: Self.projectRoot, agiPort: agiPort, extraDialplan: Self.extraDialplan(agiPort: agiPort),
            sip: sip, trunkCallerID: "\"\(Self.sipCaller.name)\" <\(Self.sipCaller.number)>"
        )
        folder = lab.folder + "/sb"
        let files = FileManager.default
        try files.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try files.copyItem(atPath: Self.projectRoot + "/dialplans/ivr", toPath: folder + "/ivr")
        // Office hours always: the test runs at any hour, the rest of the shipped flow as it is.
        let main = try String(contentsOfFile: folder + "/ivr/main.conf", encoding: .utf8)
            .replacingOccurrences(of: "when = weekdays, 09:00-18:00, not holiday", with: "when = not holiday")
        try tuneFlows(main).write(toFile: folder + "/ivr/main.conf", atomically: true, encoding: .utf8)
        try queues.write(toFile: folder + "/queues.conf", atomically: true, encoding: .utf8)
        try agents.write(toFile: folder + "/agents.conf", atomically: true, encoding: .utf8)
        configPath = try lab.writeSwitchboardConfig(in: folder, loginAtStart: false, logLevel: "trace", operatorTarget: operatorTarget)
        if let tickets {
            try tickets.write(toFile: folder + "/tickets.conf", atomically: true, encoding: .utf8)
            let config = try String(contentsOfFile: configPath, encoding: .utf8)
            try (config + "\n[tickets]\nrules = tickets.conf\n").write(toFile: configPath, atomically: true, encoding: .utf8)
        }
    }

    /// Starts Asterisk, the observer and the server; returns once the server's AMI is connected.
    func start() async throws {
        try await lab.start()
        let observer = try await AMIConnection.connect(to: try SocketAddress(host: "127.0.0.1", port: lab.amiPort), logger: .silent) { [self] read in
            self.events.append(read)
        }
        try await observer.login(username: AsteriskLab.observerUser, secret: Secret(AsteriskLab.observerSecret))
        self.observer = observer
        try await startServer()
    }

    /// Stops the server (SIGTERM) and serves the same files again, as after a restart.
    func restartServer() async throws {
        if let server {
            server.signal(SIGTERM)
            _ = try await server.waitForExit()
        }
        try await startServer()
    }

    /// Starts `switchboard serve`; returns once its AMI is connected.
    private func startServer() async throws {
        let server = try ChildProcess(arguments: ["serve", "--config", configPath])
        self.server = server
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            if let status = try? await control("status", as: StatusReport.self), status.ami.state == "connected" { return }
            guard server.isRunning else { throw AsteriskLab.LabError(description: "switchboard serve exited: \(server.standardError())") }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw AsteriskLab.LabError(description: "switchboard serve did not connect to AMI: \(server.standardError().suffix(2000))")
    }

    /// Stops everything; `keep` leaves the instance's folder (logs, recordings, database) for a look.
    func stop(keep: Bool = false) async {
        if let server {
            server.signal(SIGTERM)
            _ = try? await server.waitForExit()
        }
        if keep { try? serverLog.write(toFile: folder + "/serve.log", atomically: true, encoding: .utf8) }
        observer?.close()
        await lab.stop(keep: keep)
    }

    /// What the server logged.
    var serverLog: String { server?.standardError() ?? "" }

    func control<Result: Decodable>(_ command: String, _ arguments: [String: String] = [:], as type: Result.Type) async throws -> Result {
        try await ControlClient(path: folder + "/sb.ctl").send(command, arguments: arguments, as: type)
    }

    /// Runs the `switchboard` command against this center; its exit code and output.
    func command(_ arguments: [String]) async throws -> (code: Int32, out: String, err: String) {
        let child = try ChildProcess(arguments: arguments + ["--config", configPath])
        let code = try await child.waitForExit()
        return (code, child.standardOutput(), child.standardError())
    }

    func login(_ agents: String...) async throws {
        for agent in agents { _ = try await control("agent", ["agent": agent, "change": "login"], as: String.self) }
    }

    /// A customer calls `dnis` from `number` (into `context`): once the call is answered, the
    /// customer's side waits `delay` s and keys `digits` (`w` = 0.5 s), then stays 20 s.
    /// Variables starting with `_` reach the agent's leg (`_TALK_SECS`).
    @discardableResult
    func call(from number: String, name: String = "Li Wei", digits: String = "", delay: Double = 2, context: String = "switchboard-inbound",
              dnis: String = "4008", as side: String = "s", callerContext: String = "caller", talkSeconds: Int = 3,
              extra: [(String, String)] = []) async throws -> AMIResponse {
        try await send(.originate(
            channel: "Local/\(dnis)@\(context)", context: callerContext, exten: side, priority: 1, callerID: "\"\(name)\" <\(number)>",
            timeout: .seconds(30), variables: [("DIGITS", digits), ("DTMF_DELAY", String(delay)), ("_TALK_SECS", String(talkSeconds))] + extra
        ))
    }

    @discardableResult
    func send(_ action: AMIAction) async throws -> AMIResponse {
        guard let observer else { throw AsteriskLab.LabError(description: "not started") }
        return try await observer.send(action, timeout: .seconds(40))
    }

    /// Every event so far.
    var all: [(at: MonotonicTime, event: AMIEvent)] { events.all }

    /// Waits until `found` finds something in the events, for up to `seconds`.
    @discardableResult
    func wait<T>(_ what: String, seconds: Double = 30, _ found: ([(at: MonotonicTime, event: AMIEvent)]) -> T?) async throws -> T {
        try await poll("no \(what)", seconds: seconds) { found(self.all) }
    }

    /// Asks `found` every 20 ms for up to `seconds` until it finds something; `failure` says
    /// what was not found.
    @discardableResult
    func poll<T>(_ failure: @autoclosure () -> String, seconds: Double, _ found: () async throws -> T?) async throws -> T {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            if let value = try await found() { return value }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw AsteriskLab.LabError(description: "\(failure()) within \(seconds) s")
    }

    /// The caller's FastAGI channel (the `;2` half running the flow) by their number; `besides`:
    /// channels of their earlier calls.
    func flowChannel(of number: String, besides: Set<String> = []) async throws -> String {
        try await wait("AGI session of \(number)") { events in
            events.lazy.compactMap { item -> String? in
                if case .agiExecStart(let channel, _, _) = item.event.kind, channel.callerIDNumber == number, !besides.contains(channel.channel) { return channel.channel }
                return nil
            }.first
        }
    }

    /// The AGI commands run on `channel`, in order.
    func commands(on channel: String) -> [String] {
        all.compactMap { item in
            if case .agiExecStart(let snapshot, let command, _) = item.event.kind, snapshot.channel == channel { return command }
            return nil
        }
    }

    /// The agent legs `channel` dialled, in order (DialBegin's destinations).
    func dialled(from channel: String) -> [String] {
        all.compactMap { item in
            if case .dialBegin(let caller?, let destination, _) = item.event.kind, caller.channel == channel { return destination.channel }
            return nil
        }
    }

    /// What `switchboard queue show` sees.
    func queue() async throws -> QueueReport { try await control("queue-show", as: QueueReport.self) }

    /// The uniqueid of a caller waiting in `queue` (`queue show`), once there is one.
    func waitingCaller(in queue: String, seconds: Double = 10) async throws -> String {
        try await poll("no caller waiting in \(queue)", seconds: seconds) { try await self.queue().waiting.first { $0.queue == queue }?.uniqueID }
    }

    /// An agent's state in `queue show`'s words.
    func state(of agent: String) async throws -> String? { try await queue().agents.first { $0.agent == agent }?.state }

    /// Waits until `agent` is in a state starting with `prefix`.
    func waitForAgent(_ agent: String, _ prefix: String, seconds: Double = 30) async throws {
        var last: String?
        try await poll("agent \(agent) not '\(prefix)…' (is '\(last ?? "unknown")')", seconds: seconds) {
            last = try await state(of: agent)
            return last?.hasPrefix(prefix) == true ? true : nil
        }
    }

    /// Waits until the server sees `agent`'s phone busy (or free) from its device state.
    func waitForPhone(of agent: String, busy: Bool, seconds: Double = 10) async throws {
        try await poll("agent \(agent)'s phone not \(busy ? "busy" : "free")", seconds: seconds) {
            try await queue().agents.first { $0.agent == agent }?.phoneBusy == busy ? true : nil
        }
    }

    /// Waits until `channel` dials a leg whose name starts with `prefix`; that leg.
    @discardableResult
    func waitForDial(from channel: String, to prefix: String, seconds: Double = 30) async throws -> String {
        try await wait("a Dial from \(channel) to \(prefix)", seconds: seconds) { _ in self.dialled(from: channel).first { $0.hasPrefix(prefix) } }
    }

    /// Every DTMF digit Asterisk saw, with the channel it was on.
    var digits: [(channel: String, digit: String)] {
        all.compactMap { item in
            if case .dtmf(let snapshot, let digit, _, _) = item.event.kind { return (snapshot.channel, digit) }
            return nil
        }
    }

    /// Waits until `channel` hangs up.
    func hungUp(_ channel: String, seconds: Double = 60) async throws {
        _ = try await wait("hangup of \(channel)", seconds: seconds) { events in
            events.contains { if case .hangup(let snapshot, _, _) = $0.event.kind { snapshot.channel == channel } else { false } } ? true : nil
        }
    }

    /// The caller's latest call once the server has written its finished record.
    func finishedCall(from number: String, seconds: Double = 15) async throws -> CallRecord {
        let store = try await Store.open(path: folder + "/sb.db", readOnly: true)
        defer { store.close() }
        guard let call = try await store.finishedCall(number: number, within: .milliseconds(Int(seconds * 1000))) else {
            throw AsteriskLab.LabError(description: "no finished call record from \(number) within \(seconds) s")
        }
        return call
    }

    /// The steps of a stored call.
    func steps(of call: CallRecord) async throws -> [CallEvent] {
        let store = try await Store.open(path: folder + "/sb.db", readOnly: true)
        defer { store.close() }
        return try await store.callEvents(callID: call.id!)
    }

    /// How long `channel` was bridged, by this test's own AMI events (BridgeEnter to the first
    /// BridgeLeave of that bridge), and which channel left first.
    func bridged(_ channel: String) -> (seconds: Double, firstToLeave: String)? {
        let events = all
        guard let (entered, bridge) = events.lazy.compactMap({ item -> (MonotonicTime, String)? in
            if case .bridgeEnter(let snapshot, let bridge) = item.event.kind, snapshot.channel == channel { return (item.at, bridge) }
            return nil
        }).first, let left = events.first(where: { item in
            if case .bridgeLeave(_, let id) = item.event.kind { id == bridge } else { false }
        }), case .bridgeLeave(let leaver, _) = left.event.kind else { return nil }
        return (Double(left.at.nanoseconds - entered.nanoseconds) / 1e9, leaver.channel)
    }
}

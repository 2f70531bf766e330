import ACD
import AMI
import Core
import Foundation
import Store
import Synchronization

/// The ACD at work in the server: the routing engine behind a lock, on the server's clock,
/// with the agents' phones and the offers that waiting flows pick up.
public final class RoutingService: Sendable {
    public struct Offer: Sendable, Equatable {
        public var agent: String
        public var endpoint: String
    }

    struct State {
        var engine: RoutingEngine
        var endpoints: [String: String]
        /// Offers made and not yet taken by the flow holding the caller.
        var offers: [Int: String] = [:]
        var nextCall = 1
        var joined: [Int: (queue: String, at: Double)] = [:]
        /// The caller's channel, which AMI's events of the agent's Dial name.
        var channels: [Int: String] = [:]
        /// Ends the wait of the flow holding the call, the moment an agent is chosen for it.
        var wakers: [Int: @Sendable () -> Void] = [:]
        /// The caller's uniqueid, for their timeline.
        var uniqueIDs: [Int: String] = [:]
        /// When each offer was decided, and how long decisions took to become a dialled phone.
        var offeredAt: [Int: MonotonicTime] = [:]
        var dialLatencies: [UInt64] = []
        var handleTimes: [Double] = []
        /// Callers who asked to be called back (call → their number); their place is kept.
        var callbacks: [Int: String] = [:]
        /// Callbacks out of line while AMI is down (no Originate can be placed), back when it is up.
        var parked: [Int: WaitingCall] = [:]
        /// Agents on a callback: on the call until their phone is free again (AMI device state).
        var onCallback: Set<String> = []
        var callBack: (@Sendable (CallbackRequest) -> Void)?
        /// Holding flows' Dials of their chosen agents, until the agent's leg ends.
        var dials: [Int: Dial] = [:]
    }

    let state: Mutex<State>
    private let started = MonotonicTime.now()
    private let logger: Logger
    /// Queues from the queues file, by name.
    public let settings: [String: QueueSettings]
    /// Whether AMI is connected now, so callbacks can be originated.
    let amiReady: @Sendable () -> Bool
    /// Where routing steps go to be kept: a call's timeline, an agent's state changes.
    let journal: @Sendable (JournalEntry) -> Void

    /// A routing step worth keeping.
    public enum JournalEntry: Sendable, Equatable {
        case call(uniqueID: String, kind: String, data: String)
        case agent(id: String, state: String, reason: String?)
        /// A caller asked to be called back: kept until an agent takes it, so a restart keeps their place.
        case callbackRequested(PendingCallback)
        case callbackTaken(uniqueID: String, agent: String)
    }

    /// - Parameters:
    ///   - agents: id, endpoint, skills (languages become `lang:` skills).
    ///   - loggedIn: agents logged in at start (the demo's; others log in by phone or CLI).
    public init(
        agents: [(id: String, endpoint: String, skills: [String: Int], languages: [String])], queues: [String: QueueSettings],
        loggedIn: Bool, logger: Logger, amiReady: @escaping @Sendable () -> Bool = { true },
        journal: @escaping @Sendable (JournalEntry) -> Void = { _ in }
    ) {
        settings = queues
        self.amiReady = amiReady
        self.journal = journal
        var engine = RoutingEngine(queues: queues.values.map(\.definition), agents: agents.map { agent in
            RoutingAgent(id: agent.id, skills: Self.routingSkills(agent.skills, agent.languages))
        })
        if loggedIn { for agent in agents { _ = engine.login(agent.id, now: 0) } }
        state = Mutex(State(engine: engine, endpoints: Dictionary(agents.map { ($0.id, $0.endpoint) }) { first, _ in first }))
        self.logger = logger
    }

    /// The agent as the store has them now — added or edited since the server started — with
    /// these skills and this phone from here on. Called before a login, so edits take effect then.
    public func learn(_ agent: Agent) {
        state.withLock { state in
            state.engine.define(RoutingAgent(id: agent.id, skills: Self.routingSkills(agent.skills, agent.languages)))
            state.endpoints[agent.id] = agent.endpoint
        }
    }

    /// Skills as routing sees them: languages are skills too (`lang:zh`, spoken at level 5).
    static func routingSkills(_ skills: [String: Int], _ languages: [String]) -> [String: Int] {
        skills.merging(languages.map { ("lang:\($0)", 5) }) { max($0, $1) }
    }

    /// Seconds since the service started: the engine's clock.
    public func now() -> Double { started.secondsElapsed }

    /// Ticks once a second: wrap-ups end, rules re-evaluate, overflows move calls; at local
    /// midnight the agents' calls-today counts start again.
    public func run(today: @escaping @Sendable () -> String = { RoutingService.localDate() }) async {
        var day = today()
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(1))
            let now = now()
            let newDay = today()
            state.withLock { state in
                if newDay != day { state.engine.resetDailyCounts() }
                record(state.engine.tick(now: now), in: &state)
            }
            day = newDay
        }
    }

    /// `YYYY-MM-DD` now in `timeZone` (the call center's).
    @Sendable public static func localDate(in timeZone: TimeZone = .current) -> String {
        let parts = Calendar(identifier: .gregorian).dateComponents(in: timeZone, from: Date())
        return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }

    /// The queue's settings: from the queues file, or defaults around the flow's skills.
    public func settings(for name: String, skills: [String: Int]) -> QueueSettings {
        settings[name] ?? QueueSettings(QueueDefinition(name: name, skills: skills, wrapUpSeconds: 0))
    }

    /// A caller joins `queue` (defined on first use from the flow's node if not configured),
    /// with priority from the flow and the customer's tier, needing an agent who speaks `language`.
    /// `wake` ends the holding flow's wait when an agent is chosen.
    public func join(
        queue: QueueDefinition, extraPriority: Int, language: String?, channel: String? = nil, uniqueID: String? = nil,
        wake: (@Sendable () -> Void)? = nil
    ) -> Int {
        let now = now()
        return state.withLock { state in
            if state.engine.queues[queue.name] == nil { state.engine.define(queue) }
            let id = state.nextCall
            state.nextCall += 1
            state.joined[id] = (queue.name, now)
            state.channels[id] = channel
            state.wakers[id] = wake
            state.uniqueIDs[id] = uniqueID
            // The caller's language is required when some agent speaks it (agents with no
            // languages configured serve everyone).
            let skill = language.map { "lang:\($0)" }
            let spoken = skill.map(state.engine.anyAgentHas) ?? false
            let extra = spoken ? [skill!: 1] : [:]
            record(state.engine.enqueue(WaitingCall(id: id, queue: queue.name, arrivedAt: now, extraPriority: extraPriority, extraSkills: extra), now: now), in: &state)
            return id
        }
    }

    /// The agent chosen for the call, once; nil while it waits.
    public func takeOffer(_ call: Int) -> Offer? {
        state.withLock { state in
            guard let agent = state.offers.removeValue(forKey: call) else { return nil }
            return Offer(agent: agent, endpoint: state.endpoints[agent] ?? agent)
        }
    }

    /// Ring-no-answer: the caller keeps their place.
    public func notAnswered(_ call: Int) {
        let now = now()
        state.withLock { state in
            state.dials[call] = nil
            record(state.engine.notAnswered(call, now: now), in: &state)
        }
    }

    /// The caller left the queue (hung up, chose voicemail, waited too long). A caller already
    /// talking to their agent has not left the queue: their call ended, and the agent is free.
    public func leave(_ call: Int) {
        let now = now()
        state.withLock { state in
            if state.dials[call]?.answeredAt != nil {
                legEnded(call, now: now, in: &state)
                return
            }
            state.dials[call] = nil
            state.wakers[call] = nil
            state.offers[call] = nil
            state.offeredAt[call] = nil
            state.joined[call] = nil
            state.channels[call] = nil
            state.uniqueIDs[call] = nil
            record(state.engine.abandoned(call, now: now), in: &state)
        }
    }

    public enum AgentChange: String, Sendable, CaseIterable { case login, logout, pause, unpause }

    /// An agent's own change (phone feature code or CLI); an error text when it does not apply.
    public func change(_ agent: String, _ change: AgentChange, reason: String? = nil) -> String? {
        let now = now()
        return state.withLock { state -> String? in
            guard let before = state.engine.agents[agent]?.state else { return "no agent \(agent)" }
            switch change {
            case .login: record(state.engine.login(agent, now: now), in: &state)
            case .logout: state.engine.logout(agent, now: now)
            case .pause: state.engine.pause(agent, reason: reason ?? "break", now: now)
            case .unpause: record(state.engine.unpause(agent, now: now), in: &state)
            }
            let after = state.engine.agents[agent]?.state
            if after == before && change != .logout { return "agent \(agent) is \(Self.describe(before)): cannot \(change.rawValue)" }
            journal(.agent(id: agent, state: change == .unpause || change == .login ? "available" : change == .pause ? "paused" : "logged out", reason: change == .pause ? reason ?? "break" : nil))
            return nil
        }
    }

    /// A phone's device state from AMI (`DeviceStateChange`, `DeviceStateList`): an agent whose
    /// phone is in use, ringing or on hold outside routing is never offered a call.
    public func deviceState(_ device: String, _ deviceState: String) {
        let busy = ["INUSE", "BUSY", "RINGING", "RINGINUSE", "ONHOLD"].contains(deviceState.uppercased())
        let now = now()
        state.withLock { state in
            for (agent, endpoint) in state.endpoints where endpoint == device {
                // A callback ends when the agent's phone is free: wrap-up starts then.
                if !busy, state.onCallback.remove(agent) != nil { record(state.engine.callEnded(agent: agent, now: now), in: &state) }
                record(state.engine.setDeviceBusy(agent, busy, now: now), in: &state)
            }
        }
    }

    /// Follows the phones' device states on the AMI client's feed, and reads them all again
    /// (DeviceStateList) whenever the client (re)connects or falls behind.
    public func follow(_ ami: AMIClient) async {
        for await item in ami.subscribe(name: "acd", buffer: 10_000) {
            switch item {
            case .event(let event):
                switch event.kind {
                case .deviceStateChange(let device, let deviceState): self.deviceState(device, deviceState)
                case .dialBegin(let caller?, let destination, _): dialBegan(from: caller.channel, to: destination.channel)
                case .dialEnd(_, let destination, "ANSWER"): legAnswered(destination.channel)
                case .hangup(let channel, _, _): channelGone(channel.channel)
                default: break
                }
            case .connected, .resync:
                resumeParked()
                await resyncPhones(from: ami)
            case .disconnected:
                break
            }
        }
    }

    /// Every agent's phone state from what Asterisk says now, after a (re)connect: a state that
    /// changed during an outage was never reported, so none from before it is kept. The device
    /// list has the phones whose states Asterisk caches; it has no Local channel devices, and
    /// for those (or when the list cannot be read) a phone is busy while a live channel is its.
    func resyncPhones(from ami: AMIClient) async {
        var listed: [String: String] = [:]
        if let list = try? await ami.send(.deviceStateList()) {
            for item in list.items { if let device = item["Device"], let deviceState = item["State"] { listed[device] = deviceState } }
        }
        let live = ami.channels.map(\.snapshot.channel)
        for endpoint in Set(state.withLock { $0.endpoints.values }) {
            deviceState(endpoint, listed[endpoint] ?? (live.contains { Self.channel($0, isOn: endpoint) } ? "INUSE" : "NOT_INUSE"))
        }
    }

    /// Whether `channel` is a call on the device `endpoint`: Asterisk names a device's channels
    /// after it, `PJSIP/1001-0000000a`, `SIP/1001-00000003`, `Local/1001@agents-00000004;1`.
    static func channel(_ channel: String, isOn endpoint: String) -> Bool {
        guard channel.hasPrefix(endpoint + "-") else { return false }
        return channel.dropFirst(endpoint.count + 1).allSatisfy { $0.isHexDigit || $0 == ";" }
    }

    /// Position in line (1 = next) and an estimated wait from recent handle times and agents serving the queue.
    public func position(of call: Int) -> (position: Int, estimatedSeconds: Double)? {
        let now = now()
        return state.withLock { state in
            guard let position = state.engine.position(of: call, now: now), let queue = state.joined[call]?.queue else { return nil }
            let handle = state.handleTimes.isEmpty ? 120 : state.handleTimes.reduce(0, +) / Double(state.handleTimes.count)
            let serving = max(1, state.engine.agents.values.filter { agent in
                agent.state != .loggedOut && (state.engine.queues[queue]?.skills ?? [:]).allSatisfy { (agent.skills[$0.key] ?? 0) >= $0.value }
            }.count)
            return (position, Double(position) * handle / Double(serving))
        }
    }

    /// What `switchboard queue show` prints.
    public func report() -> QueueReport {
        let now = now()
        return state.withLock { state in
            let engine = state.engine
            func line(_ call: WaitingCall, parked: Bool) -> QueueReport.Caller {
                QueueReport.Caller(
                    call: call.id, queue: call.queue, waitSeconds: now - call.arrivedAt, priority: engine.priority(of: call, now: now),
                    position: parked ? 0 : engine.position(of: call.id, now: now) ?? 0, ringing: call.offeredTo,
                    callback: parked || state.callbacks[call.id] != nil, parked: parked
                )
            }
            // In line order: by queue, then place; parked callbacks after.
            let waiting = engine.calls.values.map { line($0, parked: false) }.sorted { ($0.queue, $0.position) < ($1.queue, $1.position) }
                + state.parked.values.sorted { $0.arrivedAt < $1.arrivedAt }.map { line($0, parked: true) }
            let reserved = Set(state.offers.values)
            let agents = engine.agents.values.sorted { $0.id < $1.id }.map { agent in
                QueueReport.AgentLine(
                    agent: agent.id, state: Self.describe(agent.state, reserved: reserved.contains(agent.id)), secondsInState: now - agent.stateSince,
                    callsToday: agent.callsToday, phoneBusy: agent.deviceBusy, queues: engine.queues(servedBy: agent.id)
                )
            }
            return QueueReport(queues: engine.queues.keys.sorted(), waiting: waiting, agents: agents, dialLatency: LatencySummary(nanoseconds: state.dialLatencies))
        }
    }

    /// An agent's state in words. `reserved`: chosen for a call whose flow has not yet dialled them.
    static func describe(_ state: AgentState, reserved: Bool = false) -> String {
        switch state {
        case .loggedOut: "logged out"
        case .available: "available"
        case .ringing(let call): reserved ? "reserved (call \(call))" : "ringing (call \(call))"
        case .onCall(let call): "on call \(call)"
        case .wrapUp: "wrap-up"
        case .paused(let reason): "paused: \(reason)"
        }
    }

    func record(_ decisions: [RoutingDecision], in state: inout State) {
        for decision in decisions {
            switch decision {
            case .offer(let call, let agent):
                if state.callbacks[call] != nil {
                    if amiReady() { callBack(call, agent: agent, in: &state) } else { park(call, in: &state) }
                    continue
                }
                state.offers[call] = agent
                state.offeredAt[call] = MonotonicTime.now()
                // One small write on the caller's FastAGI socket: no waiting under the lock.
                let wake = state.wakers[call]
                wake?()
                logger.debug("agent chosen", ["call": "\(call)", "agent": agent, "uniqueid": state.uniqueIDs[call] ?? "", "woken": wake == nil ? "no" : "yes"])
            case .overflowed(let call, let queue):
                state.joined[call]?.queue = queue
                if let uniqueID = state.uniqueIDs[call] { journal(.call(uniqueID: uniqueID, kind: "overflowed", data: queue)) }
            case .autoPaused(let agent):
                logger.warning("agent paused after missed calls", ["agent": agent])
                journal(.agent(id: agent, state: "paused", reason: "missed calls"))
            case .wrapUpEnded(let agent):
                journal(.agent(id: agent, state: "available", reason: "wrap-up over"))
            }
        }
    }
}

/// Waiting callers and agents, for supervisors.
public struct QueueReport: Codable, Sendable {
    public struct Caller: Codable, Sendable {
        public var call: Int
        public var queue: String
        public var waitSeconds: Double
        public var priority: Int
        /// 0 for a parked callback (out of line until AMI is back).
        public var position: Int
        public var ringing: String?
        /// The caller hung up to be called back, keeping this place.
        public var callback: Bool
        public var parked: Bool
    }

    public struct AgentLine: Codable, Sendable {
        public var agent: String
        public var state: String
        public var secondsInState: Double
        public var callsToday: Int
        public var phoneBusy: Bool
        /// Queues whose calls the agent can take (some only once rules have relaxed them).
        public var queues: [String]
    }

    public var queues: [String]
    public var waiting: [Caller]
    public var agents: [AgentLine]
    /// From an agent chosen to their phone dialled.
    public var dialLatency: LatencySummary
}

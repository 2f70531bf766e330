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

    /// One call in routing, with its whole state: from joining the queue until the caller
    /// leaves it, or until the agent's leg of an answered call ends.
    struct RoutedCall {
        var queue: String
        /// The caller's uniqueid, for their timeline.
        var uniqueID: String?
        /// The caller's channel, which AMI's events of the agent's Dial name.
        var channel: String?
        /// Ends the wait of the flow holding the call, the moment an agent is chosen for it.
        var wake: (@Sendable () -> Void)?
        /// The agent chosen and not yet taken by the holding flow, and when it was decided.
        var offer: String?
        var offeredAt: MonotonicTime?
        /// The caller asked to be called back at this number; their place is kept.
        var callbackNumber: String?
        /// A callback out of line while AMI is down (no Originate can be placed), back when it is up.
        var parked: WaitingCall?
        /// The holding flow's Dial of the chosen agent, until the agent's leg ends.
        var dial: Dial?
        /// Where a supervisor sent the caller (`queue remove`), for the holding flow to act on.
        var removal: Removal?
    }

    /// Work decided under the lock and done after it is released.
    enum Effect {
        case journal(JournalEntry)
        case wake(@Sendable () -> Void)
        case callBack(@Sendable (CallbackRequest) -> Void, CallbackRequest)
    }

    struct State {
        var engine: RoutingEngine
        var endpoints: [String: String]
        var calls: [Int: RoutedCall] = [:]
        var nextCall = 1
        /// How long decisions took to become a dialled phone, and recent calls' handle times.
        var dialLatencies: [UInt64] = []
        var handleTimes: [Double] = []
        /// Agents on a callback: on the call until their phone is free again (AMI device state).
        var onCallback: Set<String> = []
        var callBack: (@Sendable (CallbackRequest) -> Void)?
        var effects: [Effect] = []

        mutating func journal(_ entry: JournalEntry) { effects.append(.journal(entry)) }

        /// Journals a step of the call's timeline, when the call has a uniqueid.
        mutating func step(_ call: Int, _ event: CallEvent, secondsAgo: Double = 0) {
            if let uniqueID = calls[call]?.uniqueID { journal(.call(uniqueID: uniqueID, event, secondsAgo: max(0, secondsAgo))) }
        }
    }

    private let state: Mutex<State>
    private let started = MonotonicTime.now()
    private let logger: Logger
    /// Queues from the queues file, by name.
    public let settings: [String: QueueSettings]
    /// Whether AMI is connected now, so callbacks can be originated.
    let amiReady: @Sendable () -> Bool
    /// Where routing steps go to be kept: a call's timeline, an agent's state changes.
    let journal: @Sendable (JournalEntry) -> Void
    /// Told after every change of state, once its effects are done (the wallboard's signal).
    let changed: @Sendable () -> Void

    /// A routing step worth keeping.
    public enum JournalEntry: Sendable, Equatable {
        /// A step of the call's timeline, which happened `secondsAgo`.
        case call(uniqueID: String, CallEvent, secondsAgo: Double = 0)
        /// `queues`: those the agent serves, for the lines of `queue_log`.
        case agent(id: String, state: String, reason: String?, queues: [String])
        /// A caller asked to be called back: kept until an agent takes it, so a restart keeps their place.
        case callbackRequested(PendingCallback)
        case callbackTaken(uniqueID: String, agent: String)
    }

    /// - Parameters:
    ///   - agents: their skills (languages become `lang:` skills) and phones.
    ///   - loggedIn: agents logged in at start (the demo's; others log in by phone or CLI).
    public init(
        agents: [Agent], queues: [String: QueueSettings],
        loggedIn: Bool, logger: Logger, amiReady: @escaping @Sendable () -> Bool = { true },
        journal: @escaping @Sendable (JournalEntry) -> Void = { _ in }, changed: @escaping @Sendable () -> Void = {}
    ) {
        settings = queues
        self.amiReady = amiReady
        self.journal = journal
        self.changed = changed
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
        mutate { state in
            state.engine.define(RoutingAgent(id: agent.id, skills: Self.routingSkills(agent.skills, agent.languages)))
            state.endpoints[agent.id] = agent.endpoint
        }
    }

    /// Skills as routing sees them: languages are skills too (`lang:zh`, spoken at level 5).
    static func routingSkills(_ skills: [String: Int], _ languages: [String]) -> [String: Int] {
        skills.merging(languages.map { ("lang:\($0)", 5) }) { max($0, $1) }
    }

    /// Runs `body` under the lock, then does the work it decided (journal steps, wakes,
    /// callbacks) with the lock released.
    func mutate<T>(_ body: (inout State) -> T) -> T {
        let (result, effects) = state.withLock { state in
            let result = body(&state)
            defer { state.effects = [] }
            return (result, state.effects)
        }
        for effect in effects {
            switch effect {
            case .journal(let entry): journal(entry)
            case .wake(let wake): wake()
            case .callBack(let execute, let request): execute(request)
            }
        }
        changed()
        return result
    }

    /// Reads under the lock.
    func read<T>(_ body: (State) -> T) -> T { state.withLock { body($0) } }

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
            mutate { state in
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

    /// The queues whose calls `agent` can take.
    public func queues(servedBy agent: String) -> [String] { read { $0.engine.queues(servedBy: agent) } }

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
        return mutate { state in
            if state.engine.queues[queue.name] == nil { state.engine.define(queue) }
            let id = state.nextCall
            state.nextCall += 1
            state.calls[id] = RoutedCall(queue: queue.name, uniqueID: uniqueID, channel: channel, wake: wake)
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
        mutate { state in
            guard let agent = state.calls[call]?.offer else { return nil }
            state.calls[call]?.offer = nil
            return Offer(agent: agent, endpoint: state.endpoints[agent] ?? agent)
        }
    }

    /// Ring-no-answer: the caller keeps their place.
    public func notAnswered(_ call: Int, status: String? = nil) {
        let now = now()
        mutate { state in
            guard let dial = state.calls[call]?.dial else { return }
            state.calls[call]?.dial = nil
            state.step(call, CallEvent(.ringNoAnswer, queue: dial.queue, agent: dial.agent, detail: status))
            record(state.engine.notAnswered(call, now: now), in: &state)
        }
    }

    /// The caller left the queue (hung up, chose voicemail, waited too long). A caller already
    /// talking to their agent has not left the queue: their call ended, and the agent is free.
    /// False for such a call.
    @discardableResult
    public func leave(_ call: Int) -> Bool {
        let now = now()
        return mutate { state in
            if state.calls[call]?.dial?.answeredAt != nil {
                legEnded(call, now: now, in: &state)
                return false
            }
            state.calls[call] = nil
            record(state.engine.abandoned(call, now: now), in: &state)
            return true
        }
    }

    /// A supervisor moves a waiting caller to another queue (their arrival time kept); an error
    /// text when it cannot be done.
    public func move(uniqueID: String, to queue: String) -> String? {
        let now = now()
        return mutate { state -> String? in
            guard let call = state.calls.first(where: { $0.value.uniqueID == uniqueID })?.key else { return "no caller \(uniqueID) is waiting" }
            guard state.engine.queues[queue] != nil else { return "no queue '\(queue)' (queues: \(state.engine.queues.keys.sorted().joined(separator: ", ")))" }
            guard let decisions = state.engine.move(call, to: queue, now: now) else { return "caller \(uniqueID) is being put through to an agent" }
            record(decisions, in: &state)
            return nil
        }
    }

    /// A supervisor raises a waiting caller's priority by `step` (negative lowers it).
    public func raisePriority(uniqueID: String, by step: Int) -> String? {
        mutate { state -> String? in
            guard let call = state.calls.first(where: { $0.value.uniqueID == uniqueID })?.key, state.engine.raisePriority(call, by: step) else {
                return "no caller \(uniqueID) is waiting"
            }
            state.step(call, CallEvent(.note, queue: state.calls[call]?.queue, detail: "priority \(step >= 0 ? "+" : "")\(step) by a supervisor"))
            return nil
        }
    }

    /// Where `queue remove` sends a waiting caller.
    public enum Removal: String, Sendable, CaseIterable {
        /// On to the queue node's next step (the voicemail, in the shipped flows).
        case voicemail
        /// Called back, keeping their place, as if they had pressed the callback key.
        case callback
    }

    /// A supervisor takes a waiting caller out of line; the flow holding the call is woken to
    /// carry it out. An error text when there is no such caller.
    public func remove(uniqueID: String, to removal: Removal) -> String? {
        mutate { state -> String? in
            guard let call = state.calls.first(where: { $0.value.uniqueID == uniqueID })?.key, state.calls[call]?.callbackNumber == nil else {
                return "no caller \(uniqueID) is waiting"
            }
            guard state.calls[call]?.offer == nil, state.calls[call]?.dial == nil else { return "caller \(uniqueID) is being put through to an agent" }
            state.calls[call]?.removal = removal
            if let wake = state.calls[call]?.wake { state.effects.append(.wake(wake)) }
            return nil
        }
    }

    /// The removal a supervisor asked for, once.
    func takeRemoval(_ call: Int) -> Removal? {
        mutate { state in
            defer { state.calls[call]?.removal = nil }
            return state.calls[call]?.removal
        }
    }

    public enum AgentChange: String, Sendable, CaseIterable { case login, logout, pause, unpause }

    /// An agent's own change (phone feature code or CLI); an error text when it does not apply.
    public func change(_ agent: String, _ change: AgentChange, reason: String? = nil) -> String? {
        let now = now()
        return mutate { state -> String? in
            guard let before = state.engine.agents[agent]?.state else { return "no agent \(agent)" }
            switch change {
            case .login: record(state.engine.login(agent, now: now), in: &state)
            case .logout: state.engine.logout(agent, now: now)
            case .pause: state.engine.pause(agent, reason: reason ?? "break", now: now)
            case .unpause: record(state.engine.unpause(agent, now: now), in: &state)
            }
            let after = state.engine.agents[agent]?.state
            if after == before && change != .logout { return "agent \(agent) is \(Self.describe(before)): cannot \(change.rawValue)" }
            state.journal(.agent(
                id: agent, state: change == .unpause || change == .login ? "available" : change == .pause ? "paused" : "logged out",
                reason: change == .pause ? reason ?? "break" : nil, queues: state.engine.queues(servedBy: agent)
            ))
            return nil
        }
    }

    /// A phone's device state from AMI (`DeviceStateChange`, `DeviceStateList`): an agent whose
    /// phone is in use, ringing or on hold outside routing is never offered a call.
    public func deviceState(_ device: String, _ deviceState: String) {
        let busy = ["INUSE", "BUSY", "RINGING", "RINGINUSE", "ONHOLD"].contains(deviceState.uppercased())
        let now = now()
        mutate { state in
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
        for endpoint in Set(read { $0.endpoints.values }) {
            deviceState(endpoint, listed[endpoint] ?? (live.contains { Self.channel($0, isOn: endpoint) } ? "INUSE" : "NOT_INUSE"))
        }
    }

    /// The agent's phone (their endpoint), nil for an unknown agent.
    public func endpoint(of agent: String) -> String? { read { $0.endpoints[agent] } }

    /// Whether `channel` is a call on the device `endpoint`: Asterisk names a device's channels
    /// after it, `PJSIP/1001-0000000a`, `SIP/1001-00000003`, `Local/1001@agents-00000004;1`.
    static func channel(_ channel: String, isOn endpoint: String) -> Bool {
        guard channel.hasPrefix(endpoint + "-") else { return false }
        return channel.dropFirst(endpoint.count + 1).allSatisfy { $0.isHexDigit || $0 == ";" }
    }

    /// Where a waiting call stands: its place in line (1 = next), the agents who serve its
    /// queue, and the mean handle time (talk and wrap-up, real seconds) of recent calls; nil
    /// before any call was handled.
    public struct Standing: Sendable, Equatable {
        public var position: Int
        public var serving: Int
        public var handleSeconds: Double?

        /// The wait to expect: the calls ahead, each taking a handle time, shared by the agents.
        public func estimatedSeconds(handle: Double) -> Double { Double(position) * handle / Double(max(1, serving)) }
    }

    public func standing(of call: Int) -> Standing? {
        let now = now()
        return read { state in
            guard let position = state.engine.position(of: call, now: now), let queue = state.calls[call]?.queue else { return nil }
            let serving = state.engine.agents.values.filter { agent in
                agent.state != .loggedOut && (state.engine.queues[queue]?.skills ?? [:]).allSatisfy { (agent.skills[$0.key] ?? 0) >= $0.value }
            }.count
            let handle = state.handleTimes.isEmpty ? nil : state.handleTimes.reduce(0, +) / Double(state.handleTimes.count)
            return Standing(position: position, serving: serving, handleSeconds: handle)
        }
    }

    /// What `switchboard queue show` prints.
    public func report() -> QueueReport {
        let now = now()
        return read { state in
            let engine = state.engine
            func line(_ call: WaitingCall, parked: Bool) -> QueueReport.Caller {
                QueueReport.Caller(
                    call: call.id, uniqueID: state.calls[call.id]?.uniqueID, queue: call.queue, waitSeconds: now - call.arrivedAt, priority: engine.priority(of: call, now: now),
                    position: parked ? 0 : engine.position(of: call.id, now: now) ?? 0, ringing: call.offeredTo,
                    callback: parked || state.calls[call.id]?.callbackNumber != nil, parked: parked
                )
            }
            // In line order: by queue, then place; parked callbacks after.
            let waiting = engine.calls.values.map { line($0, parked: false) }.sorted { ($0.queue, $0.position) < ($1.queue, $1.position) }
                + state.calls.values.compactMap(\.parked).sorted { $0.arrivedAt < $1.arrivedAt }.map { line($0, parked: true) }
            let reserved = Set(state.calls.values.compactMap(\.offer))
            let agents = engine.agents.values.sorted { $0.id < $1.id }.map { agent in
                QueueReport.AgentLine(
                    agent: agent.id, state: Self.describe(agent.state, reserved: reserved.contains(agent.id)), activity: agent.state.activity,
                    secondsInState: now - agent.stateSince,
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
                if state.calls[call]?.callbackNumber != nil {
                    if amiReady() { callBack(call, agent: agent, in: &state) } else { park(call, in: &state) }
                    continue
                }
                state.calls[call]?.offer = agent
                state.calls[call]?.offeredAt = MonotonicTime.now()
                state.step(call, CallEvent(.offered, queue: state.calls[call]?.queue, agent: agent))
                // The wake is one small write on the caller's FastAGI socket, made after the lock.
                let wake = state.calls[call]?.wake
                if let wake { state.effects.append(.wake(wake)) }
                logger.debug("agent chosen", ["call": "\(call)", "agent": agent, "uniqueid": state.calls[call]?.uniqueID ?? "", "woken": wake == nil ? "no" : "yes"])
            case .overflowed(let call, let queue):
                let from = state.calls[call]?.queue
                state.calls[call]?.queue = queue
                state.step(call, CallEvent(.overflowed, queue: queue, detail: from))
            case .autoPaused(let agent):
                logger.warning("agent paused after missed calls", ["agent": agent])
                state.journal(.agent(id: agent, state: "paused", reason: "missed calls", queues: state.engine.queues(servedBy: agent)))
            case .wrapUpEnded(let agent):
                state.journal(.agent(id: agent, state: "available", reason: "wrap-up over", queues: state.engine.queues(servedBy: agent)))
            }
        }
    }
}

/// Waiting callers and agents, for supervisors.
public struct QueueReport: Codable, Sendable {
    public struct Caller: Codable, Sendable {
        public var call: Int
        /// The caller's channel's uniqueid, for `queue move` and the call commands.
        public var uniqueID: String?
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
        /// In words, with the call or the pause's reason.
        public var state: String
        public var activity: AgentActivity
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

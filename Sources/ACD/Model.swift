/// Skills-based routing, decided here and carried out by others: no I/O, no clock of its own —
/// every call passes the time in (seconds), so tests drive it with a virtual clock.

/// A queue as admins configure it.
public struct QueueDefinition: Sendable {
    public enum Strategy: String, Sendable, CaseIterable {
        /// The agent free the longest (the default).
        case longestIdle = "longest-idle"
        /// The agent with the highest levels in the queue's skills.
        case bestSkill = "best-skill"
        /// The agent who has taken the fewest calls today.
        case fewestCalls = "fewest-calls"
        /// Agents in turn.
        case roundRobin = "round-robin"
    }

    /// A change to a waiting call after it has waited `after` seconds. Rules are evaluated
    /// while the caller waits, not frozen at join.
    public struct Rule: Sendable, Equatable {
        public enum Change: Sendable, Equatable {
            /// Lower a required skill's minimum level.
            case relax(skill: String, level: Int)
            /// Also accept agents who meet this other set of skills.
            case alternative([String: Int])
            case raisePriority(by: Int)
            /// Leave this queue for another (the call keeps its original arrival time).
            case overflow(to: String)
        }

        public var after: Double
        public var change: Change

        public init(after: Double, _ change: Change) {
            self.after = after
            self.change = change
        }
    }

    public var name: String
    public var skills: [String: Int]
    public var priority: Int
    public var strategy: Strategy
    public var serviceLevelSeconds: Double
    public var ringTimeoutSeconds: Double
    public var wrapUpSeconds: Double
    /// Misses in a row before an agent is paused automatically.
    public var maxMisses: Int
    public var rules: [Rule]

    public init(
        name: String, skills: [String: Int], priority: Int = 0, strategy: Strategy = .longestIdle,
        serviceLevelSeconds: Double = 20, ringTimeoutSeconds: Double = 15, wrapUpSeconds: Double = 10, maxMisses: Int = 2, rules: [Rule] = []
    ) {
        self.name = name
        self.skills = skills
        self.priority = priority
        self.strategy = strategy
        self.serviceLevelSeconds = serviceLevelSeconds
        self.ringTimeoutSeconds = ringTimeoutSeconds
        self.wrapUpSeconds = wrapUpSeconds
        self.maxMisses = maxMisses
        self.rules = rules.sorted { $0.after < $1.after }
    }
}

/// What an agent is doing, as routing sees it.
public enum AgentState: Sendable, Equatable {
    case loggedOut
    case available
    /// Chosen for a call; the phone is being rung.
    case ringing(call: Int)
    case onCall(call: Int)
    case wrapUp(until: Double)
    case paused(reason: String)

    /// The state without its call or reason: what supervisors count agents by.
    public var activity: AgentActivity {
        switch self {
        case .loggedOut: .loggedOut
        case .available: .available
        case .ringing: .ringing
        case .onCall: .onCall
        case .wrapUp: .wrapUp
        case .paused: .paused
        }
    }
}

/// The kinds of agent state, named as the wallboard and `/metrics` show them.
public enum AgentActivity: String, Sendable, Codable, CaseIterable {
    case loggedOut = "logged_out"
    case available
    case ringing
    case onCall = "on_call"
    case wrapUp = "wrap_up"
    case paused
}

public struct RoutingAgent: Sendable, Equatable {
    public var id: String
    /// Skill → level 1…5; languages are skills too (`lang:zh`).
    public var skills: [String: Int]
    public private(set) var state: AgentState
    /// When the agent entered `state`.
    public private(set) var stateSince: Double
    /// When the agent last became available (for longest idle).
    public private(set) var availableSince: Double
    public var callsToday: Int
    /// Offers not answered in a row.
    public var misses: Int
    /// The phone is in use outside routing (a direct call): never offer then.
    public var deviceBusy: Bool

    public init(id: String, skills: [String: Int]) {
        self.id = id
        self.skills = skills
        state = .loggedOut
        stateSince = 0
        availableSince = 0
        callsToday = 0
        misses = 0
        deviceBusy = false
    }

    public var canTakeCall: Bool { state == .available && !deviceBusy }

    /// Moves the agent to `state` at `now` (seconds on the engine's clock).
    public mutating func enter(_ state: AgentState, at now: Double) {
        self.state = state
        stateSince = now
        if state == .available { availableSince = now }
    }
}

/// A caller waiting in a queue.
public struct WaitingCall: Sendable, Equatable {
    public var id: Int
    public var queue: String
    /// When the caller joined the first queue: their place in line.
    public var arrivedAt: Double
    /// Priority from the IVR (urgency) and the customer's tier, added to the queue's.
    public var extraPriority: Int
    /// Skills the call needs beyond the queue's (a language).
    public var extraSkills: [String: Int]
    /// Order of arrival, for ties.
    public var sequence: Int
    /// The agent being rung for it, if any.
    public var offeredTo: String?

    public init(id: Int, queue: String, arrivedAt: Double, extraPriority: Int = 0, extraSkills: [String: Int] = [:], sequence: Int = 0) {
        self.id = id
        self.queue = queue
        self.arrivedAt = arrivedAt
        self.extraPriority = extraPriority
        self.extraSkills = extraSkills
        self.sequence = sequence
    }
}

/// What routing wants done.
public enum RoutingDecision: Sendable, Equatable {
    /// Ring `agent` for `call`.
    case offer(call: Int, agent: String)
    /// `call` moved to another queue by a rule.
    case overflowed(call: Int, to: String)
    /// `agent` missed too many offers and is paused.
    case autoPaused(agent: String)
    /// `agent`'s wrap-up is over; they take calls again.
    case wrapUpEnded(agent: String)
}

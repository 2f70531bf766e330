import Foundation

/// What the alert rules look at, at one moment; durations are worked out by the caller, so the
/// board keeps no clock.
public struct AlertSnapshot: Sendable {
    public struct Queue: Sendable {
        public var name: String
        public var longestWaitSeconds: Double
        /// Today's service level, nil before any call counted.
        public var serviceLevel: Double?
        public init(name: String, longestWaitSeconds: Double, serviceLevel: Double?) {
            self.name = name
            self.longestWaitSeconds = longestWaitSeconds
            self.serviceLevel = serviceLevel
        }
    }

    public struct Agent: Sendable {
        public var id: String
        /// `AgentActivity`'s raw value: available, ringing, on_call, wrap_up, paused, logged_out.
        public var activity: String
        public var secondsInState: Double
        public init(id: String, activity: String, secondsInState: Double) {
            self.id = id
            self.activity = activity
            self.secondsInState = secondsInState
        }
    }

    public var queues: [Queue]
    public var agents: [Agent]
    /// How long AMI has been down; nil while it is connected (or not configured).
    public var amiDownSeconds: Double?
    /// The recordings' disk: free space out of all; nil when it cannot be read.
    public var diskFree: Double?

    public init(queues: [Queue] = [], agents: [Agent] = [], amiDownSeconds: Double? = nil, diskFree: Double? = nil) {
        self.queues = queues
        self.agents = agents
        self.amiDownSeconds = amiDownSeconds
        self.diskFree = diskFree
    }
}

/// An alert that started (`fired`) or ended.
public struct AlertChange: Sendable, Equatable {
    /// The rule and what it is about (`longest-wait support > 60s · support`).
    public var key: String
    public var fired: Bool
    /// In words, for the log, the wallboard and the supervisor.
    public var text: String
}

/// The rules' state: each alert fires once when its condition becomes true and clears once
/// when it stops being true, however often it is evaluated.
public struct AlertBoard: Sendable {
    public let rules: [AlertRule]
    /// Alerts on now, by key, with their text.
    public private(set) var active: [String: String] = [:]

    public init(rules: [AlertRule]) {
        self.rules = rules
    }

    /// The alerts that fired or cleared since the last evaluation.
    public mutating func evaluate(_ snapshot: AlertSnapshot) -> [AlertChange] {
        var now: [String: String] = [:]
        for rule in rules {
            for (subject, text) in Self.true(rule, snapshot) { now[rule.text + " · " + subject] = text }
        }
        var changes: [AlertChange] = []
        for key in now.keys.sorted() where active[key] == nil { changes.append(AlertChange(key: key, fired: true, text: now[key]!)) }
        for key in active.keys.sorted() where now[key] == nil { changes.append(AlertChange(key: key, fired: false, text: active[key]!)) }
        active = now
        return changes
    }

    /// The subjects the rule holds for now, each with its text.
    static func `true`(_ rule: AlertRule, _ snapshot: AlertSnapshot) -> [(String, String)] {
        func duration(_ seconds: Double) -> String { seconds >= 120 ? "\(Int(seconds / 60)) min" : "\(Int(seconds)) s" }
        switch rule.condition {
        case .longestWait(let queue, let limit):
            return snapshot.queues.filter { (queue == nil || $0.name == queue) && $0.longestWaitSeconds > limit }
                .map { ($0.name, "\($0.name): a caller has waited \(duration($0.longestWaitSeconds)) (over \(duration(limit)))") }
        case .serviceLevel(let queue, let target):
            return snapshot.queues.filter { (queue == nil || $0.name == queue) && ($0.serviceLevel.map { $0 < target } ?? false) }
                .map { ($0.name, "\($0.name): service level today \(Int(($0.serviceLevel! * 100).rounded()))% (under \(Int((target * 100).rounded()))%)") }
        case .agentState(let activity, let limit):
            return snapshot.agents.filter { $0.activity == activity && $0.secondsInState > limit }
                .map { ($0.id, "agent \($0.id) \(activity.replacingOccurrences(of: "_", with: " ")) for \(duration($0.secondsInState)) (over \(duration(limit)))") }
        case .amiDown(let limit):
            guard let down = snapshot.amiDownSeconds, down >= limit else { return [] }
            return [("ami", "AMI to Asterisk down for \(duration(down))")]
        case .diskFree(let floor):
            guard let free = snapshot.diskFree, free < floor else { return [] }
            return [("disk", "recordings disk \(Int((free * 100).rounded()))% free (under \(Int((floor * 100).rounded()))%)")]
        }
    }
}

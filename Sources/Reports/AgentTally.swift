import Core
import Foundation

/// What an agent's calls add up to over some time, kept per agent and 15 minutes as calls end
/// (`Store.agentTallies`): calls handled, their handle time's parts, rings not answered.
/// A handled call counts in the interval it was answered; a missed ring in the interval it rang out.
public struct AgentTally: Sendable, Equatable, Codable {
    public var handled = 0
    public var talkSeconds = 0.0
    public var holdSeconds = 0.0
    public var wrapUpSeconds = 0.0
    public var ringNoAnswers = 0

    public init() {}

    /// Each agent's part of one ended call, with the time it counts at.
    public static func parts(of call: CallRecord, steps: [CallEvent]) -> [(agent: String, at: Date, tally: AgentTally)] {
        var parts: [(agent: String, at: Date, tally: AgentTally)] = []
        for step in steps where step.kind == .ringNoAnswer {
            guard let agent = step.agent else { continue }
            var tally = AgentTally()
            tally.ringNoAnswers = 1
            parts.append((agent, step.at, tally))
        }
        if let agent = call.agentID, let answered = call.answeredAt {
            var tally = AgentTally()
            tally.handled = 1
            tally.holdSeconds = call.holdSeconds ?? 0
            tally.talkSeconds = max(0, (call.talkSeconds ?? 0) - tally.holdSeconds)
            tally.wrapUpSeconds = call.wrapUpSeconds ?? 0
            parts.append((agent, answered, tally))
        }
        return parts
    }

    public static func += (a: inout AgentTally, b: AgentTally) {
        a.handled += b.handled
        a.talkSeconds += b.talkSeconds
        a.holdSeconds += b.holdSeconds
        a.wrapUpSeconds += b.wrapUpSeconds
        a.ringNoAnswers += b.ringNoAnswers
    }

    /// Average handle time: (talk + hold + wrap-up) / handled calls.
    public var averageHandleTime: Double? { handled == 0 ? nil : (talkSeconds + holdSeconds + wrapUpSeconds) / Double(handled) }
}

/// An agent's time over a period, from their state changes (logged in, available, paused with
/// a reason, logged out) and their calls: how long they were logged in, paused (by reason), on
/// calls and in wrap-up, and what is left, available.
public struct AgentTime: Sendable, Equatable, Codable {
    public var loggedInSeconds = 0.0
    public var pausedSeconds: [String: Double] = [:]
    /// Talk and hold of the calls handled.
    public var onCallSeconds = 0.0
    public var wrapUpSeconds = 0.0

    public init() {}

    /// A state as `agent_state_changes` keeps it.
    public struct Change: Sendable, Equatable {
        public var state: String
        public var reason: String?
        public var at: Date
        public init(state: String, reason: String? = nil, at: Date) {
            self.state = state
            self.reason = reason
            self.at = at
        }
    }

    /// Time in each state within `from ..< to`. `before` is the last change before the period
    /// (nil: logged out); `changes` are those within it, in order. `now` ends a state still
    /// running when the period reaches into the future.
    public init(before: Change?, changes: [Change], from: Date, to: Date, now: Date, calls: AgentTally) {
        let end = min(to, max(from, now))
        var state = before?.state ?? "logged out"
        var reason = before?.reason
        var since = from
        func close(at time: Date) {
            let seconds = max(0, min(time, end).timeIntervalSince(max(since, from)))
            guard seconds > 0 else { return }
            if state != "logged out" { loggedInSeconds += seconds }
            if state == "paused" { pausedSeconds[reason ?? "break", default: 0] += seconds }
        }
        for change in changes where change.at < end {
            close(at: change.at)
            state = change.state
            reason = change.reason
            since = max(change.at, from)
        }
        close(at: end)
        onCallSeconds = calls.talkSeconds + calls.holdSeconds
        wrapUpSeconds = calls.wrapUpSeconds
    }

    public var totalPausedSeconds: Double { pausedSeconds.values.reduce(0, +) }

    /// Logged in, not paused, not on a call or in wrap-up.
    public var availableSeconds: Double { max(0, loggedInSeconds - totalPausedSeconds - onCallSeconds - wrapUpSeconds) }

    /// (talk + hold + wrap-up) / (logged in − paused).
    public var occupancy: Double? {
        let staffed = loggedInSeconds - totalPausedSeconds
        return staffed <= 0 ? nil : min(1, (onCallSeconds + wrapUpSeconds) / staffed)
    }
}

import Core
import Foundation
import Reports
import SQLite

extension Store {
    /// Queue tallies of the 15-minute intervals starting within `from ..< to`, in time order.
    public func queueTallies(from: Date, to: Date, queue: String? = nil) throws -> [CallTallies.Part<QueueTally>] {
        try TallyTable.queues(db, from: from, to: to, queue: queue)
    }

    /// Agent tallies of the 15-minute intervals starting within `from ..< to`, in time order.
    public func agentTallies(from: Date, to: Date, agent: String? = nil) throws -> [CallTallies.Part<AgentTally>] {
        try TallyTable.agents(db, from: from, to: to, agent: agent)
    }

    /// Each agent's state changes within `from ..< to`, and the last one before.
    public func agentStateChanges(from: Date, to: Date, agent: String? = nil) throws -> [String: (before: AgentTime.Change?, changes: [AgentTime.Change])] {
        try TallyTable.stateChanges(db, from: from, to: to, agent: agent)
    }

    /// Every agent with tallies or state changes in `from ..< to`: their time by state and
    /// their calls. `now` ends states still running when the period reaches into the future.
    public func agentFigures(from: Date, to: Date, agent: String? = nil, now: Date = Date()) throws -> [ReportSheets.AgentFigures] {
        var calls: [String: AgentTally] = [:]
        for part in try agentTallies(from: from, to: to, agent: agent) { calls[part.name, default: AgentTally()] += part.tally }
        let states = try agentStateChanges(from: from, to: to, agent: agent)
        let names = Dictionary(try agents().map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        let ids = Set(calls.keys).union(states.filter { $0.value.before?.state != "logged out" || !$0.value.changes.isEmpty }.keys)
        let recorded = try recordingQuality(from: from, to: to, agent: agent)
        return ids.sorted().map { id in
            let tally = calls[id] ?? AgentTally()
            let time = AgentTime(before: states[id]?.before, changes: states[id]?.changes ?? [], from: from, to: to, now: now, calls: tally)
            return ReportSheets.AgentFigures(agent: id, name: names[id] ?? "", time: time, calls: tally, recordings: recorded[id] ?? .init())
        }
    }

    /// Adds tallies as if their calls had ended now (the benchmark's way of making a month of data fast).
    public func addTallies(_ batch: [CallTallies]) throws {
        try db.transaction { for tallies in batch { try TallyTable.add(db, tallies) } }
    }
}

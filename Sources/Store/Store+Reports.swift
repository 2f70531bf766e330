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

    /// Adds tallies as if their calls had ended now (the benchmark's way of making a month of data fast).
    public func addTallies(_ batch: [CallTallies]) throws {
        try db.transaction { for tallies in batch { try TallyTable.add(db, tallies) } }
    }
}

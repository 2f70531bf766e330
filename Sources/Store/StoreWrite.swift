import Core
import Reports
import Foundation
import SQLite

/// One write the server's journal hands the store; `Store.apply` writes a batch of them in
/// one transaction, in order.
public enum StoreWrite: Sendable {
    /// Inserts or updates the call by uniqueid.
    case call(CallRecord)
    /// The call is over: its figures (inserted whole if it was never stored), and its parts of
    /// the queue and agent tallies that reports read.
    case callFinished(CallRecord, CallTallies?)
    /// Appends steps to the timeline of the call with this uniqueid.
    case steps(uniqueID: String, [CallEvent])
    case agentState(agentID: String, state: String, reason: String?, at: Date)
    case callbackRequested(PendingCallback)
    case callbackTaken(uniqueID: String, agent: String, at: Date)
}

extension Store {
    /// Writes the batch in one transaction, in order. A write that names what is not stored
    /// (steps of an unknown call) is skipped and described in the result; any other failure
    /// rolls the whole batch back and throws.
    public func apply(_ writes: [StoreWrite]) throws -> [String] {
        let (skipped, timelines) = try db.transaction {
            var skipped: [String] = []
            var ids: [String: Int64] = [:]
            // Steps of a call come in many writes: where its sequence is, until it is over.
            var lastSteps = openTimelines
            for write in writes {
                switch write {
                case .call(let call):
                    ids[call.uniqueID] = try CallTable.save(db, call, plan: plan)
                case .callFinished(let call, let tallies):
                    let id = try CallTable.finish(db, call) ?? CallTable.save(db, call, plan: plan)
                    ids[call.uniqueID] = id
                    lastSteps[id] = nil
                    if let tallies { try TallyTable.add(db, tallies) }
                case .steps(let uniqueID, let events):
                    guard let id = try ids[uniqueID] ?? CallTable.id(db, uniqueID: uniqueID) else {
                        skipped.append("\(events.count) step\(events.count == 1 ? "" : "s") of unknown call \(uniqueID)")
                        continue
                    }
                    ids[uniqueID] = id
                    lastSteps[id] = try CallTable.appendEvents(db, callID: id, events, after: lastSteps[id])
                case .agentState(let agentID, let state, let reason, let at):
                    try AgentTable.recordState(db, agentID: agentID, state: state, reason: reason, at: at)
                case .callbackRequested(let request):
                    try CallbackTable.insert(db, request)
                case .callbackTaken(let uniqueID, let agent, let at):
                    _ = try CallbackTable.finish(db, uniqueID: uniqueID, state: "connected", agent: agent, at: at)
                }
            }
            return (skipped, lastSteps)
        }
        openTimelines = timelines
        return skipped
    }
}

import Core
import Foundation

/// An ended call's parts of the kept tallies: its queue's (in the 15 minutes it joined) and
/// each agent's (handled in the 15 minutes answered, a missed ring in those it rang out). The
/// store adds them up in the transaction that writes the call's end.
public struct CallTallies: Sendable {
    public struct Part<Tally: Sendable>: Sendable {
        public var name: String
        /// The start of the 15 minutes it counts in.
        public var start: Date
        public var tally: Tally

        public init(name: String, start: Date, tally: Tally) {
            self.name = name
            self.start = start
            self.tally = tally
        }
    }

    public var queue: Part<QueueTally>?
    public var agents: [Part<AgentTally>]

    public init(queue: Part<QueueTally>?, agents: [Part<AgentTally>]) {
        self.queue = queue
        self.agents = agents
    }

    /// `serviceLevel`: the call's queue's threshold, in seconds.
    public init(_ call: CallRecord, steps: [CallEvent], serviceLevel: Double) {
        if let name = call.queue, let queued = call.queuedAt {
            queue = Part(name: name, start: ReportInterval.tallyStart(of: queued), tally: QueueTally(call, serviceLevel: serviceLevel))
        }
        agents = AgentTally.parts(of: call, steps: steps).map { Part(name: $0.agent, start: ReportInterval.tallyStart(of: $0.at), tally: $0.tally) }
    }
}

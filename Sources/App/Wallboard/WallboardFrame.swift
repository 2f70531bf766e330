import Foundation
import Reports

/// One picture of the call center for `switchboard wallboard`: each queue now and today, and
/// the agents with their time in state. Today's figures are the reports' own (`QueueTally`),
/// counted as calls end, so the wallboard and `report queues` for today agree.
public struct WallboardFrame: Codable, Sendable {
    public struct Queue: Codable, Sendable, Equatable {
        public var name: String
        public var waiting: Int
        public var longestWaitSeconds: Double
        public var offered: Int
        public var answered: Int
        public var abandoned: Int
        /// Inclusive service level today (README "Report definitions"); nil before any call counts.
        public var serviceLevel: Double?
        /// The share the queue aims for, and the threshold its service level counts answers within.
        public var serviceLevelTarget: Double
        public var serviceLevelSeconds: Double
        /// Average speed of answer today.
        public var asaSeconds: Double?

        public init(name: String, waiting: [Double], today: QueueTally, target: ReportSheets.Target) {
            self.name = name
            self.waiting = waiting.count
            longestWaitSeconds = waiting.max() ?? 0
            offered = today.offered
            answered = today.answered
            abandoned = today.abandoned
            serviceLevel = today.serviceLevelInclusive
            serviceLevelTarget = target.share
            serviceLevelSeconds = target.seconds
            asaSeconds = today.averageSpeedOfAnswer
        }
    }

    /// Something a supervisor should see (a ticket escalated), newest last.
    public struct Notice: Codable, Sendable, Equatable {
        public var at: Date
        public var text: String
    }

    public var at: Date
    public var queues: [Queue]
    public var agents: [QueueReport.AgentLine]
    public var notices: [Notice]
}

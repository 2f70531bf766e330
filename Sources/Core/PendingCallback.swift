import Foundation

/// A caller waiting to be called back: their number, and what keeps their place in line (the
/// queue as it stood, their own priority and skills, and since when they have waited).
public struct PendingCallback: Sendable, Equatable {
    public var uniqueID: String
    public var number: String
    public var queue: String
    public var queueSkills: [String: Int]
    public var queuePriority: Int
    public var extraPriority: Int
    public var extraSkills: [String: Int]
    public var waitingSince: Date
    public var requestedAt: Date

    public init(
        uniqueID: String, number: String, queue: String, queueSkills: [String: Int], queuePriority: Int,
        extraPriority: Int, extraSkills: [String: Int], waitingSince: Date, requestedAt: Date
    ) {
        self.uniqueID = uniqueID
        self.number = number
        self.queue = queue
        self.queueSkills = queueSkills
        self.queuePriority = queuePriority
        self.extraPriority = extraPriority
        self.extraSkills = extraSkills
        self.waitingSince = waitingSince
        self.requestedAt = requestedAt
    }
}

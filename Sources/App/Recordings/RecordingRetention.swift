import Core
import Foundation
import Recordings
import Store

/// The retention policy: each queue's recordings kept `retentionDays` (queues file), or one age
/// for all; never a recording on hold or linked to an open ticket. `switchboard recordings purge`
/// and `serve`'s daily run (`[recordings] purge = daily`) both go through here.
public struct RecordingRetention: Sendable {
    /// Days by queue.
    public var byQueue: [String: Int]
    /// One age for every recording, overriding the queues'.
    public var olderThanDays: Int?

    public init(byQueue: [String: Int], olderThanDays: Int? = nil) {
        self.byQueue = byQueue
        self.olderThanDays = olderThanDays
    }

    func days(for queue: String?) -> Int? { olderThanDays ?? queue.flatMap { byQueue[$0] } }

    /// The recordings past retention at `now`; with `delete`, their files are removed and each
    /// deletion written to the audit as `who`'s.
    @discardableResult
    public func purge(_ store: Store, delete: Bool, who: String, at now: Date = Date()) async throws -> [RecordingEntry] {
        let due = try await store.recordingsPastRetention { queue in days(for: queue).map { now.addingTimeInterval(-Double($0) * 86400) } }
        guard delete else { return due }
        for entry in due {
            for file in RecordingLegs.existing(of: entry.path) + [entry.path] where FileManager.default.fileExists(atPath: file) {
                try FileManager.default.removeItem(atPath: file)
            }
            try await store.recordingDeleted(id: entry.id!, who: who, reason: "past retention (\(days(for: entry.queue) ?? 0) days)", at: now)
        }
        return due
    }
}

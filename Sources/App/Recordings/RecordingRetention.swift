import Core
import Foundation
import Recordings
import Store

/// The retention policy: each queue's recordings kept `retentionDays` (queues file), a
/// recording linked to a ticket kept as long as its category says (tickets file, `[retention]`),
/// or one age for all; never a recording on hold or linked to an open ticket.
/// `switchboard recordings purge` and `serve`'s daily run (`[recordings] purge = daily`) both
/// go through here.
public struct RecordingRetention: Sendable {
    /// Days by queue.
    public var byQueue: [String: Int]
    /// Days by the linked ticket's category; before the queue's.
    public var byCategory: [String: Int]
    /// One age for every recording, overriding the rest.
    public var olderThanDays: Int?

    public init(byQueue: [String: Int], byCategory: [String: Int] = [:], olderThanDays: Int? = nil) {
        self.byQueue = byQueue
        self.byCategory = byCategory
        self.olderThanDays = olderThanDays
    }

    func days(queue: String?, category: String?) -> Int? {
        olderThanDays ?? category.flatMap { byCategory[$0] } ?? queue.flatMap { byQueue[$0] }
    }

    /// A retention period as written in the config: `90d` or `90`, at least one day.
    static func days(_ text: String) -> Int? {
        guard let days = Int(text.hasSuffix("d") ? String(text.dropLast()) : text), days >= 1 else { return nil }
        return days
    }

    /// The recordings past retention at `now`; with `delete`, their files are removed and each
    /// deletion written to the audit as `who`'s.
    @discardableResult
    public func purge(_ store: Store, delete: Bool, who: String, at now: Date = Date()) async throws -> [RecordingEntry] {
        let due = try await store.recordingsPastRetention { queue, category in
            days(queue: queue, category: category).map { now.addingTimeInterval(-Double($0) * 86400) }
        }
        guard delete else { return due.map(\.entry) }
        for (entry, category) in due {
            for file in RecordingLegs.existing(of: entry.path) + [entry.path] where FileManager.default.fileExists(atPath: file) {
                try FileManager.default.removeItem(atPath: file)
            }
            try await store.recordingDeleted(id: entry.id!, who: who, reason: "past retention (\(days(queue: entry.queue, category: category) ?? 0) days)", at: now)
        }
        return due.map(\.entry)
    }
}

import Core
import Foundation
import Reports
import Synchronization

/// What the wallboard is drawn from, kept by the server as things happen: today's queue tallies
/// (added as calls end, loaded from the store at start so a restart keeps them) and a signal to
/// each subscriber whenever routing changes. Subscribers are told, never polled: each has a
/// buffer of one, so a burst of changes costs one frame.
final class WallboardFeed: Sendable {
    private struct Today {
        var start: Date
        var queues: [String: QueueTally] = [:]
        var notices: [WallboardFrame.Notice] = []
    }

    /// Notices a frame carries: the newest of today.
    static let noticesKept = 5

    private let zone: TimeZone
    private let today: Mutex<Today>
    private let subscribers = Mutex<(next: Int, all: [Int: AsyncStream<Void>.Continuation])>((0, [:]))

    init(zone: TimeZone, now: Date = Date()) {
        self.zone = zone
        today = Mutex(Today(start: ReportInterval.day.start(of: now, in: zone)))
    }

    /// Today's tallies: from the store at start, then each ended call's. A part of another day is ignored.
    func add(_ parts: [CallTallies.Part<QueueTally>]) {
        today.withLock { today in
            for part in parts {
                let day = ReportInterval.day.start(of: part.start, in: zone)
                if day > today.start { today = Today(start: day) }
                if day == today.start { today.queues[part.name, default: QueueTally()] += part.tally }
            }
        }
        changed()
    }

    /// A notice for supervisors (a ticket escalated), shown until the day ends or newer ones push it off.
    func notice(_ text: String, at now: Date = Date()) {
        today.withLock { today in
            let day = ReportInterval.day.start(of: now, in: zone)
            if day > today.start { today = Today(start: day) }
            today.notices = Array((today.notices + [WallboardFrame.Notice(at: now, text: text)]).suffix(Self.noticesKept))
        }
        changed()
    }

    /// Something a wallboard shows has changed: every subscriber draws a new frame.
    func changed() {
        subscribers.withLock { subscribers in
            for continuation in subscribers.all.values { continuation.yield() }
        }
    }

    /// Signals until the stream is dropped; the first comes at once.
    func subscribe() -> AsyncStream<Void> {
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let id = subscribers.withLock { subscribers in
            defer { subscribers.next += 1 }
            subscribers.all[subscribers.next] = continuation
            return subscribers.next
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.subscribers.withLock { $0.all.removeValue(forKey: id) }
        }
        continuation.yield()
        return stream
    }

    var subscriberCount: Int { subscribers.withLock { $0.all.count } }

    /// Ends every subscription (the server is stopping): each wallboard sees the server go.
    func finish() {
        let ending = subscribers.withLock { subscribers in
            defer { subscribers.all = [:] }
            return Array(subscribers.all.values)
        }
        for continuation in ending { continuation.finish() }
    }

    /// The frame for `report` (routing now), `only` these queues when any are named.
    func frame(_ report: QueueReport, targets: (String) -> ReportSheets.Target, only: Set<String> = [], now: Date = Date()) -> WallboardFrame {
        let (tallies, notices) = today.withLock { today in
            ReportInterval.day.start(of: now, in: zone) > today.start ? ([:], []) : (today.queues, today.notices)
        }
        let names = Set(report.queues).union(tallies.keys).filter { only.isEmpty || only.contains($0) }.sorted()
        let waits = Dictionary(grouping: report.waiting.filter { !$0.parked }, by: \.queue).mapValues { $0.map(\.waitSeconds) }
        return WallboardFrame(
            at: now,
            queues: names.map { WallboardFrame.Queue(name: $0, waiting: waits[$0] ?? [], today: tallies[$0] ?? QueueTally(), target: targets($0)) },
            agents: report.agents.filter { only.isEmpty || !only.isDisjoint(with: $0.queues) },
            notices: notices
        )
    }
}

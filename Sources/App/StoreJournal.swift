import Core
import Foundation
import Store
import Synchronization

/// Where the server's steps are kept: calls and their timelines, agents' state changes,
/// callback requests. Each is written in the order it was handed over, by one writer that
/// takes everything waiting in one transaction, so a burst costs one commit. At shutdown
/// `finish()` returns once every write handed over before it is stored.
///
/// The buffer is unbounded on purpose: calls never wait for the disk, and writes are small
/// and few next to the store's rate (`switchboard bench store`).
final class StoreJournal: Sendable {
    /// Writes handed over and not yet taken by the writer.
    private final class Waiting: Sendable {
        let writes = Mutex<[StoreWrite]>([])
    }

    private let waiting = Waiting()
    private let signal: AsyncStream<Void>.Continuation
    private let writer: Task<Void, Never>

    /// `metrics` is told how long each transaction took.
    init(store: Store, logger: Logger, metrics: ServerMetrics) {
        let (signals, signal) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        self.signal = signal
        writer = Task { [waiting] in
            for await _ in signals {
                let batch = waiting.writes.withLock { batch in
                    defer { batch = [] }
                    return batch
                }
                if batch.isEmpty { continue }
                let started = MonotonicTime.now()
                do {
                    for skipped in try await store.apply(batch) { logger.warning("not stored: \(skipped)") }
                    metrics.storeWrite(seconds: started.secondsElapsed)
                } catch {
                    // One bad write must not cost the others: each again on its own.
                    for write in batch {
                        do {
                            for skipped in try await store.apply([write]) { logger.warning("not stored: \(skipped)") }
                        } catch {
                            logger.error("not stored: \(error)")
                        }
                    }
                }
            }
        }
    }

    func write(_ write: StoreWrite) {
        waiting.writes.withLock { $0.append(write) }
        signal.yield()
    }

    /// Stores what is waiting, then stops taking writes.
    func finish() async {
        signal.yield()
        signal.finish()
        await writer.value
    }
}

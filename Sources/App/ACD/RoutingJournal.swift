import Core
import Foundation
import Store

/// Where the ACD's routing steps are kept: each stamped when it happened, written to the store
/// in the order it happened by one writer. At shutdown `finish()` returns once every step
/// recorded before it is stored, so the store can close without losing any.
///
/// The buffer is unbounded on purpose: routing never waits for the disk, and steps are small
/// and few next to the store's write rate (`switchboard bench store`).
final class RoutingJournal: Sendable {
    private let input: AsyncStream<(entry: RoutingService.JournalEntry, at: Date)>.Continuation
    private let writer: Task<Void, Never>

    init(store: Store, logger: Logger) {
        let (steps, input) = AsyncStream.makeStream(of: (entry: RoutingService.JournalEntry, at: Date).self)
        self.input = input
        writer = Task {
            for await (entry, at) in steps {
                do {
                    switch entry {
                    case .call(let uniqueID, let kind, let data):
                        if try await !store.appendCallEvents(uniqueID: uniqueID, [CallEvent(kind: kind, at: at, data: data)]) {
                            logger.warning("routing step for an unknown call not stored", ["uniqueid": uniqueID, "step": kind])
                        }
                    case .agent(let id, let state, let reason):
                        try await store.recordAgentState(agentID: id, state: state, reason: reason, at: at)
                    case .callbackRequested(let request):
                        try await store.addCallback(request)
                    case .callbackTaken(let uniqueID, let agent):
                        try await store.finishCallback(uniqueID: uniqueID, state: "connected", agent: agent, at: at)
                    }
                } catch {
                    logger.warning("routing step not stored: \(error)")
                }
            }
        }
    }

    func record(_ entry: RoutingService.JournalEntry) {
        input.yield((entry, Date()))
    }

    /// Stores what is pending, then stops taking steps.
    func finish() async {
        input.finish()
        await writer.value
    }
}

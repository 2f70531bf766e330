import Core
import Foundation

/// What is done with each call once it has ended, besides writing it — its ticket, its
/// recording's index entry —, one call at a time in the order they ended, by a worker of its
/// own: calls never wait for it, and `finish()` at shutdown returns once every call handed over
/// has been dealt with, so none is lost to a stop.
final class EndedCallWork: Sendable {
    /// One kind of work; a failure is logged and the others still run.
    struct Job: Sendable {
        var name: String
        var run: @Sendable (CallRecord, [CallEvent]) async throws -> Void
    }

    private let calls: AsyncStream<(CallRecord, [CallEvent])>.Continuation
    private let worker: Task<Void, Never>

    init(_ jobs: [Job], logger: Logger) {
        let (stream, calls) = AsyncStream.makeStream(of: (CallRecord, [CallEvent]).self)
        self.calls = calls
        worker = Task {
            for await (call, steps) in stream {
                for job in jobs {
                    do {
                        try await job.run(call, steps)
                    } catch {
                        logger.error("\(job.name) failed for a call: \(error)", ["uniqueid": call.uniqueID])
                    }
                }
            }
        }
    }

    func take(_ call: CallRecord, steps: [CallEvent]) { calls.yield((call, steps)) }

    func finish() async {
        calls.finish()
        await worker.value
    }
}

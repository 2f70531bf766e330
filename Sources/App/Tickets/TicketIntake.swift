import Core
import Foundation

/// Ended calls handed to the ticket desk one at a time, in the order they ended, by a worker of
/// its own: calls never wait for it, and `finish()` at shutdown returns once every call handed
/// over has been taken, so none is lost to a stop.
final class TicketIntake: Sendable {
    private let calls: AsyncStream<(CallRecord, [CallEvent])>.Continuation
    private let worker: Task<Void, Never>

    init(desk: TicketDesk, logger: Logger) {
        let (stream, calls) = AsyncStream.makeStream(of: (CallRecord, [CallEvent]).self)
        self.calls = calls
        worker = Task {
            for await (call, steps) in stream {
                do {
                    try await desk.take(call, steps: steps)
                } catch {
                    logger.error("no ticket made of the call: \(error)", ["uniqueid": call.uniqueID])
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

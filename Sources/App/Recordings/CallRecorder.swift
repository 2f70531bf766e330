import AGI
import Core
import Foundation
import Recordings

/// One call's MixMonitor as its flow runs it: started and stopped over AGI, and left out of
/// while a sensitive step runs (card digits, a PIN read back) so that none of it reaches the
/// file. Leaving out is AMI's `MixMonitorMute`: the file goes on with silence, so its times stay
/// the call's. When AMI cannot mute (not connected, refused), the recording is stopped for good
/// instead: nothing sensitive is ever recorded. Each stretch left out is noted on the call's
/// timeline (`recording-gap`, seconds into the file) for the recording's index. Used by the
/// call's one task, like its AGI session.
final class CallRecorder {
    /// Mutes (true) or unmutes the channel's MixMonitor, both directions.
    typealias Mute = @Sendable (_ muted: Bool) async throws -> Void

    private struct Running {
        var path: String
        var bridgedOnly: Bool
        var started: MonotonicTime
        /// Sensitive steps in progress (one may run inside another); the outermost mutes.
        var depth = 0
    }

    private let session: AGISession
    private let setMuted: Mute?
    private let noted: @Sendable (CallEvent) -> Void
    /// Seconds of the calls' world per real second (a simulated day runs faster).
    private let pace: Double
    private let logger: Logger
    private var running: Running?

    init(session: AGISession, setMuted: Mute?, noted: @escaping @Sendable (CallEvent) -> Void, pace: Double = 1, logger: Logger) {
        self.session = session
        self.setMuted = setMuted
        self.noted = noted
        self.pace = pace
        self.logger = logger
    }

    /// Seconds into the running recording's file.
    private var secondsIn: Double? { running.map { $0.started.secondsElapsed * pace } }

    var path: String? { running?.path }

    /// MixMonitor with `b` for the talk only; with `legs`, `r()` and `t()` for each side (the
    /// channel receives the caller and transmits to them).
    func start(_ path: String, bridgedOnly: Bool, legs: Bool) async throws {
        var options = bridgedOnly ? "b" : ""
        if legs {
            let files = RecordingLegs.files(of: path)
            options += "r(\(files.caller))t(\(files.agent))"
        }
        _ = try await session.exec("MixMonitor", options.isEmpty ? [path] : [path, options])
        running = Running(path: path, bridgedOnly: bridgedOnly, started: .now())
    }

    func stop() async throws {
        running = nil
        _ = try await session.exec("StopMixMonitor", [])
    }

    /// Runs `body` with the whole-call recording (if one runs) muted.
    func leavingOut<T>(_ body: () async throws -> T) async throws -> T {
        guard running?.bridgedOnly == false else { return try await body() }
        running?.depth += 1
        guard running?.depth == 1 else {
            defer { running?.depth -= 1 }
            return try await body()
        }
        let from = await mute()
        let result: T
        do {
            result = try await body()
        } catch {
            await unmute(from: from, quietly: true)
            throw error
        }
        await unmute(from: from, quietly: false)
        return result
    }

    /// Mutes, or failing that stops the recording; the second of the file it happened at, nil
    /// when the recording was stopped for good.
    private func mute() async -> Double? {
        let at = secondsIn ?? 0
        do {
            guard let setMuted else { throw RecorderError.noAMI }
            try await setMuted(true)
            return at
        } catch {
            logger.warning("cannot mute the recording for sensitive input (\(error)); stopping it", ["file": path ?? ""])
            try? await stop()
            noted(CallEvent(.recordingGap, detail: String(format: "%.2f-", at)))
            return nil
        }
    }

    /// Unmutes and notes the gap. `quietly`: the step failed (the caller may be gone), so a
    /// failure to unmute is expected and not worth a warning.
    private func unmute(from: Double?, quietly: Bool) async {
        running?.depth -= 1
        guard let from, let to = secondsIn else { return }
        do {
            try await setMuted?(false)
            noted(CallEvent(.recordingGap, detail: String(format: "%.2f-%.2f", from, to)))
        } catch {
            // Still muted: the rest of the call is left out too.
            if !quietly { logger.warning("cannot unmute the recording after sensitive input: \(error)", ["file": path ?? ""]) }
            noted(CallEvent(.recordingGap, detail: String(format: "%.2f-", from)))
        }
    }

    enum RecorderError: Error, CustomStringConvertible {
        case noAMI
        var description: String { "no AMI connection" }
    }
}

import Synchronization
import Wire

/// Ends a session's WAIT FOR DIGIT or STREAM FILE early, from any task, by writing a command
/// on the FastAGI socket while it runs. Asterisk watches that socket during both: WAIT FOR DIGIT
/// then answers `200 result=1` (ast_waitfordigit_full returns 1 when the command fd has data),
/// STREAM FILE stops and sends no reply of its own ("there is a new command"), and the command
/// written is run next. The written command is a NOOP, whose reply the session reads and drops.
///
/// Seen on Asterisk 20.20.1: the wait ends 0.25 ms after the write. (A DTMF queued over AMI
/// PlayDTMF instead is emulated as a 100 ms key press, and one not heard in time reaches the
/// next phone the channel dials.) Asterisk logs a WARNING for each woken WAIT FOR DIGIT.
///
/// res_agi reads commands through a buffered stream (fgets): a NOOP that arrives together with
/// the command it should end is read into that buffer with it, and the socket the command
/// watches stays quiet. So the NOOP is written again every 20 ms while the command runs; every
/// one is answered in the end, and the session reads each reply.
public final class AGIWake: Sendable {
    /// The interruptible commands.
    enum Command: Sendable { case waitForDigit, streamFile }

    struct State {
        /// The interruptible command running now, once its bytes are written.
        var running: Command?
        /// NOOPs written whose replies the session has not read yet.
        var injected = 0
        /// A wake that came while nothing interruptible ran: the next such command ends at once.
        var requested = false
        /// Counts the interruptible commands run, so that a repeat knows its command still runs.
        var run = 0
    }

    /// How often, and how many times, a NOOP is written again while the command runs on.
    static let repeatEvery = Duration.milliseconds(20)
    static let repeats = 50

    static let noop: [UInt8] = Array("NOOP\n".utf8)
    private let connection: Connection
    let state = Mutex(State())

    init(connection: Connection) { self.connection = connection }

    /// Ends the running WAIT FOR DIGIT or STREAM FILE now, or the next one as soon as it starts.
    public func wake() {
        let run = state.withLock { state -> Int? in
            guard state.running != nil else {
                state.requested = true
                return nil
            }
            inject(&state)
            return state.run
        }
        if let run { repeatUntilEnded(run) }
    }

    /// The session has written `command`: from now a wake interrupts it (and a wake that came
    /// meanwhile does so now).
    func started(_ command: Command) {
        let run = state.withLock { state -> Int? in
            state.run += 1
            state.running = command
            guard state.requested else { return nil }
            inject(&state)
            return state.run
        }
        if let run { repeatUntilEnded(run) }
    }

    /// Writes the NOOP again while command `run` goes on (its first may sit in res_agi's buffer).
    private func repeatUntilEnded(_ run: Int) {
        Task { [self] in
            for _ in 0..<Self.repeats {
                try? await Task.sleep(for: Self.repeatEvery)
                let goesOn = state.withLock { state -> Bool in
                    guard state.run == run, state.running != nil else { return false }
                    inject(&state)
                    return true
                }
                if !goesOn { return }
            }
        }
    }

    /// The command's reply has been read: how many injected replies follow it, to be read
    /// (from here no more are written for it).
    func finished() -> Int {
        state.withLock { state in
            defer {
                state.running = nil
                state.injected = 0
            }
            return state.injected
        }
    }

    /// Whether an injected NOOP is on its way (its reply not read yet).
    var isInjected: Bool { state.withLock { $0.injected > 0 } }

    private func inject(_ state: inout State) {
        state.requested = false
        if connection.writeNow(Self.noop) { state.injected += 1 }
    }
}

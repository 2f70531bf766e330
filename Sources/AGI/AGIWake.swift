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
public final class AGIWake: Sendable {
    /// The interruptible commands.
    enum Command: Sendable { case waitForDigit, streamFile }

    struct State {
        /// The interruptible command running now, once its bytes are written.
        var running: Command?
        /// NOOPs written whose replies the session has not read yet (at most one).
        var injected = 0
        /// A wake that came while nothing interruptible ran: the next such command ends at once.
        var requested = false
    }

    static let noop: [UInt8] = Array("NOOP\n".utf8)
    private let connection: Connection
    let state = Mutex(State())

    init(connection: Connection) { self.connection = connection }

    /// Ends the running WAIT FOR DIGIT or STREAM FILE now, or the next one as soon as it starts.
    public func wake() {
        state.withLock { state in
            guard state.running != nil else {
                state.requested = true
                return
            }
            inject(&state)
        }
    }

    /// The session has written `command`: from now a wake interrupts it (and a wake that came
    /// meanwhile does so now).
    func started(_ command: Command) {
        state.withLock { state in
            state.running = command
            if state.requested { inject(&state) }
        }
    }

    /// The command's reply has been read: how many injected replies follow it, to be read.
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
        guard state.injected == 0, connection.writeNow(Self.noop) else { return }
        state.injected += 1
    }
}

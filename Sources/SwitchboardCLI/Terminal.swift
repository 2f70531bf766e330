import Core
import Foundation
import Synchronization

/// Where a command's output goes and its typed input comes from: the process's stdin, stdout
/// and stderr, or memory in tests.
final class Terminal: Sendable {
    private let write: @Sendable (String, _ toError: Bool) -> Void
    /// Lines typed at the keyboard (`flows try`).
    let input: LineInput
    /// Whether standard error is a screen: progress then redraws one line in place.
    private let errorIsScreen: Bool

    init(input: LineInput = LineInput(), errorIsScreen: Bool = false, write: @escaping @Sendable (String, Bool) -> Void) {
        self.input = input
        self.errorIsScreen = errorIsScreen
        self.write = write
    }

    /// Standard input is read on a thread of its own, from the first time a command asks for a line.
    static let standard = Terminal(input: LineInput { Swift.readLine(strippingNewline: true) }, errorIsScreen: isatty(STDERR_FILENO) == 1) { text, toError in
        FileHandle(fileDescriptor: toError ? STDERR_FILENO : STDOUT_FILENO).write(Data(text.utf8))
    }

    func print(_ text: String) { write(text.hasSuffix("\n") ? text : text + "\n", false) }
    /// Writes `text` to standard output as it is: screen control, a redraw in place.
    func emit(_ text: String) { write(text, false) }
    func printError(_ text: String) { write(text.hasSuffix("\n") ? text : text + "\n", true) }

    /// Asks a yes/no question; true only for a typed `y` or `yes` (no answer in ten minutes, or
    /// the end of the input, is no).
    func confirm(_ question: String) async -> Bool {
        emit(question + " [y/N] ")
        guard case .line(let answer) = await input.next(timeout: 600) else { return false }
        return ["y", "yes"].contains(answer.trimmingCharacters(in: .whitespaces).lowercased())
    }

    /// Progress of long work on standard error, `done` of `total`: on a screen one line redrawn
    /// in place at every step; otherwise (a log, a pipe) a line every 10% and at the end.
    func progress(_ text: String, done: Int, total: Int) {
        guard total > 0 else { return }
        if errorIsScreen {
            write("\r\(text)\u{1B}[K" + (done >= total ? "\n" : ""), true)
        } else if done >= total || done * 10 / total != (done - 1) * 10 / total {
            printError(text)
        }
    }
}

/// A terminal that keeps what was written, and types `lines`; for tests.
final class CapturedTerminal: Sendable {
    private let buffers = Mutex<(out: String, err: String)>(("", ""))
    let input = LineInput()

    init(lines: [String]? = nil) {
        if let lines {
            for line in lines { input.append(line) }
            input.finish()
        }
    }

    var terminal: Terminal {
        Terminal(input: input) { [self] text, toError in
            buffers.withLock { toError ? $0.err.append(text) : $0.out.append(text) }
        }
    }

    var standardOutput: String { buffers.withLock { $0.out } }
    var standardError: String { buffers.withLock { $0.err } }
}

/// Lines of typed input, waited for with a time limit.
final class LineInput: Sendable {
    enum Next: Equatable {
        case line(String)
        case timeout
        case end
    }

    private struct State {
        var lines: [String] = []
        var ended = false
        var waiter: (id: Int, continuation: CheckedContinuation<Next, Never>)?
        var nextWaiter = 0
        var reading = false
    }

    private let state = Mutex(State())
    /// Reads one line, blocking; nil at the end of input. Nil for input given by `append`.
    private let read: (@Sendable () -> String?)?

    init(read: (@Sendable () -> String?)? = nil) {
        self.read = read
    }

    /// Starts the thread that feeds `read`'s lines in, the first time input is wanted.
    private func startReading() {
        guard let read, state.withLock({ state -> Bool in
            defer { state.reading = true }
            return !state.reading
        }) else { return }
        Thread.detachNewThread { [self] in
            while let line = read() { append(line) }
            finish()
        }
    }

    func append(_ line: String) {
        let waiter = state.withLock { state -> CheckedContinuation<Next, Never>? in
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter.continuation
            }
            state.lines.append(line)
            return nil
        }
        waiter?.resume(returning: .line(line))
    }

    func finish() {
        let waiter = state.withLock { state -> CheckedContinuation<Next, Never>? in
            state.ended = true
            defer { state.waiter = nil }
            return state.waiter?.continuation
        }
        waiter?.resume(returning: .end)
    }

    /// A line typed already, without waiting.
    func pending() -> String? {
        startReading()
        return state.withLock { $0.lines.isEmpty ? nil : $0.lines.removeFirst() }
    }

    /// The next line, or `.timeout` after `seconds`, or `.end` when input is closed.
    func next(timeout seconds: Double) async -> Next {
        startReading()
        return await withCheckedContinuation { continuation in
            let id = state.withLock { state -> Int? in
                if !state.lines.isEmpty {
                    continuation.resume(returning: .line(state.lines.removeFirst()))
                    return nil
                }
                if state.ended {
                    continuation.resume(returning: .end)
                    return nil
                }
                state.nextWaiter += 1
                state.waiter = (state.nextWaiter, continuation)
                return state.nextWaiter
            }
            guard let id else { return }
            Task { [self] in
                try? await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
                let expired = state.withLock { state -> CheckedContinuation<Next, Never>? in
                    guard state.waiter?.id == id else { return nil }
                    defer { state.waiter = nil }
                    return state.waiter?.continuation
                }
                expired?.resume(returning: .timeout)
            }
        }
    }
}

import Foundation
import Synchronization

/// Where a command's output goes: the process's stdout and stderr, or memory in tests.
final class Terminal: Sendable {
    private let write: @Sendable (String, _ toError: Bool) -> Void

    init(write: @escaping @Sendable (String, Bool) -> Void) {
        self.write = write
    }

    static let standard = Terminal { text, toError in
        FileHandle(fileDescriptor: toError ? STDERR_FILENO : STDOUT_FILENO).write(Data(text.utf8))
    }

    func print(_ text: String) { write(text.hasSuffix("\n") ? text : text + "\n", false) }
    func printError(_ text: String) { write(text.hasSuffix("\n") ? text : text + "\n", true) }
}

/// A terminal that keeps what was written; for tests.
final class CapturedTerminal: Sendable {
    private let buffers = Mutex<(out: String, err: String)>(("", ""))

    init() {}

    var terminal: Terminal {
        Terminal { [self] text, toError in
            buffers.withLock { toError ? $0.err.append(text) : $0.out.append(text) }
        }
    }

    var standardOutput: String { buffers.withLock { $0.out } }
    var standardError: String { buffers.withLock { $0.err } }
}

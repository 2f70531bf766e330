import Foundation
import Synchronization

/// Where formatted log lines go. One sink is shared by every logger of a process.
public protocol LogSink: Sendable {
    func write(_ record: LogRecord)
}

/// Writes one line per record to a file descriptor (stderr by default), whole lines only.
///
/// Secrets registered with `redact(_:)` are masked in every line written after the call.
public final class StreamLogSink: LogSink {
    private let fd: Int32
    private let ownsDescriptor: Bool
    private let secrets = Mutex<[String]>([])

    public init(fd: Int32 = STDERR_FILENO) {
        self.fd = fd
        ownsDescriptor = false
    }

    /// Appends to `path`, creating it with mode 0640.
    public init(appendingTo path: String) throws {
        let opened = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o640)
        guard opened >= 0 else {
            throw LogFileError(path: path, reason: String(cString: strerror(errno)))
        }
        fd = opened
        ownsDescriptor = true
    }

    deinit {
        if ownsDescriptor { close(fd) }
    }

    public func redact(_ secret: String) {
        guard !secret.isEmpty else { return }
        secrets.withLock { $0.append(secret) }
    }

    public func write(_ record: LogRecord) {
        let line = record.formatted(redacting: secrets.withLock { $0 }) + "\n"
        var bytes = Array(line.utf8)
        // One write(2) per line keeps lines whole when several threads log at once.
        bytes.withUnsafeMutableBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Foundation.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return
                }
                offset += written
            }
        }
    }
}

public struct LogFileError: Error, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "cannot open log file \(path): \(reason)" }
}

/// Keeps records in memory; for tests that assert what was logged.
public final class MemoryLogSink: LogSink {
    private let storage = Mutex<[LogRecord]>([])

    public init() {}

    public func write(_ record: LogRecord) { storage.withLock { $0.append(record) } }

    public var records: [LogRecord] { storage.withLock { $0 } }
    public var lines: [String] { records.map { $0.formatted() } }
}

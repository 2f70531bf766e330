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
    private let file: AppendedFile
    private let secrets = Mutex<[String]>([])

    public init(fd: Int32 = STDERR_FILENO) {
        file = AppendedFile(descriptor: fd)
    }

    /// Appends to `path`, creating it with mode 0640.
    public init(appendingTo path: String) throws {
        file = try AppendedFile(path: path)
    }

    public func redact(_ secret: String) {
        guard !secret.isEmpty else { return }
        secrets.withLock { $0.append(secret) }
    }

    public func write(_ record: LogRecord) {
        file.append(record.formatted(redacting: secrets.withLock { $0 }))
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

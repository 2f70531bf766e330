import Foundation
import Synchronization

/// A file that whole lines are appended to: each line goes out in one write(2) on a descriptor
/// opened with O_APPEND, so lines from several threads (or processes) never tear or interleave.
/// `reopen()` opens the same path again, for log rotation (the old file is closed once the new
/// one is open, so no line is lost in between).
public final class AppendedFile: Sendable {
    public let path: String?
    private let descriptor: Mutex<Int32>

    /// Appends to `path`, creating it with `mode`.
    public init(path: String, mode: mode_t = 0o640) throws {
        self.path = path
        descriptor = Mutex(try Self.open(path, mode: mode))
    }

    /// Appends to a descriptor someone else owns (stderr); it is never closed or reopened.
    public init(descriptor fd: Int32) {
        path = nil
        descriptor = Mutex(fd)
    }

    deinit {
        if path != nil { descriptor.withLock { _ = close($0) } }
    }

    private static func open(_ path: String, mode: mode_t) throws -> Int32 {
        let opened = Foundation.open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, mode)
        guard opened >= 0 else { throw LogFileError(path: path, reason: String(cString: strerror(errno))) }
        return opened
    }

    /// Writes `line` and an LF at once. False if the write failed (disk full, file gone bad).
    @discardableResult
    public func append(_ line: String) -> Bool {
        var bytes = Array(line.utf8)
        bytes.append(0x0A)
        return descriptor.withLock { fd in
            bytes.withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let written = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                    if written < 0 {
                        if errno == EINTR { continue }
                        return false
                    }
                    offset += written
                }
                return true
            }
        }
    }

    /// Opens the path again (after the file was moved away by a rotation).
    public func reopen() throws {
        guard let path else { return }
        let fresh = try Self.open(path, mode: 0o640)
        descriptor.withLock { fd in
            close(fd)
            fd = fresh
        }
    }
}

import Glibc

/// A failed system call: which operation, and the errno it returned.
public struct SocketError: Error, Equatable, CustomStringConvertible {
    public var operation: String
    public var errno: Int32

    public init(operation: String, errno: Int32) {
        self.operation = operation
        self.errno = errno
    }

    /// The system's text for `errno`, such as "Connection refused".
    public var reason: String {
        guard let text = strerror(errno) else { return "errno \(errno)" }
        return String(decoding: UnsafeRawBufferPointer(start: text, count: strlen(text)), as: UTF8.self)
    }

    public var description: String { "\(operation) failed: \(reason) (errno \(errno))" }
}

/// Why a connection stopped delivering bytes, when it was not a system call failing.
public enum ConnectionError: Error, Equatable, CustomStringConvertible {
    /// The deadline passed while waiting to read or write.
    case timedOut(operation: String)
    /// This side closed the connection (or the server is shutting down) while a task waited on it.
    case closed
    /// The peer closed the connection in the middle of a line or message.
    case peerClosedMidMessage(pendingBytes: Int)

    public var description: String {
        switch self {
        case .timedOut(let operation): "\(operation) timed out"
        case .closed: "connection closed"
        case .peerClosedMidMessage(let pending): "peer closed the connection mid-message (\(pending) bytes unterminated)"
        }
    }
}

import Glibc

/// What a non-blocking system call did: finished with a value, or would have blocked.
enum SyscallResult<Value> {
    case done(Value)
    case wouldBlock
}

/// Runs one system call that returns -1 and sets errno on failure. Every syscall in Wire goes
/// through here: `EINTR` is retried, `EAGAIN`/`EINPROGRESS` become `.wouldBlock`, `EBADF` and
/// `EFAULT` are programmer errors and trap, anything else throws `SocketError` naming `operation`.
@inline(__always)
func syscall<Value: BinaryInteger>(_ operation: @autoclosure () -> String, _ body: () -> Value) throws -> SyscallResult<Value> {
    while true {
        let result = body()
        if result >= 0 { return .done(result) }
        let code = errno
        switch code {
        case EINTR:
            continue
        case EAGAIN, EWOULDBLOCK, EINPROGRESS:
            return .wouldBlock
        case EBADF, EFAULT:
            preconditionFailure("\(operation()): \(SocketError(operation: "", errno: code).reason): a bug, not a peer's fault")
        default:
            throw SocketError(operation: operation(), errno: code)
        }
    }
}

/// `syscall` for calls that cannot block: `.wouldBlock` is itself an error there.
@inline(__always)
@discardableResult
func blockingSyscall<Value: BinaryInteger>(_ operation: @autoclosure () -> String, _ body: () -> Value) throws -> Value {
    switch try syscall(operation(), body) {
    case .done(let value): return value
    case .wouldBlock: throw SocketError(operation: operation(), errno: EAGAIN)
    }
}

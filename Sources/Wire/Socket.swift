import Glibc

/// Creation and options of socket descriptors; the rest of Wire uses these, never raw setsockopt.
enum Socket {
    static func makeStream(family: Int32) throws -> Int32 {
        let type = Int32(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue)
        return try blockingSyscall("socket") { Glibc.socket(family, type, 0) }
    }

    static func setOption(_ fd: Int32, level: Int32, name: Int32, value: Int32, _ operation: String) throws {
        var value = value
        try blockingSyscall(operation) {
            setsockopt(fd, level, name, &value, socklen_t(MemoryLayout<Int32>.size))
        }
    }

    /// Small request/response exchanges (AGI, AMI) must not wait for Nagle's timer.
    static func setNoDelay(_ fd: Int32) {
        try? setOption(fd, level: Int32(IPPROTO_TCP), name: TCP_NODELAY, value: 1, "setsockopt(TCP_NODELAY)")
    }

    /// Acknowledges what arrived at once instead of up to 40 ms later. A peer that writes two
    /// small segments without TCP_NODELAY (Asterisk's FastAGI: `HANGUP`, then a reply) holds
    /// the second until the first is acknowledged. Setting it sends an ACK that is due at once;
    /// Linux drops back to delayed ACKs by itself, so `Connection` sets it each time it waits
    /// for a peer whose bytes it has read and not yet answered.
    static func setQuickAck(_ fd: Int32) {
        try? setOption(fd, level: Int32(IPPROTO_TCP), name: TCP_QUICKACK, value: 1, "setsockopt(TCP_QUICKACK)")
    }

    /// The result of a non-blocking connect, read once the socket turns writable.
    static func pendingError(_ fd: Int32) throws -> Int32 {
        var code: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        try blockingSyscall("getsockopt(SO_ERROR)") { getsockopt(fd, SOL_SOCKET, SO_ERROR, &code, &length) }
        return code
    }

    static func localAddress(_ fd: Int32) throws -> SocketAddress {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = try withUnsafeMutablePointer(to: &storage) { pointer in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                try blockingSyscall("getsockname") { getsockname(fd, raw, &length) }
            }
        }
        return SocketAddress(storage: storage)
    }
}

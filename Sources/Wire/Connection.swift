import Core
import Glibc
import Synchronization

/// One non-blocking stream socket (TCP or Unix) used from async code.
///
/// One task reads and one task writes at a time. The owner closes; any task may `shutdown()`,
/// which wakes a pending read with end-of-file (closing the descriptor alone would not).
public final class Connection: Sendable {
    // Touched at every read and write, so together at the front of the object: with hundreds
    // of connections up, one's state has left the cache by the time its data comes.
    private let descriptor: Mutex<Int32?>
    /// False after a read that emptied the socket buffer: the next read waits for an edge first
    /// instead of paying for a read that can only say EAGAIN.
    private let mayHaveData = Atomic<Bool>(true)
    /// Bytes were read and nothing written since: our ACK for them is not on its way yet.
    private let readSinceWrite = Atomic<Bool>(false)
    /// Acknowledge what was read at once before waiting for more (`Socket.setQuickAck`).
    let quickAck: Bool
    /// The descriptor number, for waiting on; syscalls use `withDescriptor` so none runs after close.
    let fd: Int32
    /// The event loop that watches this descriptor; the connection's task should prefer it as executor.
    public let loop: EventLoop
    public let peer: SocketAddress

    /// Takes ownership of `fd` and registers it with `loop`; on failure the descriptor is closed.
    init(fd: Int32, peer: SocketAddress, loop: EventLoop, quickAck: Bool = false) throws {
        do {
            try loop.register(fd)
        } catch {
            Glibc.close(fd)
            throw error
        }
        self.fd = fd
        self.peer = peer
        self.loop = loop
        self.quickAck = quickAck
        descriptor = Mutex(fd)
    }

    deinit {
        close()
    }

    /// Connects to `address`, failing with `ConnectionError.timedOut` after `deadline`.
    /// - Parameter quickAck: acknowledge what was read at once when waiting for more without
    ///   having written (a peer that writes without TCP_NODELAY holds its next bytes until then).
    public static func connect(
        to address: SocketAddress,
        deadline: MonotonicTime? = nil,
        loop: EventLoop = EventLoopGroup.shared.next(),
        quickAck: Bool = false
    ) async throws -> Connection {
        let fd = try Socket.makeStream(family: address.family)
        let connection = try Connection(fd: fd, peer: address, loop: loop, quickAck: quickAck && address.family != AF_UNIX)
        let started = try address.withSockAddr { pointer, length in
            try syscall("connect(\(address))") { Glibc.connect(fd, pointer, length) }
        }
        if case .wouldBlock = started {
            try await loop.wait(for: .write, on: fd, until: deadline)
            let code = try Socket.pendingError(fd)
            if code != 0 { throw SocketError(operation: "connect(\(address))", errno: code) }
        }
        if case .ipv4 = address { Socket.setNoDelay(fd) }
        if case .ipv6 = address { Socket.setNoDelay(fd) }
        return connection
    }

    /// Whether something accepts connections at `address` now: a blocking connect, closed at once.
    /// Meant for Unix sockets, where it never waits (a server checking for a running twin).
    public static func isAnswering(_ address: SocketAddress) -> Bool {
        guard let fd = try? blockingSyscall("socket", { Glibc.socket(address.family, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0) }) else {
            return false
        }
        defer { Glibc.close(fd) }
        return (try? address.withSockAddr { pointer, length in Glibc.connect(fd, pointer, length) == 0 }) ?? false
    }

    /// Reads what is available, at most `maximum` bytes, waiting until `deadline` if nothing is.
    /// An empty result is end-of-file.
    public func read(maximum: Int = 16_384, deadline: MonotonicTime? = nil) async throws -> [UInt8] {
        var bytes: [UInt8] = []
        _ = try await read(upTo: maximum, deadline: deadline) { room in
            try withUnsafeTemporaryAllocation(byteCount: room, alignment: 1) { buffer in
                let count = try receive(into: buffer)
                if let count { bytes = Array(UnsafeRawBufferPointer(rebasing: buffer[..<count])) }
                return count
            }
        }
        return bytes
    }

    /// Reads what is available, at most `maximum` bytes, straight into `framer`, waiting until
    /// `deadline` if nothing is. Returns how many bytes came; 0 is end-of-file.
    /// - Parameter beforeWaiting: called each time the socket is found empty, before waiting.
    public func read(into framer: inout Framer, maximum: Int, deadline: MonotonicTime? = nil, beforeWaiting: () -> Void = {}) async throws -> Int {
        try await read(upTo: maximum, deadline: deadline, beforeWaiting: { beforeWaiting(); framer.releaseIfEmpty() }) { room in
            try framer.fill(upTo: room) { buffer in try receive(into: buffer) }
        }
    }

    /// Calls `attempt` (one non-blocking read of at most `maximum` bytes: the count, or nil when
    /// the socket had nothing) until it reads, waiting for readiness in between.
    private func read(upTo maximum: Int, deadline: MonotonicTime?, beforeWaiting: () -> Void = {}, _ attempt: (Int) throws -> Int?) async throws -> Int {
        if !mayHaveData.load(ordering: .relaxed) {
            beforeWaiting()
            acknowledgeBeforeWaiting()
            try await loop.wait(for: .read, on: fd, until: deadline)
        }
        while true {
            if let count = try attempt(maximum) {
                // A short read emptied the buffer; new data will raise a new edge.
                mayHaveData.store(count == maximum, ordering: .relaxed)
                return count
            }
            beforeWaiting()
            acknowledgeBeforeWaiting()
            try await loop.wait(for: .read, on: fd, until: deadline)
        }
    }

    /// About to wait for the peer with bytes read and nothing written since: acknowledge them
    /// now. A peer writing without TCP_NODELAY (Asterisk's FastAGI and AMI) holds its next small
    /// write until its last one is acknowledged, and our delayed ACK would hold it 40 ms or more
    /// (a HANGUP and the reply behind it, a usage block, lines of an environment). When we
    /// answer instead, the ACK rides on our write and no syscall is spent.
    private func acknowledgeBeforeWaiting() {
        guard quickAck, readSinceWrite.exchange(false, ordering: .relaxed) else { return }
        _ = try? withDescriptor { Socket.setQuickAck($0) }
    }

    /// One non-blocking read(2) into `buffer`: the count (0 at end-of-file), nil when there was nothing.
    private func receive(into buffer: UnsafeMutableRawBufferPointer) throws -> Int? {
        let outcome = try withDescriptor { fd in
            try syscall("read(\(peer))") { Glibc.read(fd, buffer.baseAddress, buffer.count) }
        }
        switch outcome {
        case .done(let count):
            if quickAck, count > 0 { readSinceWrite.store(true, ordering: .relaxed) }
            return count
        case .wouldBlock: return nil
        }
    }

    /// Sends what fits of `bytes[offset...]` with one non-blocking send, never waiting: how many
    /// bytes went, 0 when the socket buffer is full. Throws the socket's error (reset, closed).
    public func sendNow(_ bytes: [UInt8], from offset: Int = 0) throws -> Int {
        let result = try bytes.withUnsafeBytes { raw in
            try withDescriptor { fd in
                try syscall("write(\(peer))") { send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL)) }
            }
        }
        guard case .done(let count) = result else { return 0 }
        readSinceWrite.store(false, ordering: .relaxed)
        return count
    }

    /// Writes `bytes` now with one non-blocking send, never waiting: true when all of them went
    /// (a few bytes always fit unless the peer stopped reading). For writers that must not
    /// suspend, such as one holding a lock to keep its write in order with others.
    public func writeNow(_ bytes: [UInt8]) -> Bool {
        (try? sendNow(bytes)) == bytes.count
    }

    /// Writes every byte from `start` on, waiting for the peer to drain its window when the
    /// socket buffer is full.
    /// - Parameter deadline: evaluated only if the write has to wait (most never do: no clock
    ///   read per write).
    public func write(_ bytes: [UInt8], from start: Int = 0, deadline: @autoclosure () -> MonotonicTime? = nil) async throws {
        var offset = start
        var waitUntil: MonotonicTime?
        var waited = false
        while offset < bytes.count {
            let count = try sendNow(bytes, from: offset)
            if count > 0 {
                offset += count
                continue
            }
            if !waited {
                waitUntil = deadline()
                waited = true
            }
            try await loop.wait(for: .write, on: fd, until: waitUntil)
        }
    }

    public func write(_ text: String, deadline: @autoclosure () -> MonotonicTime? = nil) async throws {
        try await write(Array(text.utf8), deadline: deadline())
    }

    /// Runs a non-blocking syscall on the descriptor, or throws `ConnectionError.closed` after `close()`.
    func withDescriptor<Result>(_ body: (Int32) throws -> Result) throws -> Result {
        try descriptor.withLock { fd in
            guard let fd else { throw ConnectionError.closed }
            return try body(fd)
        }
    }

    /// Ends both directions: a pending read wakes with end-of-file, the peer sees FIN.
    public func shutdown() {
        descriptor.withLock { fd in
            if let fd { _ = Glibc.shutdown(fd, Int32(SHUT_RDWR)) }
        }
    }

    /// Ends our sending direction only; the peer reads end-of-file, we can still read.
    public func shutdownWrite() {
        descriptor.withLock { fd in
            if let fd { _ = Glibc.shutdown(fd, Int32(SHUT_WR)) }
        }
    }

    /// Releases the descriptor; tasks still waiting on it fail with `ConnectionError.closed`.
    public func close() {
        descriptor.withLock { fd in
            guard let open = fd else { return }
            loop.deregister(open)
            _ = Glibc.close(open)
            fd = nil
        }
    }
}

import CLinux
import Core
import Glibc

/// A listening TCP or Unix-domain socket that hands out `Connection`s.
public final class Listener: Sendable {
    /// The bound address, with the port the kernel chose when asked for port 0.
    public let localAddress: SocketAddress
    private let socket: Connection
    private let group: EventLoopGroup
    /// Accepted TCP connections acknowledge reads at once when they wait without writing (`Connection.connect`).
    private let quickAck: Bool

    /// Binds and listens. TCP listeners reuse the address (a restart must not wait for TIME_WAIT);
    /// an IPv6 wildcard also accepts IPv4. A Unix path must not exist (the caller removes a stale one).
    /// Accepted connections go to the loops of `group` in turn; with `quickAck` they acknowledge
    /// what they read at once when they wait without writing (for peers that write without
    /// TCP_NODELAY, as Asterisk's FastAGI does).
    public init(bind address: SocketAddress, backlog: Int32 = 1024, group: EventLoopGroup = .shared, quickAck: Bool = false) throws {
        let fd = try Socket.makeStream(family: address.family)
        socket = try Connection(fd: fd, peer: address, loop: group.next())
        if address.family != AF_UNIX {
            try Socket.setOption(fd, level: SOL_SOCKET, name: SO_REUSEADDR, value: 1, "setsockopt(SO_REUSEADDR)")
        }
        if address.family == AF_INET6 {
            try Socket.setOption(fd, level: Int32(IPPROTO_IPV6), name: IPV6_V6ONLY, value: 0, "setsockopt(IPV6_V6ONLY)")
        }
        _ = try address.withSockAddr { pointer, length in
            try blockingSyscall("bind(\(address))") { Glibc.bind(fd, pointer, length) }
        }
        try blockingSyscall("listen(\(address))") { Glibc.listen(fd, backlog) }
        self.group = group
        self.quickAck = quickAck
        localAddress = address.family == AF_UNIX ? address : try Socket.localAddress(fd)
    }

    /// The event loop watching the listening socket: an accepting task should prefer it.
    public var loop: EventLoop { socket.loop }

    /// Waits for the next connection. Throws `ConnectionError.closed` once `close()` was called.
    public func accept() async throws -> Connection {
        while true {
            var storage = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let flags = Int32(SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue)
            let result = try withUnsafeMutableBytes(of: &storage) { raw in
                try socket.withDescriptor { fd in
                    try syscall("accept(\(localAddress))") { accept4(fd, raw.baseAddress, &length, flags) }
                }
            }
            switch result {
            case .done(let client):
                let peer = localAddress.family == AF_UNIX ? localAddress : SocketAddress(storage: storage)
                if localAddress.family != AF_UNIX { Socket.setNoDelay(client) }
                return try Connection(fd: client, peer: peer, loop: group.next(), quickAck: quickAck && localAddress.family != AF_UNIX)
            case .wouldBlock:
                try await socket.loop.wait(for: .read, on: socket.fd, until: nil)
            }
        }
    }

    /// Stops listening; a pending `accept()` fails with `ConnectionError.closed`.
    public func close() {
        socket.close()
    }
}

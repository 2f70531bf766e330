import CLinux
import Glibc

/// Who is at the other end of a Unix-domain socket, as the kernel says (SO_PEERCRED).
public struct PeerCredentials: Sendable, Equatable {
    public var pid: Int32
    public var uid: UInt32
    public var gid: UInt32

    public init(pid: Int32, uid: UInt32, gid: UInt32) {
        self.pid = pid
        self.uid = uid
        self.gid = gid
    }
}

extension Connection {
    /// The peer's process, user and group on a Unix-domain socket; nil once closed. (For a TCP
    /// socket the kernel answers with no user: uid 4294967295.)
    public var peerCredentials: PeerCredentials? {
        try? withDescriptor { fd in
            var pid: Int32 = 0, uid: UInt32 = 0, gid: UInt32 = 0
            guard sb_peer_credentials(fd, &pid, &uid, &gid) == 0 else { throw SocketError(operation: "getsockopt(SO_PEERCRED)", errno: errno) }
            return PeerCredentials(pid: pid, uid: uid, gid: gid)
        }
    }
}

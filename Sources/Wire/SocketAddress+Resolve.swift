import Foundation
import Glibc

extension SocketAddress {
    /// `host` as a numeric address, or else looked up with getaddrinfo(3) (the first TCP
    /// address it gives). The lookup blocks, so it runs on a thread of its own, never on an
    /// event loop.
    public static func resolve(host: String, port: UInt16) async throws -> SocketAddress {
        if let numeric = try? SocketAddress(host: host, port: port) { return numeric }
        return try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try lookup(host: host, port: port) })
            }
        }
    }

    private static func lookup(host: String, port: UInt16) throws -> SocketAddress {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let code = getaddrinfo(host, String(port), &hints, &list)
        guard code == 0, let first = list else {
            throw AddressError(text: host, reason: "cannot resolve: \(String(cString: gai_strerror(code)))")
        }
        defer { freeaddrinfo(list) }
        var storage = sockaddr_storage()
        withUnsafeMutableBytes(of: &storage) { target in
            target.copyMemory(from: UnsafeRawBufferPointer(start: first.pointee.ai_addr, count: Int(first.pointee.ai_addrlen)))
        }
        return SocketAddress(storage: storage)
    }
}

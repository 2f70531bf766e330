import Glibc

/// An IPv4, IPv6 or Unix-domain socket address.
public enum SocketAddress: Sendable, Hashable, CustomStringConvertible {
    case ipv4(IPAddress, port: UInt16)
    case ipv6(IPAddress, port: UInt16)
    case unix(path: String)

    /// A numeric host (`127.0.0.1`, `::1`, `[::1]`) or `localhost`, and a port.
    public init(host: String, port: UInt16) throws {
        let trimmed = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        let name = trimmed == "localhost" ? "127.0.0.1" : trimmed
        guard let address = IPAddress(name) else {
            throw AddressError(text: host, reason: "not a numeric IPv4 or IPv6 address")
        }
        self = address.isIPv4 ? .ipv4(address, port: port) : .ipv6(address, port: port)
    }

    /// `host:port`, `[v6]:port` or a Unix path.
    public init(parsing text: String, defaultPort: UInt16) throws {
        if text.hasPrefix("/") || text.hasPrefix(".") {
            self = .unix(path: text)
            return
        }
        var host = text
        var port = defaultPort
        if let close = text.lastIndex(of: "]"), text.hasPrefix("[") {
            host = String(text[...close])
            let rest = text[text.index(after: close)...]
            if rest.hasPrefix(":") { port = try Self.port(String(rest.dropFirst()), in: text) }
        } else if text.filter({ $0 == ":" }).count == 1, let colon = text.firstIndex(of: ":") {
            host = String(text[..<colon])
            port = try Self.port(String(text[text.index(after: colon)...]), in: text)
        }
        try self.init(host: host, port: port)
    }

    private static func port(_ text: String, in whole: String) throws -> UInt16 {
        guard let port = UInt16(text) else { throw AddressError(text: whole, reason: "bad port '\(text)'") }
        return port
    }

    public var ip: IPAddress? {
        switch self {
        case .ipv4(let ip, _), .ipv6(let ip, _): ip
        case .unix: nil
        }
    }

    public var port: UInt16? {
        switch self {
        case .ipv4(_, let port), .ipv6(_, let port): port
        case .unix: nil
        }
    }

    var family: Int32 {
        switch self {
        case .ipv4: AF_INET
        case .ipv6: AF_INET6
        case .unix: AF_UNIX
        }
    }

    public var description: String {
        switch self {
        case .ipv4(let ip, let port): "\(ip):\(port)"
        case .ipv6(let ip, let port): "[\(ip)]:\(port)"
        case .unix(let path): path
        }
    }

    /// Calls `body` with this address as a `sockaddr`.
    func withSockAddr<Result>(_ body: (UnsafePointer<sockaddr>, socklen_t) throws -> Result) throws -> Result {
        switch self {
        case .ipv4(let ip, let port):
            var raw = sockaddr_in()
            raw.sin_family = sa_family_t(AF_INET)
            raw.sin_port = port.bigEndian
            withUnsafeMutableBytes(of: &raw.sin_addr) { $0.copyBytes(from: ip.bytes) }
            return try withUnsafePointer(to: &raw) {
                try $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { try body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        case .ipv6(let ip, let port):
            var raw = sockaddr_in6()
            raw.sin6_family = sa_family_t(AF_INET6)
            raw.sin6_port = port.bigEndian
            withUnsafeMutableBytes(of: &raw.sin6_addr) { $0.copyBytes(from: ip.bytes) }
            return try withUnsafePointer(to: &raw) {
                try $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { try body($0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
            }
        case .unix(let path):
            var raw = sockaddr_un()
            raw.sun_family = sa_family_t(AF_UNIX)
            let bytes = Array(path.utf8)
            let capacity = MemoryLayout.size(ofValue: raw.sun_path)
            guard bytes.count < capacity else {
                throw AddressError(text: path, reason: "Unix socket path longer than \(capacity - 1) bytes")
            }
            withUnsafeMutableBytes(of: &raw.sun_path) { $0.copyBytes(from: bytes + [0]) }
            return try withUnsafePointer(to: &raw) {
                try $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { try body($0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
        }
    }

    /// The address in a `sockaddr_storage` filled by accept(2) or getsockname(2).
    init(storage: sockaddr_storage) {
        var storage = storage
        switch Int32(storage.ss_family) {
        case AF_INET:
            self = withUnsafeBytes(of: &storage) { raw in
                let address = raw.load(as: sockaddr_in.self)
                let bytes = withUnsafeBytes(of: address.sin_addr) { Array($0) }
                return .ipv4(IPAddress(bytes: bytes), port: UInt16(bigEndian: address.sin_port))
            }
        case AF_INET6:
            self = withUnsafeBytes(of: &storage) { raw in
                let address = raw.load(as: sockaddr_in6.self)
                let bytes = withUnsafeBytes(of: address.sin6_addr) { Array($0) }
                return .ipv6(IPAddress(bytes: bytes), port: UInt16(bigEndian: address.sin6_port))
            }
        default:
            self = withUnsafeBytes(of: &storage) { raw in
                let address = raw.load(as: sockaddr_un.self)
                let path = withUnsafeBytes(of: address.sun_path) { bytes in
                    String(decoding: bytes.prefix(while: { $0 != 0 }), as: UTF8.self)
                }
                return .unix(path: path)
            }
        }
    }
}

/// A text that is not a usable address.
public struct AddressError: Error, CustomStringConvertible {
    public var text: String
    public var reason: String
    public var description: String { "'\(text)': \(reason)" }
}

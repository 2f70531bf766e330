import Synchronization

/// Which handler serves a FastAGI script path: `ivr` serves `ivr` and `ivr/<anything>`.
public final class AGIRouter: Sendable {
    /// A script's handler: an ordinary nonisolated async function (`@concurrent`), as the
    /// modules that register them (not caller-isolated) write their closures.
    public typealias Handler = @concurrent @Sendable (AGISession) async throws -> Void

    private let routes = Mutex<[(prefix: String, handler: Handler)]>([])

    public init() {}

    /// Serves scripts whose path is `prefix` or starts with `prefix/`; the longest prefix wins.
    public func register(_ prefix: String, _ handler: @escaping Handler) {
        let cleaned = prefix.trimmingSlashes()
        routes.withLock { routes in
            routes.removeAll { $0.prefix == cleaned }
            routes.append((cleaned, handler))
            routes.sort { $0.prefix.count > $1.prefix.count }
        }
    }

    public func handler(for path: String) -> Handler? {
        routes.withLock { routes in
            routes.first { path == $0.prefix || path.hasPrefix($0.prefix + "/") }?.handler
        }
    }

    public var prefixes: [String] { routes.withLock { $0.map(\.prefix).sorted() } }
}

import Synchronization

/// Which handler serves a FastAGI script path: `ivr` serves `ivr` and `ivr/<anything>`.
public final class AGIRouter: Sendable {
    /// A script's handler: an ordinary nonisolated async function (`@concurrent`), as the
    /// modules that register them (not caller-isolated) write their closures.
    public typealias Handler = @concurrent @Sendable (AGISession) async throws -> Void

    /// A struct, not a tuple: a function inside a tuple in an array is stored in the generic
    /// form, and every call goes through conversion thunks, each a frame the call keeps.
    private struct Route {
        var prefix: String
        var handler: Handler
    }

    private let routes = Mutex<[Route]>([])

    public init() {}

    /// Serves scripts whose path is `prefix` or starts with `prefix/`; the longest prefix wins.
    public func register(_ prefix: String, _ handler: @escaping Handler) {
        let cleaned = prefix.trimmingSlashes()
        routes.withLock { routes in
            routes.removeAll { $0.prefix == cleaned }
            routes.append(Route(prefix: cleaned, handler: handler))
            routes.sort { $0.prefix.count > $1.prefix.count }
        }
    }

    public func handler(for path: String) -> Handler? {
        // The route, not its function, out of the lock: a function returned through the
        // generic lock would be wrapped in conversion thunks.
        let route = routes.withLock { routes in
            routes.first { path == $0.prefix || path.hasPrefix($0.prefix + "/") }
        }
        return route?.handler
    }

    public var prefixes: [String] { routes.withLock { $0.map(\.prefix).sorted() } }
}

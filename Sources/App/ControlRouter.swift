import Synchronization

/// The commands the control socket answers, by name. Components register theirs at start-up.
public final class ControlRouter: Sendable {
    public typealias Handler = @Sendable (ControlRequest) async throws -> any Encodable & Sendable
    /// A subscription: sends results with `send` for as long as it runs; a `send` throws once
    /// the client has gone.
    public typealias StreamHandler = @Sendable (ControlRequest, _ send: @Sendable (any Encodable & Sendable) async throws -> Void) async throws -> Void

    enum Route {
        case reply(Handler)
        case stream(StreamHandler)
    }

    private let routes = Mutex<[String: Route]>([:])

    public init() {}

    public func register(_ command: String, _ handler: @escaping Handler) {
        routes.withLock { $0[command] = .reply(handler) }
    }

    public func registerStream(_ command: String, _ handler: @escaping StreamHandler) {
        routes.withLock { $0[command] = .stream(handler) }
    }

    public var commands: [String] { routes.withLock { $0.keys.sorted() } }

    func route(for command: String) -> Route? {
        routes.withLock { $0[command] }
    }
}

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

    /// A command's handler, the role it needs, and whether it changes anything (then each use
    /// goes into the audit trail).
    struct Entry {
        var route: Route
        var role: Role
        var changes: Bool
    }

    private let routes = Mutex<[String: Entry]>([:])

    public init() {}

    /// `role`: who may send it (anyone with less is refused before the handler runs);
    /// `changes`: it acts on calls, agents or the server, so each use is audited.
    public func register(_ command: String, role: Role, changes: Bool, _ handler: @escaping Handler) {
        routes.withLock { $0[command] = Entry(route: .reply(handler), role: role, changes: changes) }
    }

    public func registerStream(_ command: String, role: Role, _ handler: @escaping StreamHandler) {
        routes.withLock { $0[command] = Entry(route: .stream(handler), role: role, changes: false) }
    }

    func isAudited(_ command: String) -> Bool { entry(for: command)?.changes ?? false }

    public var commands: [String] { routes.withLock { $0.keys.sorted() } }

    func entry(for command: String) -> Entry? {
        routes.withLock { $0[command] }
    }
}

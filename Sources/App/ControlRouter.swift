import Synchronization

/// The commands the control socket answers, by name. Components register theirs at start-up.
public final class ControlRouter: Sendable {
    public typealias Handler = @Sendable (ControlRequest) async throws -> any Encodable & Sendable

    private let handlers = Mutex<[String: Handler]>([:])

    public init() {}

    public func register(_ command: String, _ handler: @escaping Handler) {
        handlers.withLock { $0[command] = handler }
    }

    public var commands: [String] { handlers.withLock { $0.keys.sorted() } }

    func handler(for command: String) -> Handler? {
        handlers.withLock { $0[command] }
    }
}

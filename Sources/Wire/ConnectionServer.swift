import Core
import Glibc
import Synchronization

/// Accepts connections on a listener and runs a handler for each in its own task.
///
/// A handler never throws into the server: whatever one connection does, the others go on.
/// Shutdown is two steps: `stopAccepting()`, then (after a drain period) `closeAll()`; `run()`
/// returns once the listener is closed and every handler has returned.
public final class ConnectionServer: Sendable {
    public typealias Handler = @concurrent @Sendable (Connection) async -> Void

    public let name: String
    public let listener: Listener
    private let maxConnections: Int
    private let isAllowed: @Sendable (SocketAddress) -> Bool
    private let logger: Logger
    private let live = Mutex<[ObjectIdentifier: Connection]>([:])
    private let accepted = Atomic<Int>(0)

    /// - Parameters:
    ///   - maxConnections: connections past this are closed at once, with a warning.
    ///   - isAllowed: peers for which this is false are closed at once, with a warning.
    public init(
        name: String,
        listener: Listener,
        maxConnections: Int = 10_000,
        logger: Logger,
        isAllowed: @escaping @Sendable (SocketAddress) -> Bool = { _ in true }
    ) {
        self.name = name
        self.listener = listener
        self.maxConnections = maxConnections
        self.logger = logger
        self.isAllowed = isAllowed
    }

    /// Connections being handled now.
    public var activeConnections: Int { live.withLock { $0.count } }

    /// Connections accepted since start.
    public var acceptedConnections: Int { accepted.load(ordering: .relaxed) }

    public func run(handler: @escaping Handler) async {
        // Accepting on the listener's own loop: a new connection is taken without a thread hop.
        await withTaskExecutorPreference(listener.loop) { await self.accept(handler: handler) }
    }

    private func accept(handler: @escaping Handler) async {
        await withDiscardingTaskGroup { group in
            while let connection = await acceptNext() {
                let key = ObjectIdentifier(connection)
                live.withLock { $0[key] = connection }
                // On the connection's own loop: readiness resumes the handler without a thread hop.
                group.addTask(executorPreference: connection.loop) {
                    await handler(connection)
                    self.live.withLock { _ = $0.removeValue(forKey: key) }
                    connection.close()
                }
            }
        }
    }

    /// Stops accepting; connections already accepted go on.
    public func stopAccepting() {
        listener.close()
    }

    /// Shuts every live connection down; their handlers read end-of-file and finish.
    public func closeAll() {
        for connection in live.withLock({ Array($0.values) }) {
            connection.shutdown()
        }
    }

    /// The next connection that may be served, or nil once the listener is closed or the task cancelled.
    private func acceptNext() async -> Connection? {
        while true {
            let connection: Connection
            do {
                connection = try await listener.accept()
            } catch ConnectionError.closed {
                return nil
            } catch is CancellationError {
                return nil
            } catch let error as SocketError where [EMFILE, ENFILE, ENOBUFS, ENOMEM].contains(error.errno) {
                // Out of descriptors or memory: say so and retry shortly rather than spin or give up.
                logger.error("accept failed, retrying", ["listener": name, "error": "\(error)"])
                try? await Task.sleep(for: .milliseconds(50))
                continue
            } catch {
                // ECONNABORTED and the like concern one would-be peer only.
                logger.warning("accept failed", ["listener": name, "error": "\(error)"])
                continue
            }
            accepted.add(1, ordering: .relaxed)
            guard isAllowed(connection.peer) else {
                logger.warning("refused connection from a peer not allowed", ["listener": name, "peer": "\(connection.peer)"])
                connection.close()
                continue
            }
            guard activeConnections < maxConnections else {
                logger.warning("refused connection: too many connections", ["listener": name, "limit": "\(maxConnections)"])
                connection.close()
                continue
            }
            return connection
        }
    }
}

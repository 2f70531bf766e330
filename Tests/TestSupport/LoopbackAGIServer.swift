import AGI
import Core
import Wire

/// A FastAGI server on 127.0.0.1 (a free port, loopback peers allowed), serving until stopped.
public struct LoopbackAGIServer: Sendable {
    public let server: AGIServer
    public let task: Task<Void, Never>

    public init(router: AGIRouter, logger: Logger = .silent, limits: AGIServer.Limits = .init()) throws {
        let server = AGIServer(
            listener: try Listener(bind: try SocketAddress(host: "127.0.0.1", port: 0)),
            allow: [try AddressRange(parsing: "127.0.0.0/8")], router: router, limits: limits, logger: logger
        )
        self.server = server
        task = Task { await server.run() }
    }

    /// One handler for `script`.
    public init(script: String, logger: Logger = .silent, limits: AGIServer.Limits = .init(), handler: @escaping AGIRouter.Handler) throws {
        let router = AGIRouter()
        router.register(script, handler)
        try self.init(router: router, logger: logger, limits: limits)
    }

    public var address: SocketAddress { server.localAddress }

    /// Stops accepting and waits until every session has ended.
    public func finish() async {
        server.stopAccepting()
        await task.value
    }

    /// Stops at once: no new sessions, the open ones closed.
    public func stop() {
        server.stopAccepting()
        server.closeAll()
        task.cancel()
    }
}

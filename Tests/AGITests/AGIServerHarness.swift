import AGI
import Core
import TestSupport
import Wire

/// An AGI server on 127.0.0.1 with one handler for the script `inbound`, the script every
/// transcript was recorded with.
struct AGIServerHarness {
    let server: AGIServer
    let task: Task<Void, Never>

    init(logger: Logger = .silent, limits: AGIServer.Limits = .init(), handler: @escaping AGIRouter.Handler) throws {
        let router = AGIRouter()
        router.register("inbound", handler)
        server = AGIServer(
            listener: try Listener(bind: try SocketAddress(host: "127.0.0.1", port: 0)),
            allow: [try AddressRange(parsing: "127.0.0.0/8")],
            router: router, limits: limits, logger: logger
        )
        let server = server
        task = Task { await server.run() }
    }

    func replay(_ name: String) async throws {
        try await TranscriptReplay.play(try Transcript(name), against: server.localAddress)
    }

    /// Stops the server after every session has ended.
    func finish() async {
        server.stopAccepting()
        await task.value
    }
}

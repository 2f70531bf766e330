import AGI
import Core
import TestSupport
import Wire

/// An AGI server on 127.0.0.1 with one handler for the script `inbound`, the script every
/// transcript was recorded with.
struct AGIServerHarness {
    let loopback: LoopbackAGIServer
    var server: AGIServer { loopback.server }

    init(logger: Logger = .silent, limits: AGIServer.Limits = .init(), handler: @escaping AGIRouter.Handler) throws {
        loopback = try LoopbackAGIServer(script: "inbound", logger: logger, limits: limits, handler: handler)
    }

    func replay(_ name: String) async throws {
        try await TranscriptReplay.play(try Transcript(name), against: loopback.address)
    }

    /// Stops the server after every session has ended.
    func finish() async { await loopback.finish() }
}

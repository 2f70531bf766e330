import Core
import Glibc
import Testing
@testable import Wire

/// A peer that writes without TCP_NODELAY (Asterisk's FastAGI and AMI) sends a small write only
/// once its last one is acknowledged. A connection that read something and waits for more
/// without answering must acknowledge at once, or the peer's next line sits out our delayed ACK.
@Suite(.timeLimit(.minutes(1))) struct QuickAckTests {
    /// Milliseconds between the peer's two back-to-back lines arriving, the fastest of `trials`.
    func secondLineDelay(quickAck: Bool, trials: Int = 5) async throws -> Double {
        let listener = try Listener(bind: try SocketAddress(host: "127.0.0.1", port: 0), quickAck: quickAck)
        defer { listener.close() }
        let peer = try await Connection.connect(to: listener.localAddress)
        defer { peer.close() }
        // As Asterisk: Nagle on.
        try Socket.setOption(peer.fd, level: Int32(IPPROTO_TCP), name: TCP_NODELAY, value: 0, "setsockopt(TCP_NODELAY)")
        let server = try await listener.accept()
        defer { server.close() }
        var reader = FramedReader(connection: server)
        // A conversation first, so the kernel has left its quick-ACK start and delays ACKs.
        for index in 0..<30 {
            try await peer.write("reply \(index)\n")
            _ = try await reader.readLine(deadline: .after(.seconds(5)))
            try await server.write("command\n")
            _ = try await peer.read(deadline: .after(.seconds(5)))
        }
        var fastest = Double.infinity
        for _ in 0..<trials {
            // Two small writes back to back: the second waits for the first one's ACK.
            try await peer.write("HANGUP\n")
            try await peer.write("200 result=-1\n")
            #expect(try await reader.readLine(deadline: .after(.seconds(5))) == "HANGUP")
            let first = MonotonicTime.now()
            #expect(try await reader.readLine(deadline: .after(.seconds(5))) == "200 result=-1")
            fastest = min(fastest, first.secondsElapsed * 1000)
            try await server.write("command\n")
            _ = try await peer.read(deadline: .after(.seconds(5)))
        }
        return fastest
    }

    @Test func aLineHeldByNagleIsReleasedByAnAckAtOnce() async throws {
        let delay = try await secondLineDelay(quickAck: true)
        // Without the ACK it is Linux's delayed-ACK minimum, 40 ms (seen when `quickAck` is false).
        #expect(delay < 20, "second line came \(delay) ms after the first")
    }
}

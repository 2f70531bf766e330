import Core
import Synchronization
import Testing
@testable import Wire

/// Reads of lines in place and writes that wait, over a real connected pair on loopback.
@Suite(.timeLimit(.minutes(1))) struct ConnectionIOTests {
    /// A connected pair: a client and the server side the listener accepted.
    struct Pair {
        let client: Connection
        let server: Connection
        let listener: Listener

        func close() {
            client.close()
            server.close()
            listener.close()
        }
    }

    func pair() async throws -> Pair {
        let listener = try Listener(bind: try SocketAddress(host: "127.0.0.1", port: 0))
        async let accepted = listener.accept()
        let client = try await Connection.connect(to: listener.localAddress)
        return Pair(client: client, server: try await accepted, listener: listener)
    }

    @Test func linesAreGivenInPlaceAndAParsersErrorEndsTheRead() async throws {
        let connected = try await pair()
        defer { connected.close() }
        let (client, server) = (connected.client, connected.server)
        try await client.write("200 result=1 (x)\r\nHANGUP\nnot AGI\n")
        var reader = FramedReader(connection: server)
        var lines: [String] = []
        for _ in 0..<2 {
            #expect(try await reader.readLine(deadline: .after(.seconds(5))) { lines.append(String(decoding: $0, as: UTF8.self)) })
        }
        #expect(lines == ["200 result=1 (x)", "HANGUP"])
        struct NotAGI: Error {}
        await #expect(throws: NotAGI.self) {
            _ = try await reader.readLine(deadline: .after(.seconds(5))) { _ in throw NotAGI() }
        }
        client.shutdownWrite()
        // The line the parser refused was taken; what follows is the end of the stream.
        #expect(try await reader.readLine(deadline: .after(.seconds(5))) { _ in Issue.record("no line expected") } == false)
    }

    @Test func aWriteStartsWhereItIsToldReadsItsDeadlineOnlyWhenItHasToWaitAndTimesOutByIt() async throws {
        let connected = try await pair()
        defer { connected.close() }
        let (client, server) = (connected.client, connected.server)
        let evaluated = Atomic<Int>(0)
        func deadline(_ duration: Duration) -> MonotonicTime {
            evaluated.add(1, ordering: .relaxed)
            return .after(duration)
        }
        try await client.write(Array("--short\n".utf8), from: 2, deadline: deadline(.seconds(5)))
        #expect(evaluated.load(ordering: .relaxed) == 0)
        var reader = FramedReader(connection: server)
        #expect(try await reader.readLine(deadline: .after(.seconds(5))) == "short")
        // The server never reads: the socket buffers fill and the write waits out its deadline.
        let started = MonotonicTime.now()
        do {
            try await client.write([UInt8](repeating: 0x41, count: 64 << 20), deadline: deadline(.milliseconds(300)))
            Issue.record("64 MB went to a peer that reads nothing")
        } catch ConnectionError.timedOut {
        }
        #expect(evaluated.load(ordering: .relaxed) == 1)
        #expect(MonotonicTime.now().nanoseconds - started.nanoseconds < 5_000_000_000)
    }
}

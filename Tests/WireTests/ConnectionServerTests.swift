import Core
import Glibc
import Synchronization
import Testing
@testable import Wire

/// Line echo over real sockets on loopback: what every protocol server in Switchboard stands on.
@Suite(.timeLimit(.minutes(1))) struct ConnectionServerTests {
    /// Echoes each line back; drops a peer that stays silent for `idle`.
    static func echoHandler(idle: Duration, events: EventLog) -> ConnectionServer.Handler {
        { connection in
            var reader = FramedReader(connection: connection, framer: Framer(maxLineLength: 1024))
            do {
                while let line = try await reader.readLine(deadline: .after(idle)) {
                    try await connection.write("echo: \(line)\n")
                }
                events.append("eof")
            } catch {
                events.append("\(error)")
            }
        }
    }

    func startEcho(
        at address: SocketAddress = try! SocketAddress(host: "127.0.0.1", port: 0),
        idle: Duration = .seconds(30),
        events: EventLog
    ) throws -> (ConnectionServer, Task<Void, Never>) {
        let server = ConnectionServer(name: "echo", listener: try Listener(bind: address), logger: .silent)
        let task = Task { await server.run(handler: Self.echoHandler(idle: idle, events: events)) }
        return (server, task)
    }

    /// The flaky drop of talking clients, made certain: a loop that runs late (a loaded machine)
    /// wakes with more ready connections than one epoll_wait returns (512) and every deadline
    /// past. Those not in the batch have their data waiting all the same: none may time out.
    @Test func aLateLoopTimesOutNoConnectionWhoseDataIsWaiting() async throws {
        let group = EventLoopGroup(count: 1)
        let loop = group.next()
        let listener = try Listener(bind: try SocketAddress(host: "127.0.0.1", port: 0), group: group)
        defer { listener.close() }
        let count = 600
        var clients: [Connection] = []
        var servers: [Connection] = []
        for _ in 0..<count {
            clients.append(try await Connection.connect(to: listener.localAddress))
            servers.append(try await listener.accept())
        }
        let outcomes = EventLog()
        let deadline = MonotonicTime.after(.seconds(1))
        let reads = servers.map { connection in
            Task(executorPreference: loop) {
                do {
                    let bytes = try await connection.read(deadline: deadline)
                    outcomes.append(bytes.isEmpty ? "eof" : "data")
                } catch {
                    outcomes.append("\(error)")
                }
            }
        }
        try await Task.sleep(for: .milliseconds(300))
        // The loop's thread is held past every deadline; the clients write meanwhile.
        let stall = Task(executorPreference: loop) { usleep(1_500_000) }
        try await Task.sleep(for: .milliseconds(100))
        for client in clients { try await client.write("x") }
        _ = await stall.value
        for read in reads { _ = await read.value }
        let seen = outcomes.all
        #expect(seen.count == count)
        #expect(seen.filter { $0 != "data" }.isEmpty, "\(seen.filter { $0 != "data" }.count) of \(count) timed out: \(Set(seen))")
        for connection in clients + servers { connection.close() }
    }

    @Test func hundredsOfConcurrentClientsWhileOneResetsAndOneStaysSilent() async throws {
        let events = EventLog()
        // Long enough that a busy test machine never starves a talking client past it.
        let (server, task) = try startEcho(idle: .seconds(2), events: events)
        let address = server.listener.localAddress

        // A client that never sends: the idle timeout must drop it.
        let silent = try await Connection.connect(to: address)
        // A client that resets mid-line.
        let resetter = try await Connection.connect(to: address)
        try await resetter.write("half a li")
        resetter.withResetOnClose()
        resetter.close()

        try await withThrowingTaskGroup(of: Void.self) { group in
            for client in 0..<300 {
                group.addTask {
                    let connection = try await Connection.connect(to: address)
                    var reader = FramedReader(connection: connection)
                    for message in 0..<20 {
                        try await connection.write("client \(client) message \(message)\n")
                        let reply = try await reader.readLine(deadline: .after(.seconds(10)))
                        #expect(reply == "echo: client \(client) message \(message)")
                    }
                    connection.close()
                }
            }
            try await group.waitForAll()
        }

        // The silent client is closed by the server: it reads end-of-file.
        let end = try await silent.read(deadline: .after(.seconds(5)))
        #expect(end.isEmpty)
        silent.close()

        // run() returns once every handler has: then their outcomes are all in.
        server.stopAccepting()
        await task.value
        #expect(server.activeConnections == 0)
        #expect(server.acceptedConnections == 302)
        let seen = events.all
        #expect(seen.count == 302)
        #expect(seen.filter { $0 == "read timed out" }.count == 1)
        #expect(seen.filter { $0.contains("Connection reset") || $0.contains("mid-message") }.count == 1)
        #expect(seen.filter { $0 == "eof" }.count == 300)
    }

    @Test func oversizedLineClosesThatConnectionOnly() async throws {
        let events = EventLog()
        let (server, task) = try startEcho(events: events)
        let address = server.listener.localAddress
        let flooder = try await Connection.connect(to: address)
        let polite = try await Connection.connect(to: address)
        try await flooder.write([UInt8](repeating: 0x41, count: 5000))
        // Closed with bytes it never read, the server's side may answer with a reset instead of a FIN.
        do {
            #expect(try await flooder.read(deadline: .after(.seconds(5))).isEmpty)
        } catch {
            #expect("\(error)".contains("Connection reset"))
        }
        var reader = FramedReader(connection: polite)
        try await polite.write("still here\n")
        #expect(try await reader.readLine(deadline: .after(.seconds(5))) == "echo: still here")
        #expect(events.all.contains("line longer than 1024 bytes"))
        flooder.close()
        polite.close()
        server.stopAccepting()
        await task.value
    }

    @Test func peerThatHalfClosesStillGetsItsReplies() async throws {
        let events = EventLog()
        let (server, task) = try startEcho(events: events)
        let client = try await Connection.connect(to: server.listener.localAddress)
        try await client.write("one\ntwo\n")
        client.shutdownWrite()
        var reader = FramedReader(connection: client)
        #expect(try await reader.readLine(deadline: .after(.seconds(5))) == "echo: one")
        #expect(try await reader.readLine(deadline: .after(.seconds(5))) == "echo: two")
        #expect(try await reader.readLine(deadline: .after(.seconds(5))) == nil)
        client.close()
        server.stopAccepting()
        await task.value
    }

    @Test func peerClosingMidLineIsReportedAsSuch() async throws {
        let events = EventLog()
        let (server, task) = try startEcho(events: events)
        let client = try await Connection.connect(to: server.listener.localAddress)
        try await client.write("200 result=0\n200 res")
        client.shutdownWrite()
        var reader = FramedReader(connection: client)
        #expect(try await reader.readLine(deadline: .after(.seconds(5))) == "echo: 200 result=0")
        #expect(try await reader.readLine(deadline: .after(.seconds(5))) == nil)
        client.close()
        server.stopAccepting()
        await task.value
        #expect(events.all == ["peer closed the connection mid-message (7 bytes unterminated)"])
    }

    @Test func ipv6AndUnixDomainListeners() async throws {
        let path = "/tmp/switchboard-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).sock"
        defer { unlink(path) }
        for address in [try SocketAddress(host: "::1", port: 0), .unix(path: path)] {
            let events = EventLog()
            let (server, task) = try startEcho(at: address, events: events)
            let client = try await Connection.connect(to: server.listener.localAddress)
            var reader = FramedReader(connection: client)
            try await client.write("hello\n")
            #expect(try await reader.readLine(deadline: .after(.seconds(5))) == "echo: hello")
            client.close()
            server.stopAccepting()
            await task.value
        }
    }

    /// The kernel says who is at the other end of a Unix-domain socket (SO_PEERCRED); a closed
    /// connection has no answer.
    @Test func aUnixPeersCredentialsAreKnown() async throws {
        let path = "/tmp/switchboard-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).sock"
        defer { unlink(path) }
        let listener = try Listener(bind: .unix(path: path))
        let server = ConnectionServer(name: "who", listener: listener, logger: .silent)
        let seen = EventLog()
        let task = Task {
            await server.run { connection in
                let credentials = connection.peerCredentials
                seen.append("\(credentials?.uid ?? 9999) \(credentials?.pid ?? 0)")
                connection.close()
            }
        }
        let client = try await Connection.connect(to: .unix(path: path))
        #expect(try await client.read(deadline: .after(.seconds(5))).isEmpty)
        #expect(seen.all == ["\(geteuid()) \(getpid())"])
        #expect(client.peerCredentials?.uid == geteuid())
        client.close()
        #expect(client.peerCredentials == nil)
        server.stopAccepting()
        await task.value
    }

    @Test func disallowedPeerIsClosedAtOnce() async throws {
        let events = EventLog()
        let server = ConnectionServer(
            name: "echo", listener: try Listener(bind: try SocketAddress(host: "127.0.0.1", port: 0)),
            logger: .silent, isAllowed: { _ in false }
        )
        let task = Task { await server.run(handler: Self.echoHandler(idle: .seconds(5), events: events)) }
        let client = try await Connection.connect(to: server.listener.localAddress)
        #expect(try await client.read(deadline: .after(.seconds(5))).isEmpty)
        #expect(events.all.isEmpty)
        client.close()
        server.stopAccepting()
        await task.value
    }

    @Test func closeAllEndsHandlersWaitingOnReads() async throws {
        let events = EventLog()
        let (server, task) = try startEcho(events: events)
        var clients: [Connection] = []
        for _ in 0..<10 { clients.append(try await Connection.connect(to: server.listener.localAddress)) }
        while server.activeConnections < 10 { await Task.yield() }
        server.stopAccepting()
        server.closeAll()
        await task.value
        #expect(events.all.filter { $0 == "eof" }.count == 10)
        for client in clients { client.close() }
    }

    @Test func connectToAClosedPortFailsWithErrno() async throws {
        let listener = try Listener(bind: try SocketAddress(host: "127.0.0.1", port: 0))
        let address = listener.localAddress
        listener.close()
        await #expect(throws: SocketError.self) { try await Connection.connect(to: address) }
        do {
            _ = try await Connection.connect(to: address)
        } catch let error as SocketError {
            #expect(error.errno == ECONNREFUSED)
            #expect(error.description.contains("connect(127.0.0.1:\(address.port!))"))
        }
    }

    @Test func cancelledReadEndsPromptly() async throws {
        let events = EventLog()
        let (server, task) = try startEcho(events: events)
        let client = try await Connection.connect(to: server.listener.localAddress)
        let reading = Task { try await client.read() }
        reading.cancel()
        await #expect(throws: CancellationError.self) { try await reading.value }
        client.close()
        server.stopAccepting()
        await task.value
    }
}

extension Connection {
    /// SO_LINGER with a zero timeout: close(2) then sends RST instead of FIN.
    func withResetOnClose() {
        var option = linger(l_onoff: 1, l_linger: 0)
        _ = try? withDescriptor { fd in
            setsockopt(fd, SOL_SOCKET, SO_LINGER, &option, socklen_t(MemoryLayout<linger>.size))
        }
    }
}

/// What the echo handlers saw, in order.
final class EventLog: Sendable {
    private let storage = Mutex<[String]>([])
    func append(_ event: String) { storage.withLock { $0.append(event) } }
    var all: [String] { storage.withLock { $0 } }
}

import AMI
import Core
import Simulator
import Synchronization
import TestSupport
import Testing
import Wire

/// The client against a simulated Asterisk on loopback: what transcripts cannot show.
@Suite(.timeLimit(.minutes(1))) struct AMIClientTests {
    /// A simulated Asterisk serving one account, and a client for it, both stopped after `body`.
    func withClient(
        secret: String = "s3cret",
        configure: (inout AMIClient.Settings) -> Void = { _ in },
        logger: Logger = .silent,
        _ body: (AMIClient, SimulatedAMIServer) async throws -> Void
    ) async throws {
        let asterisk = SimulatedAMIServer(
            listener: try Listener(bind: try SocketAddress(host: "127.0.0.1", port: 0)),
            accounts: ["switchboard": "s3cret"], logger: .silent
        )
        let serving = Task { await asterisk.run() }
        guard case .ipv4(_, let port) = asterisk.localAddress else { throw CancellationError() }
        var settings = AMIClient.Settings(host: "127.0.0.1", port: port, username: "switchboard", secret: Secret(secret))
        settings.backoff = Backoff(initial: .milliseconds(20), maximum: .milliseconds(100))
        configure(&settings)
        let client = AMIClient(settings: settings, logger: logger)
        let running = Task { await client.run() }
        try await body(client, asterisk)
        await client.stop()
        await running.value
        asterisk.stop()
        await serving.value
    }

    func until(_ what: String, timeout: Duration = .seconds(5), _ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while !condition() {
            guard ContinuousClock.now < deadline else {
                Issue.record("timed out waiting for \(what)")
                throw CancellationError()
            }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// The CoreShowChannel items Asterisk listed in ami-actions.log.
    static func recordedChannels() throws -> [AMIMessage] {
        let stream = try Transcript("ami-actions").binFile(.fromAsterisk)
        var framer = Framer()
        framer.append(stream)
        _ = try framer.nextLine()
        var items: [AMIMessage] = []
        while let block = try framer.nextBlock() {
            let message = AMIMessage(block: block)
            if message.firstValue == "CoreShowChannel" {
                items.append(AMIMessage(message.headers.filter { $0.name != "ActionID" }))
            }
        }
        return items
    }

    @Test func connectsWithMD5AndRebuildsTheTrackerFromCoreShowChannels() async throws {
        let channels = try Self.recordedChannels()
        try await withClient { client, asterisk in
            asterisk.setChannels(channels)
            try await until("connected") { client.status.state == "connected" }
            #expect(asterisk.actionsSeen.prefix(3) == ["Challenge", "Login", "CoreShowChannels"])
            #expect(client.channels.map(\.uniqueID) == ["1795460347.34", "1795460347.35"])
            asterisk.broadcast(AMIMessage([("Event", "Hangup"), ("Channel", "Local/5551234@from-trunk-00000011;2"), ("Uniqueid", "1795460347.35"),
                                           ("Linkedid", "1795460347.34"), ("Cause", "16"), ("Cause-txt", "Normal Clearing")]))
            try await until("the hangup applied") { client.channels.count == 1 }
            #expect(client.tracker.ended.last?.hangupCause == 16)
        }
    }

    @Test func aRestartFailsPendingActionsAndTheClientResyncs() async throws {
        try await withClient { client, asterisk in
            let feed = client.subscribe(name: "test")
            try await until("connected") { client.status.state == "connected" }
            asterisk.setAnswersPing(false)
            async let unanswered = asyncErrorText { _ = try await client.send(.ping(), timeout: .seconds(30)) }
            try await until("the ping sent") { asterisk.actionsSeen.contains("Ping") }
            asterisk.setChannels(try Self.recordedChannels())
            asterisk.dropSessions()
            let failure = await unanswered
            #expect(failure?.hasPrefix("AMI connection lost:") == true)
            try await until("reconnected") { client.status.connects == 2 && client.status.state == "connected" }
            #expect(asterisk.actionsSeen.filter { $0 == "CoreShowChannels" }.count == 2)
            #expect(client.channels.count == 2)
            var signals: [String] = []
            for await item in feed {
                switch item {
                case .connected(let reconnect): signals.append(reconnect ? "reconnected" : "connected")
                case .disconnected: signals.append("disconnected")
                default: break
                }
                if signals.count == 3 { break }
            }
            #expect(signals == ["connected", "disconnected", "reconnected"])
        }
    }

    @Test func aStalledSubscriberSlowsNobody() async throws {
        let total = 100_000
        try await withClient { client, asterisk in
            try await until("connected") { client.status.state == "connected" }
            let stalled = client.subscribe(name: "stalled", buffer: 1000)
            let reading = client.subscribe(name: "reading", buffer: total)
            let received = Task {
                var count = 0
                for await item in reading {
                    if case .event = item { count += 1 }
                    if count == total { break }
                }
                return count
            }
            let event = AMIMessage([("Event", "VarSet"), ("Privilege", "dialplan,all"), ("Variable", "X"), ("Value", "1")])
            for index in 0..<total {
                asterisk.broadcast(event)
                // Let the other tests of the run have the cooperative pool now and then.
                if index % 1000 == 0 { await Task.yield() }
            }
            // The reader is not held up: an action answers while the stalled buffer is full.
            _ = try await client.send(.ping(), timeout: .seconds(5))
            #expect(await received.value == total)
            try await until("every event counted") { client.status.events >= total }
            #expect(client.status.subscriberOverflows == 1)

            var iterator = stalled.makeAsyncIterator()
            var buffered = 0
            while buffered < 1001, let item = await iterator.next() {
                if case .event = item { buffered += 1 }
                if buffered == 1000 { break }
            }
            #expect(buffered == 1000)
            asterisk.broadcast(event)
            guard case .resync(let missed) = await iterator.next() else {
                Issue.record("expected a resync after the overflow")
                return
            }
            #expect(missed == total - 1000)
            guard case .event = await iterator.next() else {
                Issue.record("expected the event after the resync")
                return
            }
        }
    }

    @Test func aMissingPongMeansADeadConnection() async throws {
        try await withClient(configure: {
            $0.pingInterval = .milliseconds(50)
            $0.pongTimeout = .milliseconds(100)
        }) { client, asterisk in
            try await until("connected") { client.status.state == "connected" }
            asterisk.setAnswersPing(false)
            try await until("reconnected after the missing Pong") { client.status.connects >= 2 }
            asterisk.setAnswersPing(true)
        }
    }

    /// Events that pile up while the channel list is read past the limit: that picture cannot be
    /// trusted, so the connection is tried again, with the reason in the status.
    @Test func tooManyEventsDuringTheChannelListMeanTryAgain() async throws {
        // Asterisk sends FullyBooted right after the login, before the list is in.
        try await withClient(configure: { $0.resyncBufferLimit = 0 }) { client, _ in
            try await until("the refusal") { client.status.detail.contains("events arrived while the channel list was read") }
            #expect(client.status.state == "retrying")
            #expect(client.status.connects == 0)
        }
    }

    @Test func aWrongSecretIsReportedAndNeverLogged() async throws {
        let sink = MemoryLogSink()
        try await withClient(secret: "wrong-secret-value", logger: Logger(label: "test", level: .trace, sink: sink)) { client, _ in
            try await until("the refusal", timeout: .seconds(5)) { client.status.detail.contains("Authentication failed") }
            #expect(client.status.state == "retrying")
            let failure = await asyncErrorText { _ = try await client.send(.ping()) }
            #expect(failure?.hasPrefix("AMI not connected (") == true)
        }
        #expect(sink.records.contains { $0.message.contains("AMI connection failed: AMI login failed: Authentication failed") })
        #expect(!sink.lines.contains { $0.contains("wrong-secret-value") })
    }
}

/// A peer that is not a well-behaved Asterisk: oversized blocks, garbage, a wrong banner.
@Suite(.timeLimit(.minutes(1))) struct AMIHostilePeerTests {
    func withPeer(_ peer: @escaping @Sendable (Connection) async throws -> Void, _ body: (SocketAddress) async throws -> Void) async throws {
        let listener = try Listener(bind: try SocketAddress(host: "127.0.0.1", port: 0))
        let serving = Task {
            let connection = try await listener.accept()
            defer { connection.close() }
            try await peer(connection)
        }
        try await body(listener.localAddress)
        serving.cancel()
        listener.close()
    }

    @Test func aTenMegabyteHeaderBlockEndsTheConnectionWithAClearReason() async throws {
        try await withPeer({ connection in
            try await connection.write("Asterisk Call Manager/9.0.0\r\n")
            let line = Array("Output: ".utf8) + [UInt8](repeating: 0x41, count: 1000) + [0x0D, 0x0A]
            for _ in 0..<10_000 { try await connection.write(line) }
        }) { address in
            let ami = try await AMIConnection.connect(to: address, logger: .silent) { _ in }
            async let pending = asyncErrorText { _ = try await ami.send(.ping(), timeout: .seconds(20)) }
            let reason = await ami.closed()
            #expect(reason.contains("message larger than 1048576 bytes"))
            #expect(await pending?.hasPrefix("AMI connection lost: message larger than") == true)
        }
    }

    @Test func garbageIsSkippedAndAnswersStillMatch() async throws {
        try await withPeer({ connection in
            try await connection.write("Asterisk Call Manager/9.0.0\r\n")
            var reader = FramedReader(connection: connection)
            let action = AMIMessage(block: try await reader.readBlock()!)
            try await connection.write([0x00, 0xFF, 0xFE, 0x0D, 0x0A, 0x0D, 0x0A] + Array("no colon at all\r\n\r\nResponse: Success\r\nActionID: not-ours\r\n\r\n".utf8))
            try await connection.write(AMIMessage([("Response", "Success"), ("ActionID", action.actionID!), ("Ping", "Pong")]).encoded)
            _ = try await reader.readBlock()
        }) { address in
            let ami = try await AMIConnection.connect(to: address, logger: .silent) { _ in }
            let pong = try await ami.send(.ping())
            #expect(pong.message["Ping"] == "Pong")
            #expect(ami.isOpen)
            ami.close()
        }
    }

    @Test func somethingElseOnThePortIsNamed() async throws {
        try await withPeer({ connection in
            try await connection.write("HTTP/1.1 400 Bad Request\r\n\r\n")
        }) { address in
            let failure = await asyncErrorText { _ = try await AMIConnection.connect(to: address, logger: .silent) { _ in } }
            #expect(failure == "not an Asterisk manager interface (first line: \"HTTP/1.1 400 Bad Request\")")
        }
    }
}

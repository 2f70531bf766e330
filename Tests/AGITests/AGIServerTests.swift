import Core
import Foundation
import Glibc
import Synchronization
import TestSupport
import Testing
import Wire
@testable import AGI

/// The server's behaviour with peers that do not behave like the transcripts.
@Suite(.timeLimit(.minutes(1))) struct AGIServerTests {
    static let environment: [UInt8] = {
        // The environment block exactly as Asterisk sent it in agi-errors.
        let bytes = (try? Transcript("agi-errors").chunks(.fromAsterisk).prefix(2).joined()).map(Array.init) ?? []
        return bytes
    }()

    /// A fake Asterisk on one connection: sends the environment, then answers what it is asked.
    struct FakeAsterisk {
        let connection: Connection
        var reader: FramedReader

        init(_ address: SocketAddress, environment: [UInt8] = AGIServerTests.environment) async throws {
            connection = try await Connection.connect(to: address)
            reader = FramedReader(connection: connection)
            if !environment.isEmpty { try await connection.write(environment) }
        }

        mutating func expect(_ command: String) async throws {
            let line = try await reader.readLine(deadline: .after(.seconds(5)))
            #expect(line == command)
        }

        func send(_ text: String) async throws { try await connection.write(text) }

        /// Expects `command`, answering the NOOPs a wake writes again while a command runs
        /// first, as Asterisk does (each is run, and answered, in turn).
        mutating func expectAnsweringNoops(_ command: String) async throws {
            while true {
                let line = try await reader.readLine(deadline: .after(.seconds(5)))
                if line == "NOOP" {
                    try await send("200 result=0\n")
                    continue
                }
                #expect(line == command)
                return
            }
        }

        /// The server closed: end-of-file, or a reset when it closed with our bytes unread.
        mutating func expectClosed() async throws {
            do {
                #expect(try await reader.readLine(deadline: .after(.seconds(5))) == nil)
            } catch let error as SocketError where error.errno == ECONNRESET {
                return
            }
        }

        /// Answers as Asterisk does on a dead channel until the server closes: variables work,
        /// everything else gets 511.
        mutating func answerAsDeadChannel(variables: inout [String: String]) async throws {
            while let line = try await reader.readLine(deadline: .after(.seconds(5))) {
                let words = parseAGIArguments(line)
                if line.hasPrefix("SET VARIABLE") {
                    variables[words[2]] = words[3]
                    try await send("200 result=1\n")
                } else if line.hasPrefix("GET VARIABLE") {
                    try await send(variables[words[2]].map { "200 result=1 (\($0))\n" } ?? "200 result=0\n")
                } else {
                    try await send("511 Command Not Permitted on a dead channel or intercept routine\n")
                }
            }
        }
    }

    @Test func unknownScriptGetsAVerboseLineAndAHangup() async throws {
        let sink = MemoryLogSink()
        let harness = try AGIServerHarness(logger: Logger(label: "agi", sink: sink)) { _ in }
        var asterisk = try await FakeAsterisk(harness.server.localAddress, environment: Self.environment(script: "nowhere/at-all"))
        try await asterisk.expect(#"VERBOSE "Switchboard: no handler for AGI script 'nowhere/at-all'; hanging up" 1"#)
        try await asterisk.send("200 result=1\n")
        try await asterisk.expect("HANGUP")
        try await asterisk.send("200 result=1\nHANGUP\n")
        try await asterisk.expectClosed()
        asterisk.connection.close()
        await harness.finish()
        #expect(sink.lines.contains { $0.contains("no handler for AGI script; hanging up") && $0.contains("script=nowhere/at-all") })
        #expect(harness.server.failedSessions == 1)
    }

    @Test func aThrowingHandlerEndsItsCallCleanlyAndTheServerGoesOn() async throws {
        struct Boom: Error {}
        let sink = MemoryLogSink()
        let harness = try AGIServerHarness(logger: Logger(label: "agi", sink: sink)) { session in
            try await session.answer()
            throw Boom()
        }
        for _ in 0..<2 {
            var asterisk = try await FakeAsterisk(harness.server.localAddress)
            try await asterisk.expect("ANSWER")
            try await asterisk.send("200 result=0\n")
            try await asterisk.expect("HANGUP")
            try await asterisk.send("200 result=1\n")
            try await asterisk.expectClosed()
            asterisk.connection.close()
        }
        await harness.finish()
        #expect(harness.server.failedSessions == 2)
        #expect(sink.lines.filter { $0.contains("AGI handler failed; hanging up the call") && $0.contains("uniqueid=1795460266.7") }.count == 2)
    }

    @Test func hangupAtEveryPointOfASession() async throws {
        // Five commands; before replying to command k Asterisk says HANGUP and from then on
        // answers as for a dead channel. k = 5: no hangup.
        let commands = ["ANSWER", #"STREAM FILE welcome """#, "GET DATA menu 5000 1", #"SET VARIABLE CHOICE "1""#, #"SAY NUMBER 42 """#]
        let replies = ["200 result=0", "200 result=0 endpos=100", "200 result=1", "200 result=1", "200 result=0"]
        for hangupAt in 0...5 {
            let facts = Facts()
            let harness = try AGIServerHarness { session in
                await facts.outcome("flow") {
                    try await session.answer()
                    _ = try await session.streamFile("welcome")
                    _ = try await session.getData("menu", timeout: .seconds(5), maxDigits: 1)
                    try await session.setVariable("CHOICE", "1")
                    _ = try await session.sayNumber(42)
                }
                facts.note("variable", try? await session.getVariable("CHOICE"))
                facts.note("hangupReceived", session.hangupReceived)
            }
            var asterisk = try await FakeAsterisk(harness.server.localAddress)
            var variables: [String: String] = [:]
            for index in 0..<hangupAt {
                try await asterisk.expect(commands[index])
                if index == 3 { variables["CHOICE"] = "1" }
                try await asterisk.send(replies[index] + "\n")
            }
            if hangupAt < 5 {
                try await asterisk.send("HANGUP\n")
                try await asterisk.answerAsDeadChannel(variables: &variables)
            } else {
                try await asterisk.expect("GET VARIABLE CHOICE")
                try await asterisk.send("200 result=1 (1)\n")
                try await asterisk.expectClosed()
            }
            asterisk.connection.close()
            await harness.finish()
            #expect(facts["flow"] == (hangupAt == 5 ? "ok" : "\(AGIError.hangup)"), "hangup at \(hangupAt)")
            #expect(facts["variable"] == (hangupAt >= 3 ? "1" : "nil"), "hangup at \(hangupAt)")
            #expect(facts["hangupReceived"] == (hangupAt < 5 ? "true" : "false"), "hangup at \(hangupAt)")
        }
    }

    @Test func malformedOversizedAndTruncatedPeersAreDroppedAlone() async throws {
        let sink = MemoryLogSink()
        let facts = Facts()
        var limits = AGIServer.Limits()
        limits.maxLineLength = 4096
        // Short enough to test, long enough that a loaded machine never trips a well-behaved peer.
        limits.environmentDeadline = .seconds(2)
        let harness = try AGIServerHarness(logger: Logger(label: "agi", level: .debug, sink: sink), limits: limits) { session in
            await facts.outcome(session.environment.uniqueID) { try await session.answer() }
        }
        let address = harness.server.localAddress
        let garbage = try await FakeAsterisk(address, environment: Array("HELLO ASTERISK\n\n".utf8))
        // A 10 MB line. Its first bytes go with the connect (no wait in between: on a loaded
        // machine the test's task may sit longer than the deadline), and the server closes
        // the peer long before the rest arrives: that write fails, as it should.
        let huge = try await FakeAsterisk(address, environment: [UInt8](repeating: 0x61, count: 8192))
        try? await huge.connection.write([UInt8](repeating: 0x61, count: 10_000_000 - 8192))
        let silent = try await FakeAsterisk(address, environment: [])
        let slow = try await FakeAsterisk(address, environment: Array("agi_network: yes\n".utf8))
        var midCommand = try await FakeAsterisk(address)
        try await midCommand.expect("ANSWER")
        try await midCommand.send("200 res")
        midCommand.connection.close()
        var badReply = try await FakeAsterisk(address, environment: Self.environment(uniqueID: "bad.1"))
        try await badReply.expect("ANSWER")
        try await badReply.send("I am not AGI\n")
        for peer in [garbage, huge, silent, slow] {
            var peer = peer
            try await peer.expectClosed()
            peer.connection.close()
        }
        try await badReply.expectClosed()
        badReply.connection.close()
        // Meanwhile a well-behaved call is served.
        var good = try await FakeAsterisk(address, environment: Self.environment(uniqueID: "good.1"))
        try await good.expect("ANSWER")
        try await good.send("200 result=0\n")
        try await good.expectClosed()
        good.connection.close()
        await harness.finish()
        #expect(facts["good.1"] == "ok")
        #expect(facts["bad.1"] == "not an AGI reply: I am not AGI")
        #expect(facts["1795460266.7"] == "\(AGIError.connectionClosed)")
        // One warning for the first, one summary for the rest; each in detail at debug level.
        #expect(sink.lines.filter { $0.contains("dropped AGI connection before its environment") }.count == 1)
        #expect(sink.lines.filter { $0.contains("dropped 3 more AGI connections before their environment") }.count == 1)
        let details = sink.lines.filter { $0.contains("AGI connection closed before its environment") }
        #expect(details.count == 4)
        #expect(details.contains { $0.contains("malformed AGI environment line 1: 'HELLO ASTERISK'") })
        #expect(details.contains { $0.contains("line longer than 4096 bytes") })
        #expect(details.filter { $0.contains("read timed out") }.count == 2)
    }

    /// A port probe: a thousand connections that close at once make two log lines, not a thousand.
    @Test func aFloodOfConnectionsClosingEarlyIsOneSummary() async throws {
        let sink = MemoryLogSink()
        // However long a loaded machine takes over the thousand, it is one period.
        var limits = AGIServer.Limits()
        limits.earlyDropPeriod = .seconds(3600)
        let harness = try AGIServerHarness(logger: Logger(label: "agi", sink: sink), limits: limits) { _ in }
        for _ in 0..<1000 {
            let peer = try await Connection.connect(to: harness.server.localAddress)
            peer.close()
        }
        while harness.server.acceptedConnections < 1000 || harness.server.activeSessions > 0 { try await Task.sleep(for: .milliseconds(5)) }
        await harness.finish()
        #expect(sink.lines.filter { $0.contains("dropped AGI connection before its environment") }.count == 1)
        #expect(sink.lines.filter { $0.contains("dropped 999 more AGI connections before their environment") }.count == 1)
        #expect(sink.lines.count == 2)
    }

    /// A reply line that is not AGI (a probe's bytes) ends the session as a protocol error: no
    /// command is sent after it, the server logs it and counts the session failed.
    @Test func aReplyThatIsNotAGIEndsTheSession() async throws {
        let sink = MemoryLogSink()
        let facts = Facts()
        let harness = try AGIServerHarness(logger: Logger(label: "agi", sink: sink)) { session in
            await facts.outcome("stream") { _ = try await session.streamFile("welcome") }
            await facts.outcome("next") { try await session.verbose("still there?") }
            if let broken = session.protocolError { throw broken }
        }
        var asterisk = try await FakeAsterisk(harness.server.localAddress)
        try await asterisk.expect(#"STREAM FILE welcome """#)
        try await asterisk.connection.write([0x00, 0xFF] + Array(" garbage\n".utf8))
        try await asterisk.expectClosed()
        asterisk.connection.close()
        await harness.finish()
        #expect(facts["stream"]?.hasPrefix("not an AGI reply: ") == true)
        #expect(facts["next"] == facts["stream"])
        #expect(harness.server.failedSessions == 1)
        #expect(sink.lines.contains { $0.contains("AGI session ended: Asterisk's reply is not AGI") })
    }

    @Test func onlyAllowedPeersMayConnect() async throws {
        let router = AGIRouter()
        let served = Facts()
        router.register("inbound") { _ in served.note("served", true) }
        let server = AGIServer(
            listener: try Listener(bind: try SocketAddress(host: "127.0.0.1", port: 0)),
            allow: [try AddressRange(parsing: "10.0.0.0/8")], router: router, logger: .silent
        )
        let task = Task { await server.run() }
        var peer = try await FakeAsterisk(server.localAddress)
        try await peer.expectClosed()
        peer.connection.close()
        server.stopAccepting()
        await task.value
        #expect(served["served"] == nil)
    }

    @Test func manyConcurrentSessions() async throws {
        let harness = try AGIServerHarness { session in
            try await session.answer()
            for index in 0..<10 { try await session.setVariable("V\(index)", session.environment.uniqueID) }
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for call in 0..<500 {
                group.addTask {
                    var asterisk = try await FakeAsterisk(harness.server.localAddress, environment: Self.environment(uniqueID: "c.\(call)"))
                    try await asterisk.expect("ANSWER")
                    try await asterisk.send("200 result=0\n")
                    for index in 0..<10 {
                        try await asterisk.expect(#"SET VARIABLE V\#(index) "c.\#(call)""#)
                        try await asterisk.send("200 result=1\n")
                    }
                    try await asterisk.expectClosed()
                    asterisk.connection.close()
                }
            }
            try await group.waitForAll()
        }
        await harness.finish()
        #expect(harness.server.finishedSessions == 500)
        #expect(harness.server.activeSessions == 0)
    }

    static func environment(script: String = "inbound", uniqueID: String = "1795460266.7") -> [UInt8] {
        Array("""
            agi_network: yes
            agi_network_script: \(script)
            agi_request: agi://127.0.0.1:4573/\(script)
            agi_channel: Local/5551234@from-trunk-00000003;2
            agi_uniqueid: \(uniqueID)
            agi_accountcode: \("")
            agi_threadid: 140682335794880


            """.utf8)
    }
}

extension AGIServerTests {
    /// After a -1, only HANGUP may arrive before the next command; anything else is named.
    /// A wake writes a NOOP on the socket. Asterisk (seen on 20.20.1) ends WAIT FOR DIGIT with
    /// `200 result=1` and then answers the NOOP; a stopped STREAM FILE sends no reply, only the
    /// NOOP's. A wake that comes between commands ends the next wait at once.
    @Test func aWakeEndsAHoldOrAnAnnouncementAtOnce() async throws {
        let facts = Facts()
        let harness = try AGIServerHarness { session in
            let wake = session.wake
            let waking = Task {
                try await Task.sleep(for: .milliseconds(50))
                wake.wake()
            }
            await facts.outcome("hold") { facts.note("hold-result", try await session.hold(timeout: .seconds(30))) }
            _ = await waking.result
            let again = Task {
                try await Task.sleep(for: .milliseconds(50))
                wake.wake()
            }
            await facts.outcome("announce") { facts.note("announce-result", try await session.announce("queue-thereare", escapeDigits: "*")) }
            _ = await again.result
            wake.wake()
            await facts.outcome("early") { facts.note("early-result", try await session.hold(timeout: .seconds(30))) }
            await facts.outcome("key") { facts.note("key-result", try await session.hold(timeout: .seconds(30))) }
        }
        var asterisk = try await FakeAsterisk(harness.server.localAddress)
        try await asterisk.expect("WAIT FOR DIGIT 30000")
        try await asterisk.expect("NOOP")
        try await asterisk.send("200 result=1\n200 result=0\n")
        // A loaded machine may write the NOOP again before those replies arrive: each is answered.
        try await asterisk.expectAnsweringNoops(#"STREAM FILE queue-thereare "*""#)
        try await asterisk.expect("NOOP")
        try await asterisk.send("200 result=0\n")
        try await asterisk.expectAnsweringNoops("WAIT FOR DIGIT 30000")
        try await asterisk.expect("NOOP")
        try await asterisk.send("200 result=1\n200 result=0\n")
        try await asterisk.expectAnsweringNoops("WAIT FOR DIGIT 30000")
        try await asterisk.send("200 result=42\n")
        try await asterisk.expectClosed()
        asterisk.connection.close()
        await harness.finish()
        #expect(facts["hold-result"] == "woken")
        #expect(facts["announce-result"] == "woken")
        #expect(facts["early-result"] == "woken")
        #expect(facts["key-result"] == "key(\"*\")")
        #expect(facts["key"] == "ok")
    }

    /// A hold or an announcement that fails names the command Asterisk refused: the session
    /// keeps only a command's name while it waits for the reply.
    @Test func aFailedHoldOrAnnouncementNamesItsCommand() async throws {
        let facts = Facts()
        let harness = try AGIServerHarness { session in
            session.hangupGrace = .milliseconds(20)
            await facts.outcome("hold") { _ = try await session.hold(timeout: .seconds(30)) }
            await facts.outcome("announce") { _ = try await session.announce("queue-thereare", escapeDigits: "*") }
            await facts.outcome("missing") { _ = try await session.announce("no-such-prompt", escapeDigits: "") }
        }
        var asterisk = try await FakeAsterisk(harness.server.localAddress)
        try await asterisk.expect("WAIT FOR DIGIT 30000")
        try await asterisk.send("510 Invalid or unknown command\n")
        try await asterisk.expect(#"STREAM FILE queue-thereare "*""#)
        try await asterisk.send("520-Invalid command syntax.  Proper usage follows:\nUsage: STREAM FILE\n520 End of proper usage.\n")
        try await asterisk.expect(#"STREAM FILE no-such-prompt """#)
        try await asterisk.send("200 result=-1 endpos=0\n")
        try await asterisk.expectClosed()
        asterisk.connection.close()
        await harness.finish()
        #expect(facts["hold"] == "\(AGIError.invalidCommand(command: "WAIT FOR DIGIT"))")
        #expect(facts["announce"] == "\(AGIError.usage(command: "STREAM FILE", help: ["Usage: STREAM FILE"]))")
        #expect(facts["missing"] == "\(AGIError.commandFailed(command: "STREAM FILE", result: "-1"))")
    }

    /// Inside `sensitive { }` nothing of the input reaches a log, even at trace level: the key
    /// that stops a prompt, those read one by one, a command carrying the value; after it, logs
    /// are whole again.
    @Test func aSensitiveScopeMasksEveryCommandAndReplyInIt() async throws {
        let sink = MemoryLogSink()
        let facts = Facts()
        let harness = try AGIServerHarness(logger: Logger(label: "agi", level: .trace, sink: sink)) { session in
            await facts.outcome("read") {
                try await session.sensitive {
                    facts.note("first", try await session.streamFile("custom/enter-card", escapeDigits: "0123456789").digit)
                    facts.note("next", try await session.waitForDigit(timeout: .seconds(5)))
                    try await session.setVariable("CARD_COPY", "47")
                }
                facts.note("open", try await session.waitForDigit(timeout: .seconds(5)))
            }
        }
        var asterisk = try await FakeAsterisk(harness.server.localAddress)
        try await asterisk.expect(#"STREAM FILE custom/enter-card "0123456789""#)
        try await asterisk.send("200 result=52 endpos=4000\n")
        try await asterisk.expect("WAIT FOR DIGIT 5000")
        try await asterisk.send("200 result=55\n")
        try await asterisk.expect(#"SET VARIABLE CARD_COPY "47""#)
        try await asterisk.send("200 result=1\n")
        try await asterisk.expect("WAIT FOR DIGIT 5000")
        try await asterisk.send("200 result=57\n")
        try await asterisk.expectClosed()
        asterisk.connection.close()
        await harness.finish()
        #expect(facts["first"] == "4" && facts["next"] == "7" && facts["open"] == "9")
        let replies = sink.lines.filter { $0.contains("←") }
        #expect(replies.filter { $0.contains("(sensitive reply masked)") }.count == 3)
        #expect(!sink.lines.contains { $0.contains("result=52") || $0.contains("result=55") || $0.contains("\"47\"") })
        #expect(sink.lines.contains { $0.contains("→ SET VARIABLE (sensitive: arguments masked)") })
        #expect(replies.contains { $0.contains("result=57") })
    }

    @Test func unexpectedLineAfterMinusOneIsAProtocolViolation() async throws {
        let facts = Facts()
        let harness = try AGIServerHarness { session in
            await facts.outcome("stream") { _ = try await session.streamFile("welcome") }
        }
        var asterisk = try await FakeAsterisk(harness.server.localAddress)
        try await asterisk.expect(#"STREAM FILE welcome """#)
        try await asterisk.send("200 result=-1 endpos=0\nSURPRISE\n")
        try await asterisk.expectClosed()
        asterisk.connection.close()
        await harness.finish()
        #expect(facts["stream"] == "not an AGI reply: unexpected line 'SURPRISE' between commands")
    }
}

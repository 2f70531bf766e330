import AMI
import Core
import Simulator
import TestSupport
import Testing
import Wire

/// The simulated manager interface against the recorded logins: the recorded client's bytes
/// sent to it, its answers compared with Asterisk's after normalising what differs between two
/// sessions (challenge, times, session id, ports, uptime).
///
/// The call transcripts (ami-call-*, ami-queue-call, ami-actions) are not compared here: the
/// simulator does not generate Asterisk's full event sequences for calls yet.
@Suite(.timeLimit(.minutes(1))) struct AMIConformanceTests {
    @Test(arguments: ["ami-login-plain", "ami-login-md5", "ami-login-bad", "ami-login-bad-md5"])
    func loginsAnswerAsAsteriskDid(name: String) async throws {
        let transcript = try Transcript(name)
        let asterisk = SimulatedAMIServer(
            listener: try Listener(bind: try SocketAddress(host: "127.0.0.1", port: 0)),
            accounts: ["switchboard": "lab-secret"], logger: .silent
        )
        asterisk.setNextChallenge(175_416_284)
        let serving = Task { await asterisk.run() }
        defer {
            asterisk.stop()
            serving.cancel()
        }
        let connection = try await Connection.connect(to: asterisk.localAddress)
        defer { connection.close() }
        var reader = FramedReader(connection: connection)
        var expected = ""
        var received = ""
        func readUntilExpected() async throws {
            // Count LF bytes: "\r\n" is one Character in Swift.
            while received.utf8.filter({ $0 == 10 }).count < expected.utf8.filter({ $0 == 10 }).count {
                guard let line = try await reader.readLine(deadline: .after(.seconds(5))) else { break }
                received += line + "\r\n"
            }
        }
        for (direction, bytes) in transcript.chunks {
            switch direction {
            case .fromAsterisk: expected += String(decoding: bytes, as: UTF8.self)
            case .fromApp:
                try await readUntilExpected()
                try await connection.write(bytes)
            }
        }
        try await readUntilExpected()
        #expect(try await reader.readLine(deadline: .after(.seconds(5))) == nil, "Asterisk closes the session here")
        #expect(Self.normalised(received) == Self.normalised(expected))
    }

    static func normalised(_ text: String) -> String {
        text.replacing(/Challenge: [0-9]+/, with: "Challenge: <n>")
            .replacing(/Timestamp: [0-9.]+/, with: "Timestamp: <t>")
            .replacing(/(EventTV|SessionTV): [0-9T:.+-]+/) { "\($0.1): <tv>" }
            .replacing(/SessionID: 0x[0-9a-f]+/, with: "SessionID: <id>")
            .replacing(/(Local|Remote)Address: IPV4\/TCP\/127\.0\.0\.1\/[0-9]+/) { "\($0.1)Address: IPV4/TCP/127.0.0.1/<port>" }
            .replacing(/(Uptime|LastReload): [0-9]+/) { "\($0.1): <s>" }
    }
}

/// The call events the simulator raises carry Asterisk's headers in Asterisk's order: each must
/// have the headers, in order, of an event of the same name in the recorded calls (Asterisk
/// sends some in two shapes: a DialBegin from an Originate has no calling channel).
///
/// What the simulator does not raise, for want of a dialplan engine: VarSet, Newexten for every
/// dialplan priority (it raises the one that starts AGI), LocalBridge and the Local ;1 half,
/// NewCallerid/NewConnectedLine, SoftHangupRequest/HangupRequest, MusicOnHold*, Queue*/Agent*
/// (Switchboard routes calls itself), so the recorded call sequences are not replayed as a whole.
@Suite(.timeLimit(.minutes(1))) struct AMIEventShapeTests {
    @Test func everyRaisedEventHasAsteriskHeaderOrder() async throws {
        var recorded: [String: Set<[String]>] = [:]
        for name in try Transcript.names(prefix: "ami-call") + ["ami-queue-call", "ami-actions"] {
            var framer = Framer()
            framer.append(try Transcript(name).binFile(.fromAsterisk))
            _ = try framer.nextLine()
            while let block = try framer.nextBlock() {
                let message = AMIMessage(block: block)
                guard message.kind == .event, let event = message.firstValue, message.actionID == nil else { continue }
                recorded[event, default: []].insert(message.headers.map(\.name))
            }
        }
        let raised = try await SimulatedOriginateTests.eventsOfACallThatReachesAnAgent()
        var compared = 0
        for event in raised {
            guard let shapes = recorded[event.name] else { continue }
            #expect(shapes.contains(event.message.headers.map(\.name)), "\(event.name): \(event.message.headers.map(\.name)) is not one of \(shapes)")
            compared += 1
        }
        #expect(Set(raised.map(\.name)).isSuperset(of: ["Newchannel", "Newexten", "AGIExecStart", "AGIExecEnd", "DialBegin", "DialEnd", "BridgeCreate", "BridgeEnter", "BridgeLeave", "DeviceStateChange", "Hangup"]))
        #expect(compared > 20)
    }
}

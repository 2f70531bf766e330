import Core
import Foundation
import Simulator
import Synchronization
import TestSupport
import Testing
import Wire

/// Each agi-*.log scenario replayed through the simulator: the recorded app's commands are sent
/// to a simulated channel driven as the lab drove the real call, and every byte the simulator
/// sends must equal what Asterisk sent — after normalising what differs by nature between two
/// runs of the same call (uniqueids, thread ids, Local channel sequence numbers).
///
/// Differences that cannot be avoided: none in these scenarios. (Usage texts exist only for the
/// commands agi-errors.log shows; other commands' 520 blocks would say "Proper usage not available".)
@Suite(.timeLimit(.minutes(2))) struct AGIConformanceTests {
    /// How the lab drove each call (the capture README), in seconds after the channel answered.
    static let scenarios: [String: (caller: CallerScript, endpoints: [String: EndpointBehaviour])] = [
        "agi-basic-ivr": (CallerScript(presses: [(4, "1234#")]), [:]),
        "agi-sip-basic-ivr": (CallerScript(presses: [(4, "789#")]), [:]),
        "agi-caller-hangup": (CallerScript(hangupAfter: 4), [:]),
        "agi-idle-hangup": (CallerScript(hangupAfter: 3), [:]),
        "agi-exit-on-hangup": (CallerScript(hangupAfter: 4, exitOnHangup: true), [:]),
        "agi-getdata-timeout": (CallerScript(presses: [(4, "12")]), [:]),
        "agi-errors": (CallerScript(), [:]),
        "agi-exec-dial": (CallerScript(), ["Local/1010@agents": .answers(after: 0, talk: 4.4)]),
        "agi-full": (CallerScript(presses: [(4, "42#")]), ["Local/1001@agents": .answers(after: 0, talk: 31.4)]),
        // A Redirect during EXEC Wait looks exactly like a hang-up on the AGI socket.
        "agi-redirected": (CallerScript(hangupAfter: 4.1), [:]),
        "agi-dial-outcomes": (CallerScript(hangupAfter: 30), [
            "Local/1099@agents": .busy, "Local/1098@agents": .noAnswer, "Local/1010@agents": .answers(after: 0, talk: 4.4),
            "Local/1002@agents": .answers(after: 0, talk: 31.4),
        ]),
    ]

    @Test func everyAGITranscriptHasAScenario() throws {
        #expect(Set(try Transcript.names(prefix: "agi-")) == Set(Self.scenarios.keys))
    }

    @Test(arguments: Array(scenarios.keys).sorted())
    func simulatorSendsWhatAsteriskSent(name: String) async throws {
        let transcript = try Transcript(name)
        let scenario = try #require(Self.scenarios[name])
        let listener = try Listener(bind: try SocketAddress(host: "127.0.0.1", port: 0))
        defer { listener.close() }
        let channel = SimulatedAGIChannel(try Self.setup(from: transcript, scenario.caller, scenario.endpoints))
        let running = Task { try await channel.run(server: listener.localAddress) }

        let connection = try await listener.accept()
        var reader = FramedReader(connection: connection)
        var received = ""
        var expected = ""
        for (direction, bytes) in transcript.chunks {
            let text = String(decoding: bytes, as: UTF8.self)
            switch direction {
            case .fromAsterisk:
                expected += text
            case .fromApp:
                received += try await Self.readLines(&reader, until: expected.filter { $0 == "\n" }.count - received.filter { $0 == "\n" }.count)
                try await connection.write(bytes)
            }
        }
        received += try await Self.readLines(&reader, until: expected.filter { $0 == "\n" }.count - received.filter { $0 == "\n" }.count)
        if transcript.asteriskClosed {
            #expect(try await reader.readLine(deadline: .after(.seconds(5))) == nil, "Asterisk closed the socket here")
        }
        connection.close()
        _ = try await running.value
        let ours = Self.normalised(received).split(separator: "\n", omittingEmptySubsequences: false)
        let asterisks = Self.normalised(String(decoding: try transcript.binFile(.fromAsterisk), as: UTF8.self)).split(separator: "\n", omittingEmptySubsequences: false)
        let firstDifference = zip(ours, asterisks).enumerated().first { $0.element.0 != $0.element.1 }
        #expect(ours == asterisks, "first difference at line \(firstDifference?.offset ?? min(ours.count, asterisks.count) + 1): simulator \(String(describing: firstDifference?.element.0)), Asterisk \(String(describing: firstDifference?.element.1))")
    }

    /// The channel the transcript shows (its identity comes from the recorded environment; what
    /// the simulator must get right is the format and everything after it).
    static func setup(from transcript: Transcript, _ caller: CallerScript, _ endpoints: [String: EndpointBehaviour]) throws -> SimulatedAGIChannel.Setup {
        let head = String(decoding: transcript.chunks(.fromAsterisk).joined(), as: UTF8.self)
        var fields: [String: String] = [:]
        var arguments: [String] = []
        for line in head.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.isEmpty { break }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = String(line[..<colon].dropFirst(4))
            let value = String(line[line.index(colon, offsetBy: 2)...])
            if key.hasPrefix("arg_") { arguments.append(value) } else { fields[key] = value }
        }
        func known(_ key: String) -> String? { fields[key] == "unknown" ? nil : fields[key] }
        var identity = ChannelIdentity(
            channel: fields["channel"]!, type: fields["type"]!, uniqueID: fields["uniqueid"]!,
            context: fields["context"]!, exten: fields["extension"]!
        )
        identity.callerIDNumber = known("callerid")
        identity.callerIDName = known("calleridname")
        identity.dnid = known("dnid")
        identity.rdnis = known("rdnis")
        identity.priority = Int(fields["priority"]!)!
        identity.threadID = fields["threadid"]!
        var setup = SimulatedAGIChannel.Setup(identity: identity, host: "127.0.0.1:4573", script: fields["network_script"]!)
        setup.arguments = arguments
        // The lab's [inbound] ran Answer() before AGI().
        setup.answered = true
        setup.caller = caller
        setup.endpoints = endpoints
        // The channel's time moves only while it waits, or while the app idles with a hang-up
        // due; at five times real time a busy machine's pauses in the replay stay harmless.
        setup.clock = SimulationClock(scale: 5)
        // agi-idle-hangup: the caller hangs up on an idle app; no need to wait the full grace for it.
        setup.idleGrace = .seconds(1)
        setup.recordingPath = { _ in nil }
        setup.nextChannelName = { "\($0)-0000000c;1" }
        return setup
    }

    /// res_agi watches the AGI socket during WAIT FOR DIGIT (a line arriving ends it with
    /// `result=1`, as seen on Asterisk 20.20.1), but reads commands through a buffered stream: a
    /// line sent in the same write as the command is already read with it, and ends nothing.
    @Test func aLineEndsAWaitOnlyWhenItReachesTheSocketOnItsOwn() async throws {
        let listener = try Listener(bind: try SocketAddress(host: "127.0.0.1", port: 0))
        defer { listener.close() }
        var identity = ChannelIdentity(channel: "Local/4008@inbound-00000001;2", type: "Local", uniqueID: "1796000000.1", context: "inbound", exten: "4008")
        identity.callerIDNumber = "13800138000"
        var setup = SimulatedAGIChannel.Setup(identity: identity, host: "127.0.0.1:4573", script: "inbound")
        setup.answered = true
        setup.clock = SimulationClock(scale: 10)
        let running = StartedCommands()
        setup.onCommand = { command, reply in if reply == nil { running.note(command) } }
        let channel = SimulatedAGIChannel(setup)
        let session = Task { try await channel.run(server: listener.localAddress) }
        let connection = try await listener.accept()
        var reader = FramedReader(connection: connection)
        while let line = try await reader.readLine(deadline: .after(.seconds(10))), !line.isEmpty {}
        // Together: the NOOP is in res_agi's buffer; the wait runs its 3 s out.
        let started = ContinuousClock.now
        try await connection.write("WAIT FOR DIGIT 3000\nNOOP\n")
        #expect(try await reader.readLine(deadline: .after(.seconds(10))) == "200 result=0")
        #expect(try await reader.readLine(deadline: .after(.seconds(10))) == "200 result=0")
        #expect(ContinuousClock.now - started >= .milliseconds(250))
        // Apart: the NOOP reaches the socket while the wait runs, and ends it.
        try await connection.write("WAIT FOR DIGIT 30000\n")
        while !running.all.contains("WAIT FOR DIGIT 30000") { try await Task.sleep(for: .milliseconds(5)) }
        try await connection.write("NOOP\n")
        #expect(try await reader.readLine(deadline: .after(.seconds(2))) == "200 result=1")
        #expect(try await reader.readLine(deadline: .after(.seconds(2))) == "200 result=0")
        connection.close()
        _ = try? await session.value
    }

    static func readLines(_ reader: inout FramedReader, until count: Int) async throws -> String {
        var text = ""
        for _ in 0..<max(0, count) {
            guard let line = try await reader.readLine(deadline: .after(.seconds(60))) else { break }
            text += line + "\n"
        }
        return text
    }

    /// What differs between two runs of the same call.
    static func normalised(_ text: String) -> String {
        text.replacing(/[0-9]{10}\.[0-9]+/, with: "<uniqueid>")
            .replacing(/agi_threadid: [0-9]+/, with: "agi_threadid: <thread>")
            .replacing(/-[0-9a-f]{8};/, with: "-<seq>;")
    }
}

/// The commands a simulated channel has started, in order.
final class StartedCommands: Sendable {
    private let commands = Mutex<[String]>([])
    func note(_ command: String) { commands.withLock { $0.append(command) } }
    var all: [String] { commands.withLock { $0 } }
}

import AGI
import AMI
import Core
import Foundation
import Simulator
import Synchronization
import TestSupport
import Testing
import Wire

/// The simulator driving the real FastAGI server: what a flow sees is what Asterisk would give it.
@Suite(.timeLimit(.minutes(1))) struct SimulatorEndToEndTests {
    final class Seen: Sendable {
        let values = Mutex<[String: String]>([:])
        func note(_ key: String, _ value: String) { values.withLock { $0[key] = value } }
        subscript(key: String) -> String? { values.withLock { $0[key] } }
    }

    func serve(_ handler: @escaping AGIRouter.Handler, _ body: (SocketAddress) async throws -> Void) async throws {
        let agi = try LoopbackAGIServer(script: "ivr", handler: handler)
        defer { agi.stop() }
        try await body(agi.address)
    }

    func setup(script: String = "ivr/main", caller: CallerScript = CallerScript(), scale: Double = 20) -> SimulatedAGIChannel.Setup {
        var identity = ChannelIdentity(channel: "PJSIP/trunk-00000007", type: "PJSIP", uniqueID: "1795470000.7", context: "switchboard-inbound", exten: "4008")
        identity.callerIDNumber = "13800138000"
        identity.callerIDName = "Zhou Min"
        identity.dnid = "4008"
        var setup = SimulatedAGIChannel.Setup(identity: identity, host: "127.0.0.1:4573", script: script)
        setup.caller = caller
        setup.clock = SimulationClock(scale: scale)
        return setup
    }

    @Test func aMenuChoiceAnAgentDialAndARecording() async throws {
        let folder = NSTemporaryDirectory() + "sim-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let seen = Seen()
        try await serve({ session in
            seen.note("caller", session.environment.callerIDNumber ?? "")
            seen.note("dnid", session.environment.dnid ?? "")
            try await session.answer()
            let choice = try await session.getData("custom/main-menu", timeout: .seconds(5), maxDigits: 1)
            seen.note("choice", choice.digits)
            _ = try await session.exec("MixMonitor", ["\(folder)/\(session.environment.uniqueID).wav"])
            let dial = try await session.dial("PJSIP/1001", timeout: 20)
            seen.note("dial", "\(dial.rawStatus ?? "-") \(dial.answeredSeconds.map(String.init) ?? "-") \(dial.dialedPeerName ?? "-")")
        }) { address in
            // The caller presses 2 while the menu plays.
            var setup = setup(caller: CallerScript(presses: [(1, "2")]))
            setup.endpoints = ["PJSIP/1001": .answers(after: 3, talk: 12)]
            setup.nextChannelName = { "\($0)-0000002a" }
            let outcome = try await SimulatedAGIChannel(setup).run(server: address)
            #expect(outcome.dialStatuses == ["ANSWER"])
            #expect(outcome.recordings == ["\(folder)/1795470000.7.wav"])
        }
        #expect(seen["caller"] == "13800138000")
        #expect(seen["dnid"] == "4008")
        #expect(seen["choice"] == "2")
        #expect(seen["dial"] == "ANSWER 12 PJSIP/1001-0000002a")
        let wav = try Data(contentsOf: URL(fileURLWithPath: "\(folder)/1795470000.7.wav"))
        #expect(wav.prefix(4) == Data("RIFF".utf8))
        #expect(wav[8..<16] == Data("WAVEfmt ".utf8))
        #expect(wav[24..<28] == Data([0x40, 0x1F, 0, 0]))  // 8000 Hz
        #expect(wav[34] == 16)                              // 16-bit
        let seconds = Double(wav.count - 44) / 16000
        #expect(seconds == 15)                               // ringing and talk, as MixMonitor records them
    }

    /// An AMI Redirect (or Hangup) reaches the flow as a hang-up, and variables stay readable.
    @Test func aRedirectLooksLikeAHangupToTheFlow() async throws {
        let seen = Seen()
        let channel = SimulatedAGIChannel(setup())
        try await serve({ session in
            try await session.answer()
            seen.note("answered", "yes")
            // Wait ends early with -1, and the HANGUP line follows.
            seen.note("wait", String(try await session.exec("Wait", ["12"])))
            seen.note("hangup", String(try await session.awaitHangup(within: .seconds(5))))
            seen.note("channel", try await session.getVariable("CHANNEL") ?? "nil")
        }) { address in
            async let outcome = channel.run(server: address)
            while seen["answered"] == nil { try await Task.sleep(for: .milliseconds(5)) }
            try await Task.sleep(for: .milliseconds(20))
            channel.hangUp(reason: "redirect")
            #expect(try await outcome.endedBy == "redirect")
        }
        #expect(seen["wait"] == "-1")
        #expect(seen["hangup"] == "true")
        #expect(seen["channel"] == "PJSIP/trunk-00000007")
    }

    @Test func theSameSeedRecordsTheSameAudio() {
        #expect(WAVFile.speechLike(seconds: 2, seed: 7) == WAVFile.speechLike(seconds: 2, seed: 7))
        #expect(WAVFile.speechLike(seconds: 2, seed: 7) != WAVFile.speechLike(seconds: 2, seed: 8))
        #expect(WAVFile.speechLike(seconds: 2, seed: 7).count == 44 + 32000)
    }
}

/// The simulated PBX with its manager interface, the real AMI client and the real FastAGI server.
@Suite(.timeLimit(.minutes(1))) struct SimulatedPBXTests {
    @Test func theClientTracksACallAndARedirectEndsItsFlow() async throws {
        let router = AGIRouter()
        let flowSaw = SimulatorEndToEndTests.Seen()
        router.register("ivr") { session in
            try await session.setVariable("FLOW_NODE", "main-menu")
            let waited = try await session.exec("Wait", ["60"])
            flowSaw.note("wait", String(waited))
        }
        let agi = try LoopbackAGIServer(router: router)
        let asterisk = SimulatedAMIServer(listener: try Listener(bind: try SocketAddress(host: "127.0.0.1", port: 0)), accounts: ["switchboard": "s3cret"], logger: .silent)
        let amiServing = Task { await asterisk.run() }
        var configuration = SimulatedPBX.Configuration(agiServer: agi.address)
        configuration.clock = SimulationClock(scale: 10)
        let recordings = NSTemporaryDirectory() + "pbx-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: recordings) }
        configuration.recordingsFolder = recordings
        let pbx = SimulatedPBX(configuration, ami: asterisk)
        guard case .ipv4(_, let port) = asterisk.localAddress else { return }
        let client = AMIClient(settings: AMIClient.Settings(host: "127.0.0.1", port: port, username: "switchboard", secret: Secret("s3cret")), logger: .silent)
        let clientRunning = Task { await client.run() }
        defer {
            agi.stop()
            asterisk.stop()
            amiServing.cancel()
        }
        while client.status.state != "connected" { try await Task.sleep(for: .milliseconds(5)) }

        async let outcome = pbx.call(from: "13800138000", name: "Zhou Min", dnis: "4008", caller: CallerScript())
        while client.channels.first?.application == nil { try await Task.sleep(for: .milliseconds(5)) }
        let live = try #require(client.channels.first)
        #expect(live.snapshot.callerIDNumber == "13800138000")
        #expect(live.snapshot.exten == "4008")
        #expect(live.application == "AGI")
        var node = ""
        for _ in 0..<400 where node != "main-menu" {
            node = try await client.send(.getvar(channel: live.snapshot.channel, variable: "FLOW_NODE")).value ?? ""
            if node != "main-menu" { try await Task.sleep(for: .milliseconds(5)) }
        }
        #expect(node == "main-menu")
        _ = try await client.send(.mixMonitor(channel: live.snapshot.channel, file: "/var/spool/asterisk/monitor/\(live.uniqueID).wav"))
        _ = try await client.send(.redirect(channel: live.snapshot.channel, context: "agents", exten: "1001"))
        let ended = try await outcome
        #expect(ended.endedBy == "redirect")
        #expect(ended.recordings == ["\(recordings)/\(live.uniqueID).wav"])
        while !client.channels.isEmpty { try await Task.sleep(for: .milliseconds(5)) }
        #expect(client.tracker.ended.last?.hangupCause == 16)
        #expect(flowSaw["wait"] == "-1")
        await client.stop()
        await clientRunning.value
    }
}

/// Originate through the manager interface, and the events of a call that reaches an agent.
@Suite(.timeLimit(.minutes(1))) struct SimulatedOriginateTests {
    @Test func anOriginatedCallRunsTheScriptAndRaisesDialAndBridgeEvents() async throws {
        let events = try await Self.eventsOfACallThatReachesAnAgent()
        var tracker = ChannelTracker()
        for event in events { tracker.apply(event) }
        let caller = try #require(tracker.ended.first { $0.snapshot.channel.hasPrefix("Local/4008@from-trunk-") })
        #expect(caller.snapshot.callerIDName == "Zhou Min")
        #expect(caller.snapshot.exten == "4008")
        #expect(caller.dialStatus == "ANSWER")
        #expect(caller.dialed.count == 1)
        let names = events.map(\.name)
        for expected in ["Newchannel", "Newexten", "AGIExecStart", "AGIExecEnd", "DialBegin", "DialEnd", "BridgeCreate", "BridgeEnter", "BridgeLeave", "DeviceStateChange", "Hangup"] {
            #expect(names.contains(expected), "\(expected)")
        }
        #expect(names.firstIndex(of: "DialBegin")! < names.firstIndex(of: "BridgeEnter")!)
    }

    /// Originate of `Local/4008@from-trunk` from "Zhou Min" into a script that dials an agent who
    /// answers: every event a manager session saw, to the caller's hang-up.
    static func eventsOfACallThatReachesAnAgent() async throws -> [AMIEvent] {
        let router = AGIRouter()
        router.register("ivr") { session in _ = try await session.dial("PJSIP/1001", timeout: 20) }
        let agi = try LoopbackAGIServer(router: router)
        let asterisk = SimulatedAMIServer(listener: try Listener(bind: try SocketAddress(host: "127.0.0.1", port: 0)), accounts: ["switchboard": "s3cret"], logger: .silent)
        let amiServing = Task { await asterisk.run() }
        var configuration = SimulatedPBX.Configuration(agiServer: agi.address)
        configuration.clock = SimulationClock(scale: 50)
        configuration.endpoints = ["PJSIP/1001": .answers(after: 2, talk: 10)]
        let pbx = SimulatedPBX(configuration, ami: asterisk)
        defer {
            withExtendedLifetime(pbx) {}
            agi.stop()
            asterisk.stop()
            amiServing.cancel()
        }
        let events = EventCollector()
        let client = try await AMIConnection.connect(to: asterisk.localAddress, logger: .silent) { events.append($0) }
        try await client.login(username: "switchboard", secret: Secret("s3cret"))
        let originated = try await client.send(.originate(channel: "Local/4008@from-trunk", context: "from-trunk", exten: "4008", priority: 1, callerID: "\"Zhou Min\" <13800138000>"))
        #expect(originated.completion?["Response"] == "Success")
        let deadline = ContinuousClock.now + .seconds(10)
        while events.names.filter({ $0 == "Hangup" }).count < 2, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        client.close()
        return events.all
    }
}

extension SimulatedOriginateTests {
    /// Originate of a phone (a callback's agent leg): Success names the channel made, failures
    /// give Asterisk's reasons, and the phone's device state follows.
    @Test func anOriginatedPhoneAnswersOrFailsAsAsteriskSays() async throws {
        let asterisk = SimulatedAMIServer(listener: try Listener(bind: try SocketAddress(host: "127.0.0.1", port: 0)), accounts: ["switchboard": "s3cret"], logger: .silent)
        let amiServing = Task { await asterisk.run() }
        defer {
            asterisk.stop()
            amiServing.cancel()
        }
        var configuration = SimulatedPBX.Configuration(agiServer: try SocketAddress(host: "127.0.0.1", port: 9))
        configuration.clock = SimulationClock(scale: 50)
        configuration.endpoints = ["PJSIP/1001": .answers(after: 1, talk: 5), "PJSIP/1002": .busy, "PJSIP/1003": .noAnswer]
        let pbx = SimulatedPBX(configuration, ami: asterisk)
        defer { withExtendedLifetime(pbx) {} }
        let events = EventCollector()
        let client = try await AMIConnection.connect(to: asterisk.localAddress, logger: .silent) { events.append($0) }
        defer { client.close() }
        try await client.login(username: "switchboard", secret: Secret("s3cret"))
        func originate(_ phone: String) -> AMIAction {
            .originate(channel: phone, context: "switchboard-callback", exten: "13800138000", priority: 1, callerID: "\"Callback\" <13800138000>", timeout: .seconds(2))
        }
        let answered = try await client.send(originate("PJSIP/1001"))
        #expect(answered.completion?["Channel"]?.hasPrefix("PJSIP/1001-") == true)
        #expect(answered.completion?["CallerIDNum"] == "13800138000")
        #expect(answered.completion?["Reason"] == "4")
        #expect(await asyncErrorText { _ = try await client.send(originate("PJSIP/1002")) }?.contains("originate PJSIP/1002 busy (reason 5)") == true)
        #expect(await asyncErrorText { _ = try await client.send(originate("PJSIP/1003")) }?.contains("originate PJSIP/1003 no answer (reason 3)") == true)
        #expect(await asyncErrorText { _ = try await client.send(originate("PJSIP/1009")) }?.contains("originate PJSIP/1009 failed (reason 0)") == true)
        let states = events.all.compactMap { event -> String? in
            if case .deviceStateChange(let device, let state) = event.kind, device == "PJSIP/1001" { return state } else { return nil }
        }
        #expect(states.starts(with: ["RINGING", "INUSE"]))
    }

    @Test func digitsTheFlowHearsAreDTMFEvents() async throws {
        let router = AGIRouter()
        router.register("ivr") { session in
            try await session.answer()
            _ = try await session.getData("custom/menu", timeout: .seconds(3), maxDigits: 3)
        }
        let agi = try LoopbackAGIServer(router: router)
        let asterisk = SimulatedAMIServer(listener: try Listener(bind: try SocketAddress(host: "127.0.0.1", port: 0)), accounts: ["switchboard": "s3cret"], logger: .silent)
        let amiServing = Task { await asterisk.run() }
        defer {
            agi.stop()
            asterisk.stop()
            amiServing.cancel()
        }
        var configuration = SimulatedPBX.Configuration(agiServer: agi.address)
        configuration.clock = SimulationClock(scale: 50)
        let pbx = SimulatedPBX(configuration, ami: asterisk)
        let events = EventCollector()
        let client = try await AMIConnection.connect(to: asterisk.localAddress, logger: .silent) { events.append($0) }
        try await client.login(username: "switchboard", secret: Secret("s3cret"))
        _ = try await pbx.call(from: "13800138000", dnis: "4008", caller: CallerScript(presses: [(1, "42#")]))
        let deadline = ContinuousClock.now + .seconds(5)
        while !events.names.contains("Hangup"), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        let digits = events.all.compactMap { event -> String? in
            if case .dtmf(_, let digit, _, let received) = event.kind, received { return digit } else { return nil }
        }
        #expect(digits == ["4", "2", "#"])
        #expect(events.names.filter { $0 == "DTMFBegin" }.count == 3)
    }
}

/// Events a connection delivered.
final class EventCollector: Sendable {
    private let events = Mutex<[AMIEvent]>([])
    func append(_ read: [AMIEvent]) { events.withLock { $0.append(contentsOf: read) } }
    var all: [AMIEvent] { events.withLock { $0 } }
    var names: [String] { all.map(\.name) }
}

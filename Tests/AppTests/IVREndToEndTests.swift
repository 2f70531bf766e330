import AGI
import Core
import Foundation
import IVR
import Simulator
import Store
import Testing
import Wire
@testable import App

/// The shipped flows over the real FastAGI server, with simulated callers pressing keys.
@Suite(.timeLimit(.minutes(1))) struct IVREndToEndTests {
    final class Center {
        let folder = temporaryPath("ivr-e2e")
        var store: Store!
        var server: AGIServer!
        var serving: Task<Void, Never>?

        /// The sample flows, a store with two agents and a VIP, on a Tuesday at 10:00 UTC.
        func start() async throws {
            try FileManager.default.createDirectory(atPath: folder + "/recordings", withIntermediateDirectories: true)
            store = try await Store.open(path: folder + "/sb.db", plan: PhoneNumberPlan(countryCode: "86", maximumNationalLength: 11))
            try await store.addAgent(Agent(id: "1001", name: "Li Wei", endpoint: "PJSIP/1001", skills: ["sales": 3]))
            try await store.addAgent(Agent(id: "1002", name: "Ann", endpoint: "PJSIP/1002", skills: ["support": 4]))
            try await store.addCustomer(CustomerDraft(name: "Zhou Min", phones: ["+86 139 0000 0001"], vipTier: 2, language: "zh"))
            let flowsFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../dialplans/ivr").standardized.path
            let library = FlowLibrary(folder: flowsFolder, sounds: nil, logger: .silent)
            library.reload()
            var settings = CallCenter.Settings(recordingsFolder: folder + "/recordings")
            settings.loginAtStart = true
            settings.clock = { Date(timeIntervalSince1970: 1_795_514_400) }
            settings.pace = 50
            let center = CallCenter(store: store, agents: try await store.agents(), queues: [:], flows: library, ami: nil, settings: settings, logger: .silent)
            let router = AGIRouter()
            center.register(in: router)
            let server = AGIServer(
                listener: try Listener(bind: try SocketAddress(host: "127.0.0.1", port: 0)),
                allow: [try AddressRange(parsing: "127.0.0.0/8")], router: router, logger: .silent
            )
            self.server = server
            serving = Task { await server.run() }
        }

        func pbx(sounds: SoundLibrary = SoundLibrary()) -> SimulatedPBX {
            var configuration = SimulatedPBX.Configuration(agiServer: server.localAddress)
            configuration.clock = SimulationClock(scale: 50)
            configuration.script = "ivr/main"
            configuration.recordingsFolder = folder + "/recordings"
            configuration.sounds = sounds
            configuration.endpoints = [
                "PJSIP/1001": .answers(after: 2, talk: 30), "PJSIP/1002": .answers(after: 3, talk: 60), "PJSIP/operator": .busy,
            ]
            return SimulatedPBX(configuration)
        }

        func stop() {
            server.stopAccepting()
            serving?.cancel()
            store.close()
            try? FileManager.default.removeItem(atPath: folder)
        }

        func record(_ outcome: SimulatedAGIChannel.Outcome) async throws -> CallRecord? {
            let uniqueID = try #require(outcome.variables["UNIQUEID"])
            return try await store.finishedCall(number: outcome.variables["CALLERID(num)"] ?? "", uniqueID: uniqueID)
        }
    }

    @Test func englishThenSalesReachesTheSalesAgent() async throws {
        let center = Center()
        try await center.start()
        defer { center.stop() }
        // 2 (English) while the language menu plays, then 1 (sales) at the main menu.
        let outcome = try await center.pbx().call(from: "13800138000", dnis: "4008", caller: CallerScript(presses: [(1, "2"), (5, "1")]))
        // AGI() leaves the channel ringing: the flow answers before its first prompt.
        #expect(outcome.channelAnsweredAt == 0)
        #expect(outcome.commands.first == "ANSWER")
        #expect(outcome.unheardPrompts == 0)
        #expect(outcome.answeredBy == "PJSIP/1001")
        #expect(outcome.variables["CHANNEL(language)"] == "en")
        let call = try #require(try await center.record(outcome))
        #expect(call.flow == "main")
        #expect(call.outcome == .answered)
        #expect(call.agentID == "1001")
        // Without AMI the answer is dated from Dial's ANSWEREDTIME: 30 simulated seconds of talk,
        // 0.6 s real (seconds on a loaded machine; never the 30 of the calls' own clock).
        let talk = try #require(call.talkSeconds)
        #expect(talk > 0.4 && talk < 20, "\(talk)")
        #expect(call.answeredAt! > call.queuedAt!)
        let nodes = try await center.store.callEvents(callID: call.id!).compactMap { $0.kind == .node ? $0.node : nil }
        // The agent hung up first: the caller stayed in the flow for the post-call survey.
        #expect(nodes == ["main:lookup", "main:hours", "main:language", "main:english", "main:main", "main:sales", "main:survey", "survey:intro", "survey:questions", "survey:thanks"])
    }

    /// Asterisk answers a missing prompt with result -1 (GET DATA and STREAM FILE alike): the
    /// prompt is skipped, the caller's keys still count, and the call goes on.
    @Test func aMissingPromptIsSkippedAndTheKeysStillCount() async throws {
        let center = Center()
        try await center.start()
        defer { center.stop() }
        let noCustomPrompts = SoundLibrary(customFolders: [])
        let outcome = try await center.pbx(sounds: noCustomPrompts).call(from: "13800138000", dnis: "4008", caller: CallerScript(presses: [(1, "2"), (3, "1")]))
        #expect(outcome.answeredBy == "PJSIP/1001")
        #expect(outcome.variables["CHANNEL(language)"] == "en")
        #expect(outcome.commands.contains { $0.hasPrefix("WAIT FOR DIGIT") })
        let call = try #require(try await center.record(outcome))
        #expect(call.outcome == .answered)
    }

    @Test func aVIPGoesStraightToSupport() async throws {
        let center = Center()
        try await center.start()
        defer { center.stop() }
        let outcome = try await center.pbx().call(from: "13900000001", dnis: "4008", caller: CallerScript())
        #expect(outcome.answeredBy == "PJSIP/1002")
        let call = try #require(try await center.record(outcome))
        #expect(call.agentID == "1002")
        let events = try await center.store.callEvents(callID: call.id!).compactMap { $0.kind == .node ? $0.node : nil }
        #expect(events == ["main:lookup", "main:vip-check", "main:vip-language", "main:vip-welcome", "main:vip-queue", "main:survey", "survey:intro", "survey:questions", "survey:thanks"])
    }

    /// No key at all: the menu gives up, the operator is busy, the caller leaves a voicemail.
    @Test func silenceEndsInVoicemail() async throws {
        let center = Center()
        try await center.start()
        defer { center.stop() }
        let outcome = try await center.pbx().call(from: "13700000000", dnis: "4008", caller: CallerScript())
        #expect(outcome.answeredBy == nil)
        #expect(outcome.dialStatuses == ["BUSY"])
        #expect(outcome.recordings.count == 1)
        #expect(outcome.recordings.first?.hasSuffix(".wav") == true)
        let call = try #require(try await center.record(outcome))
        #expect(call.outcome == .voicemail)
        let events = try await center.store.callEvents(callID: call.id!).compactMap { $0.kind == .node ? $0.node : nil }
        #expect(events.suffix(3) == ["main:operator", "main:voicemail", "main:goodbye"])
    }
}

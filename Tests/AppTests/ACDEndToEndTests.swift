import ACD
import AGI
import AMI
import Core
import Foundation
import IVR
import Simulator
import Store
import TestSupport
import Testing
import Recordings
import Wire
@testable import App
@testable import SwitchboardCLI

/// The ACD behind a flow's queue node, over the real FastAGI server, with simulated callers.
@Suite(.timeLimit(.minutes(1))) struct ACDEndToEndTests {
    final class Center {
        let folder = temporaryPath("acd-e2e")
        var store: Store!
        var routing: RoutingService!
        var center: CallCenter!
        var server: LoopbackAGIServer!

        /// Two flows: look the caller up, queue for support (urgently in `urgent`), then hang up.
        func start(agents: [Agent], loggedIn: Bool, queues: [String: QueueSettings] = [:], ami: AMIClient? = nil) async throws {
            try FileManager.default.createDirectory(atPath: folder + "/flows", withIntermediateDirectories: true)
            try "[flow]\nstart = who\n[who]\ntype = lookup\nnext = wait\n[wait]\ntype = queue\nqueue = support\nskills = support:2\nnext = bye\n[bye]\ntype = hangup\n"
                .write(toFile: folder + "/flows/q.conf", atomically: true, encoding: .utf8)
            try "[flow]\nstart = wait\n[wait]\ntype = queue\nqueue = support\nskills = support:2\npriority = 5\nnext = bye\n[bye]\ntype = hangup\n"
                .write(toFile: folder + "/flows/urgent.conf", atomically: true, encoding: .utf8)
            store = try await Store.open(path: folder + "/sb.db")
            for agent in agents { try await store.addAgent(agent) }
            try await store.addCustomer(CustomerDraft(name: "Sun Li", phones: ["13900000002"], vipTier: 3))
            let library = FlowLibrary(folder: folder + "/flows", sounds: nil, logger: .silent)
            library.reload()
            var settings = CallCenter.Settings(recordingsFolder: folder)
            settings.loginAtStart = loggedIn
            // The simulated Asterisk's clock runs 40 times faster (`pbx`).
            settings.pace = 40
            let center = CallCenter(store: store, agents: agents, queues: queues, flows: library, ami: ami, settings: settings, logger: .silent)
            routing = center.routing
            self.center = center
            server = try LoopbackAGIServer(script: "ivr") { session in try await center.ivr.handle(session) }
        }

        func pbx(_ endpoints: [String: EndpointBehaviour], script: String = "ivr/q") -> SimulatedPBX {
            var configuration = SimulatedPBX.Configuration(agiServer: server.address)
            configuration.script = script
            configuration.clock = SimulationClock(scale: 40)
            configuration.endpoints = endpoints
            return SimulatedPBX(configuration)
        }

        func connectedAt(_ number: String) async throws -> Date? {
            guard let call = try await store.finishedCall(number: number) else { return nil }
            return try await store.callEvents(callID: call.id!).first { $0.kind == .connected }?.at
        }

        func stop() {
            server.stop()
            store.close()
            try? FileManager.default.removeItem(atPath: folder)
        }
    }

    /// A simulated Asterisk's manager interface with Switchboard's AMI client logged in, and
    /// the ACD following the phones' device states through it.
    final class Manager {
        let asterisk: SimulatedAMIServer
        let ami: AMIClient
        private var tasks: [Task<Void, Never>] = []

        init() throws {
            asterisk = SimulatedAMIServer(listener: try Listener(bind: try SocketAddress(host: "127.0.0.1", port: 0)), accounts: ["switchboard": "s3cret"], logger: .silent)
            guard case .ipv4(_, let port) = asterisk.localAddress else { throw CancellationError() }
            ami = AMIClient(settings: AMIClient.Settings(host: "127.0.0.1", port: port, username: "switchboard", secret: Secret("s3cret")), logger: .silent)
            tasks = [Task { [asterisk] in await asterisk.run() }, Task { [ami] in await ami.run() }]
        }

        /// Waits until the client is in, with the center following Asterisk (device states, channels).
        func connect(_ center: CallCenter) async throws {
            tasks.append(Task { [ami] in await center.follow(ami) })
            while ami.status.state != "connected" { try await Task.sleep(for: .milliseconds(5)) }
        }

        func pbx(_ center: Center, _ endpoints: [String: EndpointBehaviour], sounds: SoundLibrary = SoundLibrary()) -> SimulatedPBX {
            var configuration = SimulatedPBX.Configuration(agiServer: center.server.address)
            configuration.script = "ivr/q"
            configuration.clock = SimulationClock(scale: 40)
            configuration.endpoints = endpoints
            configuration.sounds = sounds
            return SimulatedPBX(configuration, ami: asterisk)
        }

        func stop() async {
            await ami.stop()
            asterisk.stop()
            for task in tasks { task.cancel() }
        }
    }

    /// One agent, not yet in; a regular caller, then a VIP, wait. When the agent comes the VIP goes first.
    @Test func aVIPJumpsTheLine() async throws {
        let center = Center()
        try await center.start(agents: [Agent(id: "1001", name: "Li", endpoint: "PJSIP/1001", skills: ["support": 3])], loggedIn: false)
        defer { center.stop() }
        let pbx = center.pbx(["PJSIP/1001": .answers(after: 1, talk: 40)])
        async let regular = pbx.call(from: "13800000002", dnis: "4008", caller: CallerScript(hangupAfter: 900))
        while center.routing.report().waiting.count < 1 { try await Task.sleep(for: .milliseconds(5)) }
        async let vip = pbx.call(from: "13900000002", dnis: "4008", caller: CallerScript(hangupAfter: 900))
        while center.routing.report().waiting.count < 2 { try await Task.sleep(for: .milliseconds(5)) }
        #expect(center.routing.change("1001", .login) == nil)
        let outcomes = try await [regular, vip]
        #expect(outcomes.map(\.answeredBy) == ["PJSIP/1001", "PJSIP/1001"])
        let regularAt = try #require(try await center.connectedAt("13800000002"))
        let vipAt = try #require(try await center.connectedAt("13900000002"))
        #expect(vipAt < regularAt)
    }

    /// The only agent never answers: the first caller keeps their place through the misses, the
    /// agent is paused, and the next agent to log in takes that caller before the later one.
    @Test func ringNoAnswerKeepsTheCallersPlace() async throws {
        let center = Center()
        var support = QueueSettings(QueueDefinition(name: "support", skills: ["support": 2], wrapUpSeconds: 0))
        support.record = true
        try await center.start(agents: [
            Agent(id: "1001", name: "Away", endpoint: "PJSIP/1001", skills: ["support": 3]),
            Agent(id: "1002", name: "Ann", endpoint: "PJSIP/1002", skills: ["support": 3]),
        ], loggedIn: false, queues: ["support": support])
        defer { center.stop() }
        _ = center.routing.change("1001", .login)
        let routing: RoutingService = center.routing
        let ticking = Task { await routing.run() }
        defer { ticking.cancel() }
        let pbx = center.pbx(["PJSIP/1001": .noAnswer, "PJSIP/1002": .answers(after: 1, talk: 5)])
        async let first = pbx.call(from: "13800000001", dnis: "4008", caller: CallerScript(hangupAfter: 3000))
        while center.routing.report().waiting.isEmpty { try await Task.sleep(for: .milliseconds(5)) }
        async let second = pbx.call(from: "13800000002", dnis: "4008", caller: CallerScript(hangupAfter: 3000))
        // Both callers in line (on a loaded machine the second may join after the misses).
        while center.routing.report().agents.first(where: { $0.agent == "1001" })?.state.hasPrefix("paused") != true
            || center.routing.report().waiting.count < 2 {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(center.routing.report().waiting.map(\.position) == [1, 2])
        _ = center.routing.change("1002", .login)
        let outcomes = try await [first, second]
        #expect(outcomes.map(\.answeredBy) == ["PJSIP/1002", "PJSIP/1002"])
        // Back in line after each ring, with the music on again.
        #expect(outcomes.map(\.silentHoldWaits) == [0, 0])
        // One recording per call: each unanswered ring's MixMonitor is stopped, the next one writes the file anew.
        let recorded = outcomes[0].commands.filter { $0.hasPrefix("EXEC MixMonitor") || $0.hasPrefix("EXEC StopMixMonitor") }
        #expect(recorded.count == 5)
        #expect(recorded.enumerated().allSatisfy { $0.element.hasPrefix($0.offset % 2 == 0 ? "EXEC MixMonitor" : "EXEC StopMixMonitor") })
        let firstAt = try #require(try await center.connectedAt("13800000001"))
        let secondAt = try #require(try await center.connectedAt("13800000002"))
        #expect(firstAt < secondAt)
        let call = try #require(try await center.store.finishedCall(number: "13800000001"))
        #expect(try await center.store.stepKinds(of: call).filter { $0 == .ringNoAnswer }.count == 2)
        #expect(call.offers == 3)
        #expect(call.outcome == .answered)
    }

    /// Support 3 is asked for; after a second of waiting, support 2 will do: the junior agent
    /// gets the call then, as the queue's rule says (re-evaluated while the caller waits).
    @Test func aRuleRelaxesTheSkillWhileTheCallerWaits() async throws {
        let center = Center()
        var support = QueueSettings(QueueDefinition(name: "support", skills: ["support": 3], rules: [.init(after: 1, .relax(skill: "support", level: 2))]))
        support.announceEverySeconds = 0
        try await center.start(agents: [Agent(id: "2001", name: "Junior", endpoint: "PJSIP/2001", skills: ["support": 2])], loggedIn: true, queues: ["support": support])
        defer { center.stop() }
        let routing: RoutingService = center.routing
        let ticking = Task { await routing.run() }
        defer { ticking.cancel() }
        let outcome = try await center.pbx(["PJSIP/2001": .answers(after: 1, talk: 5)]).call(from: "13800000003", dnis: "4008", caller: CallerScript(hangupAfter: 3000))
        #expect(outcome.answeredBy == "PJSIP/2001")
    }

    /// The caller presses # to be called back: the call ends, their place is kept, and when an
    /// agent logs in, the agent's phone is rung first (AMI Originate) and then the caller's number.
    @Test func aCallbackKeepsThePlaceAndRingsTheAgentFirst() async throws {
        let manager = try Manager()
        let center = Center()
        var support = QueueSettings(QueueDefinition(name: "support", skills: ["support": 2]))
        support.callbackKey = "#"
        support.announceEverySeconds = 0
        try await center.start(agents: [Agent(id: "1001", name: "Li", endpoint: "PJSIP/1001", skills: ["support": 3])], loggedIn: false, queues: ["support": support], ami: manager.ami)
        defer { center.stop() }
        let routing: RoutingService = center.routing
        try await manager.connect(center.center)
        let pbx = manager.pbx(center, ["PJSIP/1001": .answers(after: 1, talk: 10)])
        let outcome = try await pbx.call(from: "13800000007", dnis: "4008", caller: CallerScript(presses: [(3, "#")], hangupAfter: 600))
        #expect(outcome.endedBy == "app")
        #expect(routing.report().waiting.count == 1)
        let call = try #require(try await center.store.finishedCall(number: "13800000007"))
        #expect(call.outcome == .callback)
        #expect(call.queueExit == .callback)
        // Kept in the store, so a restart would put it back in line.
        var pending: [PendingCallback] = []
        for _ in 0..<200 where pending.isEmpty {
            pending = try await center.store.pendingCallbacks()
            if pending.isEmpty { try await Task.sleep(for: .milliseconds(5)) }
        }
        #expect(pending.map(\.number) == ["13800000007"])
        #expect(pending.first?.queue == "support")

        #expect(routing.change("1001", .login) == nil)
        var kinds: [CallEvent.Kind] = []
        for _ in 0..<400 where !kinds.contains(.callbackConnected) {
            try await Task.sleep(for: .milliseconds(10))
            kinds = try await center.store.stepKinds(of: call)
        }
        #expect(kinds.contains(.callbackRequested))
        #expect(kinds.contains(.callbackConnected))
        #expect(routing.report().waiting.isEmpty)
        #expect(manager.asterisk.actionsSeen.contains("Originate"))
        for _ in 0..<200 where !pending.isEmpty {
            pending = try await center.store.pendingCallbacks()
            if !pending.isEmpty { try await Task.sleep(for: .milliseconds(5)) }
        }
        #expect(pending.isEmpty)
        await manager.stop()
    }

    /// The ACD chooses an agent while the caller hears their place in line: the wake cuts the
    /// announcement short and the phone rings now, not after the rest of it.
    @Test func aWakeDuringAnAnnouncementRingsAtOnce() async throws {
        let manager = try Manager()
        let center = Center()
        var support = QueueSettings(QueueDefinition(name: "support", skills: ["support": 2], ringTimeoutSeconds: 60))
        support.announceEverySeconds = 4
        try await center.start(agents: [
            Agent(id: "1001", name: "Away", endpoint: "PJSIP/1001", skills: ["support": 3]),
            Agent(id: "1002", name: "Ann", endpoint: "PJSIP/1002", skills: ["support": 3]),
        ], loggedIn: false, queues: ["support": support], ami: manager.ami)
        defer { center.stop() }
        let routing: RoutingService = center.routing
        try await manager.connect(center.center)
        // "There are … calls ahead" made long (80 s, 2 s of real time), so the wake lands in it however loaded the machine.
        var sounds = SoundLibrary()
        sounds.samples["queue-thereare"] = 640_000
        let pbx = manager.pbx(center, ["PJSIP/1001": .noAnswer, "PJSIP/1002": .answers(after: 1, talk: 5)], sounds: sounds)
        // Ann logs in the moment the second caller starts hearing "there are … calls ahead".
        let feed = manager.ami.subscribe(name: "test")
        let loggingIn = Task {
            for await item in feed {
                if case .event(let event) = item, case .agiExecStart(let channel, let command, _) = event.kind,
                   channel.callerIDNumber == "13800000012", command.hasPrefix("STREAM FILE queue-thereare") {
                    _ = routing.change("1002", .login)
                    return
                }
            }
        }
        defer { loggingIn.cancel() }
        // The first caller is ahead, ringing an agent who does not answer.
        #expect(routing.change("1001", .login) == nil)
        async let first = pbx.call(from: "13800000011", dnis: "4008", caller: CallerScript(hangupAfter: 70))
        while routing.report().waiting.first?.ringing == nil { try await Task.sleep(for: .milliseconds(5)) }
        let second = try await pbx.call(from: "13800000012", dnis: "4008", caller: CallerScript(hangupAfter: 120))
        #expect(second.answeredBy == "PJSIP/1002", "\(second.commands) ended by \(second.endedBy ?? "-") after \(second.duration)")
        let afterInterruption = second.commands.drop { !$0.hasPrefix("STREAM FILE queue-thereare") }.dropFirst()
        let beforeDial = afterInterruption.prefix { !$0.hasPrefix("EXEC Dial") }
        #expect(!afterInterruption.isEmpty)
        #expect(!beforeDial.contains { $0.hasPrefix("SAY NUMBER") || $0.hasPrefix("STREAM FILE") }, "\(Array(beforeDial))")
        _ = try await first
        await manager.stop()
    }

    /// `rule = 10 offer voicemail`: `*` does nothing before the offer is made, and leaves after it.
    @Test func theExitKeyWorksOnceTheQueueOffersIt() async throws {
        let center = Center()
        var support = QueueSettings(QueueDefinition(name: "support", skills: ["support": 2]))
        support.offerExitAfterSeconds = 10
        support.announceEverySeconds = 0
        try await center.start(agents: [], loggedIn: false, queues: ["support": support])
        defer { center.stop() }
        let outcome = try await center.pbx([:]).call(from: "13800000008", dnis: "4008", caller: CallerScript(presses: [(3, "*"), (30, "*")], hangupAfter: 600))
        #expect(outcome.endedBy == "app")
        let call = try #require(try await center.store.finishedCall(number: "13800000008"))
        let kinds = try await center.store.stepKinds(of: call)
        #expect(kinds.filter { [.queueOffer, .exited].contains($0) } == [.queueOffer, .exited], "\(kinds)")
        #expect(call.queueExit == .key)
        #expect(call.outcome == .abandoned)
    }

    /// Urgency chosen in the IVR (the queue node's priority) adds to the queue's own, configured one.
    @Test func theFlowsPriorityAddsToTheQueues() async throws {
        let center = Center()
        try await center.start(agents: [], loggedIn: false, queues: ["support": QueueSettings(QueueDefinition(name: "support", skills: ["support": 2], priority: 1))])
        defer { center.stop() }
        let routing: RoutingService = center.routing
        let watching = Task {
            while routing.report().waiting.isEmpty { try await Task.sleep(for: .milliseconds(5)) }
            return routing.report().waiting.map(\.priority)
        }
        _ = try await center.pbx([:], script: "ivr/urgent").call(from: "13800000010", dnis: "4008", caller: CallerScript(hangupAfter: 10))
        #expect(try await watching.value == [6])
    }

    /// Nobody logged in: the caller waits, gives up, and leaves the queue cleanly.
    @Test func anAbandonedCallerLeavesCleanly() async throws {
        let center = Center()
        // Any hang-up within a minute is short here: the simulator's 20 s are half a second, or more on a loaded machine.
        var support = QueueSettings(QueueDefinition(name: "support", skills: ["support": 2]))
        support.shortAbandonSeconds = 60
        try await center.start(agents: [Agent(id: "1001", name: "Li", endpoint: "PJSIP/1001", skills: ["support": 3])], loggedIn: false, queues: ["support": support])
        defer { center.stop() }
        let outcome = try await center.pbx([:]).call(from: "13800000009", dnis: "4008", caller: CallerScript(hangupAfter: 20))
        #expect(outcome.endedBy == "caller")
        #expect(center.routing.report().waiting.isEmpty)
        let call = try #require(try await center.store.finishedCall(number: "13800000009"))
        #expect(call.outcome == .shortAbandoned)
        #expect(call.hangupSide == .caller)
        let kinds = try await center.store.stepKinds(of: call)
        #expect(kinds.contains(.queued) && kinds.contains(.abandoned))
        #expect(kinds.filter { $0 == .position }.count >= 1)
        // The announcement stopped the music (Asterisk does not restart it): the hold starts it again.
        #expect(outcome.silentHoldWaits == 0)
    }
}

/// The post-call survey: with `after-call`, the agent's Dial carries `g`, so when the agent
/// hangs up first the caller is still in the flow and answers the survey.
@Suite(.timeLimit(.minutes(1))) struct PostCallSurveyTests {
    @Test func whenTheAgentHangsUpTheCallerAnswersTheSurvey() async throws {
        let center = ACDEndToEndTests.Center()
        try FileManager.default.createDirectory(atPath: center.folder + "/flows", withIntermediateDirectories: true)
        try """
            [flow]
            start = wait
            [wait]
            type = queue
            queue = support
            skills = support:2
            after-call = survey
            [survey]
            type = survey
            questions = custom/survey-q1&custom/survey-q2
            next = bye
            [bye]
            type = hangup
            """.write(toFile: center.folder + "/flows/sv.conf", atomically: true, encoding: .utf8)
        try await center.start(agents: [Agent(id: "1001", name: "Li", endpoint: "PJSIP/1001", skills: ["support": 3])], loggedIn: true)
        defer { center.stop() }
        // The agent answers after 1 s and hangs up 5 s later; the caller keys 4, then 5.
        let pbx = center.pbx(["PJSIP/1001": .answers(after: 1, talk: 5)], script: "ivr/sv")
        let keys: [(at: Double, digits: String)] = [(8, "4"), (11, "5")]
        let outcome = try await pbx.call(from: "13800000009", dnis: "4008", caller: CallerScript(presses: keys, hangupAfter: 60))
        #expect(outcome.answeredBy == "PJSIP/1001")
        #expect(outcome.commands.contains { $0.hasPrefix("EXEC Dial") && $0.contains(",g") }, "\(outcome.commands.filter { $0.hasPrefix("EXEC Dial") })")
        let call = try #require(try await center.store.finishedCall(number: "13800000009"))
        var answers: [Int] = []
        for _ in 0..<200 where answers.isEmpty {
            answers = try await center.store.surveyAnswers(uniqueID: call.uniqueID)
            if answers.isEmpty { try await Task.sleep(for: .milliseconds(10)) }
        }
        #expect(answers == [4, 5])
        #expect(call.outcome == .answered)
    }
}

/// A recorded queue call: MixMonitor with `b` (the bridged talk only, not the ringing), named
/// `<queue>/<YYYY>/<MM>/<DD>/<uniqueid>.wav`.
@Suite(.timeLimit(.minutes(1))) struct QueueRecordingTests {
    @Test func theRecordingHoldsTheBridgedTalkAndIsNamedByQueueDayAndUniqueid() async throws {
        let center = ACDEndToEndTests.Center()
        var support = QueueSettings(QueueDefinition(name: "support", skills: ["support": 2], wrapUpSeconds: 0))
        support.record = true
        try await center.start(agents: [Agent(id: "1001", name: "Li", endpoint: "PJSIP/1001", skills: ["support": 3])], loggedIn: true, queues: ["support": support])
        defer { center.stop() }
        var configuration = SimulatedPBX.Configuration(agiServer: center.server.address)
        configuration.script = "ivr/q"
        configuration.clock = SimulationClock(scale: 40)
        configuration.endpoints = ["PJSIP/1001": .answers(after: 6, talk: 12)]
        configuration.recordingsFolder = center.folder + "/written"
        try FileManager.default.createDirectory(atPath: center.folder + "/written", withIntermediateDirectories: true)
        let outcome = try await SimulatedPBX(configuration).call(from: "13800000007", dnis: "4008", caller: CallerScript(hangupAfter: 600))
        let mix = try #require(outcome.commands.first { $0.hasPrefix("EXEC MixMonitor") })
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .current
        let day = calendar.dateComponents([.year, .month, .day], from: Date())
        let expected = String(format: "support/%04d/%02d/%02d/", day.year!, day.month!, day.day!)
        #expect(mix.contains(center.folder + "/" + expected), "\(mix)")
        #expect(mix.hasSuffix(",b\""), "\(mix)")
        let file = try #require(outcome.recordings.first)
        let audio = try WAVAudio(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: file))), file: file)
        // 12 s of talk; the 6 s of ringing before it are not in the file.
        #expect(abs(audio.seconds - 12) < 0.5, "\(audio.seconds) s")
    }

    /// `record = legs`: each side in a file of its own beside the mixed one; the index measures
    /// who spoke how much from them, and purge takes all three.
    @Test func legsAreRecordedBesideTheMixAndMeasuredFromIt() async throws {
        let center = ACDEndToEndTests.Center()
        var support = QueueSettings(QueueDefinition(name: "support", skills: ["support": 2], wrapUpSeconds: 0))
        support.record = true
        support.recordLegs = true
        try await center.start(agents: [Agent(id: "1001", name: "Li", endpoint: "PJSIP/1001", skills: ["support": 3])], loggedIn: true, queues: ["support": support])
        defer { center.stop() }
        var configuration = SimulatedPBX.Configuration(agiServer: center.server.address)
        configuration.script = "ivr/q"
        configuration.clock = SimulationClock(scale: 40)
        configuration.endpoints = ["PJSIP/1001": .answers(after: 2, talk: 30)]
        configuration.recordingsFolder = center.folder
        let outcome = try await SimulatedPBX(configuration).call(from: "13800000008", dnis: "4008", caller: CallerScript(hangupAfter: 600))
        let mix = try #require(outcome.commands.first { $0.hasPrefix("EXEC MixMonitor") })
        let file = try #require(outcome.recordings.first)
        let legs = RecordingLegs.files(of: file)
        #expect(mix.contains(",br(\(legs.caller))t(\(legs.agent))\""), "\(mix)")
        #expect(RecordingLegs.existing(of: file) == [legs.caller, legs.agent])
        var entry: RecordingEntry?
        for _ in 0..<400 where entry == nil {
            entry = try await center.store.recordings(RecordingFilter(caller: "13800000008")).first
            if entry == nil { try await Task.sleep(for: .milliseconds(10)) }
        }
        let ended = try await center.store.finishedCall(number: "13800000008")
        let indexed = try #require(entry, "\(String(describing: ended?.recording)) \(file)")
        #expect(indexed.path == file && indexed.agent == "1001")
        // Taking turns: both spoke, for less than the whole call each, and a little at once.
        let spoken = indexed.figures.talkSecondsByLeg
        #expect(spoken.count == 2 && spoken.allSatisfy { $0 > 3 && $0 < 27 }, "\(spoken)")
        #expect(indexed.figures.overlapSeconds > 0 && indexed.figures.overlapSeconds < 5, "\(indexed.figures.overlapSeconds)")
        // The legs go with the recording: not listed on their own, deleted with it.
        #expect(RecordingsCommand.wavFiles(under: center.folder) == [file])
        try await RecordingRetention(byQueue: [:], olderThanDays: 1).purge(center.store, delete: true, who: "test", at: Date().addingTimeInterval(3 * 86400))
        #expect(!FileManager.default.fileExists(atPath: file) && RecordingLegs.existing(of: file).isEmpty)
    }
}

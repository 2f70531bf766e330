import Lab
import AMI
import App
import Core
import Foundation
import Recordings
import Store
import Testing
@testable import SwitchboardCLI

/// The real-Asterisk tier: real calls through a real Asterisk 20.20.1 (../shared/asterisk, or
/// SWITCHBOARD_ASTERISK) and the real `switchboard serve` binary, driven by AMI Originate on
/// Local channels. Skipped, with the reason, where no Asterisk build is found.
@Suite(.serialized, .timeLimit(.minutes(3)), .enabled(if: LabCenter.available, Comment(rawValue: LabCenter.located.why)))
struct RealAsteriskTests {
    /// Runs `body` against a started center, stopping it whatever happens.
    func withCenter(
        agents: String = LabCenter.agents, sip: Bool = false, operatorTarget: String = "Local/1003@agents", tickets: String? = nil,
        tuneFlows: (String) -> String = { $0 }, _ body: (LabCenter) async throws -> Void
    ) async throws {
        let center = try LabCenter(agents: agents, sip: sip, operatorTarget: operatorTarget, tickets: tickets, tuneFlows: tuneFlows)
        do {
            try await center.start()
            try await body(center)
        } catch {
            Issue.record("AGI commands: \(center.all.compactMap { item -> String? in if case .agiExecStart(let c, let command, _) = item.event.kind { return c.callerIDNumber.map { "\($0): \(command)" } } else { return nil } })")
            Issue.record("kept \(center.lab.folder) (Asterisk's log/, the server's sb/serve.log); the server's last words:\n\(center.serverLog.suffix(3000))")
            await center.stop(keep: true)
            throw error
        }
        await center.stop()
    }

    /// The shipped main flow, keyed by DTMF: English, then support. The call is answered before
    /// anything plays, each prompt plays in order and none is missing, and the support agent rings.
    @Test func theShippedFlowIsAnsweredAndPlaysItsPromptsInOrder() async throws {
        try await withCenter { center in
            try await center.login("1002")
            try await center.call(from: "13800000001", digits: "2ww2")
            let channel = try await center.flowChannel(of: "13800000001")
            try await center.wait("the agent's Dial", seconds: 20) { _ in center.dialled(from: channel).first }
            let commands = center.commands(on: channel)
            let prompts = commands.filter { $0.hasPrefix("STREAM FILE") || $0.hasPrefix("GET DATA") }
            #expect(prompts.first?.hasPrefix("GET DATA custom/choose-language") == true, "\(commands)")
            #expect(prompts.dropFirst().first?.hasPrefix("STREAM FILE custom/welcome") == true, "\(commands)")
            #expect(center.dialled(from: channel).first?.hasPrefix("Local/1002@agents-") == true)
            // No prompt failed (result=-1 while the channel is up).
            let failed = center.all.compactMap { item -> String? in
                if case .agiExecEnd(let snapshot, let command, _, _, let result) = item.event.kind, snapshot.channel == channel, result.contains("-1") { return command }
                return nil
            }
            #expect(failed.isEmpty)
        }
    }

    /// AGI() does not answer, and a trunk sends nothing to a ringing caller: with a dialplan that
    /// leaves the call ringing, the flow answers before its first prompt, and the caller's keys steer it.
    @Test func theFlowAnswersACallTheDialplanLeftRinging() async throws {
        try await withCenter { center in
            try await center.login("1002")
            try await center.call(from: "13800000011", digits: "2ww2", context: "no-answer")
            let channel = try await center.flowChannel(of: "13800000011")
            try await center.waitForDial(from: channel, to: "Local/1002@agents-", seconds: 20)
            #expect(center.commands(on: channel).first == "ANSWER")
            let events = center.all
            let up = events.firstIndex { if case .newState(let snapshot) = $0.event.kind { snapshot.channel == channel && snapshot.stateText == "Up" } else { false } }
            let firstPrompt = events.firstIndex { if case .agiExecStart(let snapshot, let command, _) = $0.event.kind { snapshot.channel == channel && command.hasPrefix("GET DATA") } else { false } }
            #expect(up != nil && firstPrompt != nil && up! < firstPrompt!)
        }
    }

    /// A connected caller leaves the line the moment the agent answers (AMI DialEnd), and the
    /// agent is free the moment their leg ends; the recording holds the conversation.
    @Test func aConnectedCallerIsNotWaitingAndTheAgentIsFreedAtOnce() async throws {
        try await withCenter { center in
            try await center.login("1002")
            try await center.call(from: "13800000021", digits: "2ww2", talkSeconds: 5)
            let channel = try await center.flowChannel(of: "13800000021")
            let leg = try await center.waitForDial(from: channel, to: "Local/1002@agents-", seconds: 20)
            try await center.waitForAgent("1002", "on call", seconds: 5)
            #expect(try await center.queue().waiting.isEmpty)
            try await center.hungUp(leg, seconds: 30)
            try await center.waitForAgent("1002", "available", seconds: 2)
            try await center.hungUp(channel)
            // MixMonitor's file (option b: the bridged conversation only), named by queue, day and
            // the call's uniqueid, indexed with its agent, queue and caller, as long as the bridge.
            let call = try await center.finishedCall(from: "13800000021")
            let recordings = RecordingsCommand.wavFiles(under: center.folder + "/recordings")
            #expect(recordings.count == 1, "\(recordings)")
            let file = try #require(recordings.first)
            #expect(file.hasSuffix("/\(call.uniqueID).wav") && file.contains("/recordings/support/"), "\(file)")
            let store = try await Store.open(path: center.folder + "/sb.db", readOnly: true)
            defer { store.close() }
            var indexed: [RecordingEntry] = []
            for _ in 0..<100 where indexed.isEmpty {
                indexed = try await store.recordings(RecordingFilter(caller: "13800000021"))
                if indexed.isEmpty { try await Task.sleep(for: .milliseconds(100)) }
            }
            let entry = try #require(indexed.first)
            #expect(entry.path == file && entry.agent == "1002" && entry.queue == "support" && entry.uniqueID == call.uniqueID)
            let bridge = try #require(center.bridged(channel))
            #expect(abs(entry.seconds - bridge.seconds) <= 1, "recorded \(entry.seconds) s, bridged \(bridge.seconds) s")
            // `record = legs`: each side beside the mix. The agent's phone talks (hello-world,
            // then a tone) the whole time; this caller sends no audio.
            #expect(RecordingLegs.existing(of: file).count == 2)
            let spoken = entry.figures.talkSecondsByLeg
            #expect(spoken.count == 2 && spoken[0] < 0.5 && spoken[1] > bridge.seconds - 1.5, "caller, agent: \(spoken) of \(bridge.seconds) s")
        }
    }

    /// Skills and a VIP: sales goes to the sales agent, a VIP straight to support, shown to the
    /// agent with their tier and name.
    @Test func skillsAndAVIPReachTheRightAgents() async throws {
        try await withCenter { center in
            let added = try await center.command(["customers", "add", "--name", "Vera Vip", "--phone", "13900000031", "--vip", "2", "--language", "en"])
            #expect(added.code == 0, "\(added.err)")
            try await center.login("1001", "1002")
            try await center.call(from: "13800000031", digits: "2ww1")
            try await center.call(from: "13900000031", name: "Vera")
            let sales = try await center.flowChannel(of: "13800000031")
            let vip = try await center.flowChannel(of: "13900000031")
            try await center.waitForDial(from: sales, to: "Local/1001@agents-", seconds: 20)
            let vipLeg = try await center.waitForDial(from: vip, to: "Local/1002@agents-", seconds: 20)
            let shown = center.all.compactMap { item -> String? in
                if case .dialBegin(_, let destination, _) = item.event.kind, destination.channel == vipLeg { return destination.connectedLineName }
                return nil
            }
            #expect(shown == ["VIP2 Vera Vip"])
        }
    }

    /// An agent who never answers: the caller keeps their place through the rings, the agent is
    /// paused after two misses, and the next agent in takes the caller.
    @Test func ringNoAnswerThenAutopause() async throws {
        try await withCenter { center in
            try await center.login("1098")
            try await center.call(from: "13800000041", digits: "2ww2")
            let channel = try await center.flowChannel(of: "13800000041")
            try await center.waitForAgent("1098", "paused: missed", seconds: 30)
            #expect(center.dialled(from: channel).filter { $0.hasPrefix("Local/1098@agents-") }.count == 2)
            try await center.login("1003")
            try await center.waitForDial(from: channel, to: "Local/1003@agents-", seconds: 10)
            // The record: two rings missed, then answered by 1003, the rings' time counted apart from the wait.
            try await center.hungUp(channel)
            let call = try await center.finishedCall(from: "13800000041")
            #expect(call.outcome == .answered && call.agentID == "1003", "\(call)")
            #expect(call.offers == 3)
            let steps = try await center.steps(of: call)
            #expect(steps.filter { $0.kind == .ringNoAnswer }.map(\.agent) == ["1098", "1098"])
            #expect(steps.filter { $0.kind == .connected }.map(\.agent) == ["1003"])
            #expect(call.ringSeconds.map { $0 >= 6 } == true, "two 3 s rings: \(call.ringSeconds ?? -1)")
            #expect(call.waitSeconds! + call.ringSeconds! + call.talkSeconds! <= call.totalSeconds!)
        }
    }

    /// A caller who hangs up in the menu: the call ends cleanly, recorded as hung up, no error.
    @Test func aHangUpInTheMenuEndsTheCallCleanly() async throws {
        try await withCenter { center in
            try await center.call(from: "13800000051", as: "hangup-after", extra: [("HANGUP_AFTER", "2")])
            let channel = try await center.flowChannel(of: "13800000051")
            try await center.hungUp(channel)
            try await Task.sleep(for: .milliseconds(300))
            #expect(!center.serverLog.contains(" error "), "\(center.serverLog)")
            #expect(center.serverLog.contains("AGI session finished"))
        }
    }

    /// No wake reaches an agent: five callers for two agents, each woken when an agent frees
    /// up, and not one DTMF digit on any agent's leg (nor a `D` anywhere).
    @Test func noWakeDigitReachesAnAgent() async throws {
        try await withCenter { center in
            try await center.login("1002", "1003")
            var channels: [String] = []
            for caller in 1...5 {
                let number = "1380000006\(caller)"
                try await center.call(from: number, digits: "2ww2", talkSeconds: 2)
                channels.append(try await center.flowChannel(of: number))
            }
            for channel in channels { try await center.waitForDial(from: channel, to: "Local/100", seconds: 60) }
            for channel in channels { try await center.hungUp(channel) }
            let onAgents = center.digits.filter { $0.channel.contains("@agents-") }
            #expect(onAgents.isEmpty, "\(onAgents)")
            #expect(!center.digits.contains { $0.digit == "D" })
        }
    }

    /// An AMI outage while a caller waits and the agent's call ends: the phone's NOT_INUSE is
    /// never heard, and Local devices are not in DeviceStateList. After the reconnect the
    /// phone's state comes from the live channels, and the waiting caller gets the agent.
    @Test func anAgentFreedDuringAnAMIOutageGetsTheWaitingCaller() async throws {
        try await withCenter { center in
            try await center.login("1002")
            try await center.call(from: "13800000071", digits: "2ww2", talkSeconds: 4)
            let first = try await center.flowChannel(of: "13800000071")
            let leg = try await center.waitForDial(from: first, to: "Local/1002@agents-", seconds: 20)
            try await center.call(from: "13800000072", digits: "2ww2")
            let second = try await center.flowChannel(of: "13800000072")
            try await center.wait("the second caller in line", seconds: 20) { _ in center.commands(on: second).contains { $0.hasPrefix("WAIT FOR DIGIT") } ? true : nil }
            // The server has seen the phone busy (DeviceStateChange INUSE) before the outage.
            try await center.waitForPhone(of: "1002", busy: true)
            try await center.lab.breakManager()
            try await center.hungUp(leg, seconds: 30)
            try await Task.sleep(for: .seconds(1))
            // Free in the ACD (the flow's Dial returned), but the phone's NOT_INUSE went unheard.
            #expect(center.dialled(from: second).isEmpty)
            try await center.lab.restoreManager()
            try await center.waitForDial(from: second, to: "Local/1002@agents-", seconds: 30)
            #expect(center.serverLog.contains("AMI reconnected"))
        }
    }

    /// A callback: the caller keys # while waiting and hangs up; when an agent logs in, the
    /// agent's phone rings first, then the customer's number through the trunk.
    @Test func aCallbackRingsTheAgentThenTheCustomer() async throws {
        try await withCenter { center in
            try await center.call(from: "13800000081", digits: "2ww2wwwwww#")
            let channel = try await center.flowChannel(of: "13800000081")
            try await center.hungUp(channel, seconds: 30)
            #expect(try await center.queue().waiting.map(\.callback) == [true])
            try await center.login("1002")
            let customer = try await center.wait("the customer dialled", seconds: 30) { events in
                events.lazy.compactMap { item -> String? in
                    if case .dialBegin(_, let destination, _) = item.event.kind, destination.channel.hasPrefix("Local/13800000081@callee-") { return destination.channel }
                    return nil
                }.first
            }
            try await center.hungUp(customer, seconds: 30)
            #expect(try await center.queue().waiting.isEmpty)
            let call = try await center.finishedCall(from: "13800000081")
            #expect(call.outcome == .callback && call.queueExit == .callback, "\(call)")
            var kinds: [CallEvent.Kind] = []
            for _ in 0..<100 where !kinds.contains(.callbackConnected) {
                kinds = try await center.steps(of: call).map(\.kind)
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(kinds.contains(.callbackRequested) && kinds.contains(.callbackConnected), "\(kinds)")
        }
    }

    /// The shipped flows pass `flows check` against this Asterisk's sounds (English prompts play
    /// on Mandarin calls), and a feature code whose prompt is missing still works: *53, id, PIN,
    /// reason 2 pauses the agent for lunch.
    @Test func flowsCheckPassesAndAMissingPromptDoesNotEndAFeatureCall() async throws {
        try await withCenter { center in
            let check = try await center.command(["flows", "check"])
            #expect(check.code == 0, "\(check.err)")
            try FileManager.default.removeItem(atPath: center.lab.soundsFolder + "/en/custom/pause-reason.wav")
            try await center.login("1002")
            try await center.send(.originate(
                channel: "Local/*53@agent-phones", context: "caller", exten: "s", priority: 1, callerID: "\"Ann\" <1002>",
                timeout: .seconds(30), variables: [("DIGITS", "1002#ww1002#ww2"), ("DTMF_DELAY", "1")]
            ))
            try await center.waitForAgent("1002", "paused: lunch", seconds: 30)
            #expect(center.serverLog.contains("prompt missing from Asterisk's sounds"))
        }
    }

    /// The latency benchmark's whole path, small: every caller rung, both latencies sampled, no
    /// digit on an agent's leg. (Its figures are for a release build: `switchboard bench acd`.)
    @Test func theACDBenchmarkMeasuresOnTheRealAsterisk() async throws {
        var options = ACDLatencyBenchmark.Options(build: try #require(LabCenter.located.build), projectRoot: LabCenter.projectRoot)
        options.calls = 16
        options.agents = 2
        options.talkSeconds = 1
        let report = try await ACDLatencyBenchmark(options: options) { _ in }.run()
        #expect(report.unanswered == 0)
        #expect(report.agentDigits == 0)
        #expect(report.joinToRing.count == 8)
        #expect(report.freeToRing.count >= 4)
    }

    /// One call between real SIP user agents over PJSIP: the caller is answered (200 OK) and
    /// hears the prompts (RTP) before any agent is rung, their RFC 4733 keys steer the flow,
    /// the agent's phone rings showing the customer's name, and a call the agent makes
    /// themselves (a feature code) shows their phone busy.
    @Test(.enabled(if: SIPPhone.located.path != nil, Comment(rawValue: SIPPhone.located.why)))
    func aSIPCallerIsAnsweredHearsThePromptsAndSteersTheFlow() async throws {
        let agents = "[2001]\nname = Ann Lee\nendpoint = PJSIP/2001\nskills = support:4\nlanguages = en\npin = 2001\n"
        try await withCenter(agents: agents, sip: true) { center in
            let port = try #require(center.lab.sipPort)
            let added = try await center.command(["customers", "add", "--name", LabCenter.sipCaller.name, "--phone", LabCenter.sipCaller.number])
            #expect(added.code == 0, "\(added.err)")
            let phone = try SIPPhone(user: "2001", password: "secret2001", lab: center.lab, registers: true)
            defer { phone.stop() }
            try await phone.waitForLog("200 OK")
            try await center.login("2001")
            let caller = try SIPPhone(user: "trunk", password: "secrettrunk", lab: center.lab, registers: false)
            defer { caller.stop() }
            try await caller.waitForLog("baresip is ready")
            try await caller.command("dial", "sip:4008@127.0.0.1:\(port)")
            try await caller.waitForLog("Call established")
            try await caller.waitForLog("incoming rtp for 'audio' established")
            let channel = try await center.flowChannel(of: LabCenter.sipCaller.number)
            #expect(center.dialled(from: channel).isEmpty)
            // English, then support: each key while its prompt plays.
            for prompt in ["GET DATA custom/choose-language", "STREAM FILE custom/welcome"] {
                try await center.wait(prompt, seconds: 20) { _ in center.commands(on: channel).contains { $0.hasPrefix(prompt) } ? true : nil }
                try await Task.sleep(for: .milliseconds(400))
                try await caller.command("sndcode", "2")
            }
            let leg = try await center.waitForDial(from: channel, to: "PJSIP/2001-", seconds: 20)
            try await phone.waitForLog("Call established")
            let shown = center.all.compactMap { item -> String? in
                if case .dialBegin(_, let destination, _) = item.event.kind, destination.channel == leg { return destination.connectedLineName }
                return nil
            }
            #expect(shown == [LabCenter.sipCaller.name])
            try await center.waitForAgent("2001", "on call", seconds: 5)
            try await caller.command("hangup")
            try await center.waitForAgent("2001", "available", seconds: 10)
            // The phone's NOT_INUSE can come after the agent is free in the ACD.
            try await center.waitForPhone(of: "2001", busy: false)
            // The agent's own call (the log-in feature code): the phone is busy while it lasts.
            try await phone.command("dial", "sip:*51@127.0.0.1:\(port)")
            try await center.waitForPhone(of: "2001", busy: true)
            try await Task.sleep(for: .milliseconds(500))
            #expect(try await center.queue().agents.first?.phoneBusy == true, "the feature call asks for the id for 6 s")
        }
    }
}

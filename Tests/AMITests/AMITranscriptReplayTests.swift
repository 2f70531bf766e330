import AMI
import Core
import TestSupport
import Testing

/// Every ami-*.log transcript replayed: Asterisk's side exactly as recorded, in the recorded
/// chunks; our client must send exactly the recorded client's bytes and see the recorded answers.
@Suite(.timeLimit(.minutes(1))) struct AMITranscriptReplayTests {
    static let secret = Secret("lab-secret")

    @Test func plainLoginPingLogoff() async throws {
        try await replay("ami-login-plain") { ami, events in
            #expect(ami.banner == "Asterisk Call Manager/9.0.0")
            try await ami.login(username: "switchboard", secret: Self.secret, auth: .plain)
            let pong = try await ami.send(.ping())
            #expect(pong.message["Ping"] == "Pong")
            let goodbye = try await ami.send(.logoff())
            #expect(goodbye.message.firstValue == "Goodbye")
            #expect(goodbye.text == "Thanks for all the fish.")
            try await events.wait(for: "login events") { $0.count == 2 }
            #expect(events.names == ["FullyBooted", "SuccessfulAuth"])
        }
    }

    /// The recorded Key was computed from the recorded challenge by the lab client: our MD5 and
    /// login must produce the same bytes.
    @Test func md5LoginSendsTheRecordedKey() async throws {
        try await replay("ami-login-md5") { ami, events in
            try await ami.login(username: "switchboard", secret: Self.secret)
            _ = try await ami.send(.ping())
            _ = try await ami.send(.logoff())
            try await events.wait(for: "login events") { $0.count == 2 }
        }
    }

    @Test func actionBeforeLoginAndWrongSecret() async throws {
        try await replay("ami-login-bad") { ami, _ in
            let denied = await asyncErrorText { _ = try await ami.send(.ping()) }
            #expect(denied == "AMI Ping failed: Permission denied")
            let refused = await asyncErrorText {
                try await ami.login(username: "switchboard", secret: Secret("not-the-secret"), auth: .plain)
            }
            #expect(refused?.hasPrefix("AMI login failed: Authentication failed (user switchboard at 127.0.0.1:") == true)
            #expect(refused?.contains("not-the-secret") == false)
            let reason = await ami.closed()
            #expect(reason.contains("closed"))
            #expect(!ami.isOpen)
        }
    }

    @Test func wrongMD5Key() async throws {
        try await replay("ami-login-bad-md5") { ami, _ in
            let challenge = try await ami.send(.challenge())
            #expect(challenge.message["Challenge"]?.allSatisfy(\.isNumber) == true)
            let badLogin = AMIAction("Login", [("AuthType", "MD5"), ("Username", "switchboard"), ("Key", String(repeating: "0", count: 32))])
            let refused = await asyncErrorText { _ = try await ami.send(badLogin) }
            #expect(refused == "AMI Login failed: Authentication failed")
        }
    }

    static func originate(exten: String, variables: [(name: String, value: String)], channel: String = "Local/5551234@from-trunk") -> AMIAction {
        .originate(
            channel: channel, context: "dtmf-caller", exten: exten, priority: 1,
            callerID: "\"Lab Caller\" <5550001>", timeout: .seconds(30), variables: variables
        )
    }

    @Test func callLifecycleTrackedFromEvents() async throws {
        try await replay("ami-call-lifecycle") { ami, events in
            try await ami.login(username: "switchboard", secret: Self.secret, auth: .plain)
            let originated = try await ami.send(Self.originate(exten: "idle", variables: [("IDLE_SECS", "60")]))
            #expect(originated.text == "Originate successfully queued")
            #expect(originated.completion?["Uniqueid"] == "1795460306.22")
            #expect(originated.completion?["Reason"] == "4")
            try await events.wait(for: "the last hangup") { $0.filter { $0.name == "Hangup" }.count == 4 }
            // The OriginateResponse answered the action, so it is not delivered again as an event.
            #expect(!events.names.contains("OriginateResponse"))

            var tracker = ChannelTracker()
            var seenLive: [Int] = []
            var bridged: Set<String> = []
            for event in events.all {
                tracker.apply(event)
                seenLive.append(tracker.channels.count)
                for channel in tracker.channels.values { if let bridge = channel.bridgeID { bridged.insert("\(channel.snapshot.channel) \(bridge)") } }
            }
            #expect(seenLive.max() == 4)
            #expect(tracker.channels.isEmpty)
            #expect(tracker.ended.map(\.uniqueID).sorted() == ["1795460306.22", "1795460306.23", "1795460306.24", "1795460306.25"])
            #expect(tracker.ended.allSatisfy { $0.hangupCause == 16 && $0.hangupCauseText == "Normal Clearing" })
            let caller = try #require(tracker.ended.first { $0.uniqueID == "1795460306.23" })
            #expect(caller.dialed == ["1795460306.24"])
            #expect(caller.dialStatus == "ANSWER")
            #expect(caller.snapshot.linkedID == "1795460306.22")
            #expect(bridged.contains("Local/5551234@from-trunk-0000000b;2 04145cc5-c58e-4bfe-b486-83edaf6542b9"))
            _ = try await ami.send(.logoff())
        }
    }

    @Test func fullCallShowsDTMFMixMonitorAndAGI() async throws {
        try await replay("ami-call-full") { ami, events in
            try await ami.login(username: "switchboard", secret: Self.secret, auth: .plain)
            _ = try await ami.send(Self.originate(exten: "s", variables: [("DIGITS", "42#"), ("DTMF_DELAY", "4")]))
            try await events.wait(for: "the last hangup") { $0.filter { $0.name == "Hangup" }.count == 4 }
            var digits = ""
            var agiCommands: [String] = []
            var recordings = 0
            for event in events.all {
                switch event.kind {
                case .dtmf(_, let digit, _, let received): if received { digits += digit }
                case .agiExecEnd(_, let command, _, _, _): agiCommands.append(command)
                case .mixMonitorStart: recordings += 1
                default: break
                }
            }
            #expect(digits == "42#")
            #expect(recordings == 1)
            #expect(agiCommands.first == "ANSWER")
            #expect(agiCommands.contains { $0.hasPrefix("EXEC Dial") })
            _ = try await ami.send(.logoff())
        }
    }

    @Test func queueCallAndQueueStatusList() async throws {
        try await replay("ami-queue-call") { ami, events in
            try await ami.login(username: "switchboard", secret: Self.secret, auth: .plain)
            _ = try await ami.send(Self.originate(exten: "hangup-after", variables: [("HANGUP_AFTER", "12")], channel: "Local/5550100@queue-in"))
            try await events.wait(for: "AgentConnect") { $0.contains { $0.name == "AgentConnect" } }
            let status = try await ami.send(.queueStatus(queue: "support"))
            #expect(status.items.map { $0.firstValue ?? "" } == ["QueueParams", "QueueMember", "QueueMember", "QueueMember"])
            #expect(status.completion?["ListItems"] == "4")
            #expect(status.items.allSatisfy { $0.actionID == "lab-3" })
            try await events.wait(for: "AgentComplete") { $0.contains { $0.name == "AgentComplete" } }
            let kinds = events.all.compactMap { event -> String? in
                switch event.kind {
                case .queueCallerJoin(_, let queue, let position): "join \(queue) \(position)"
                case .agentConnect(_, let queue, let member, _): "connect \(queue) \(member)"
                case .agentComplete(_, let queue, _, _, let reason): "complete \(queue) \(reason)"
                default: nil
                }
            }
            #expect(kinds.first == "join support 1")
            #expect(kinds.contains { $0.hasPrefix("connect support Local/100") })
            #expect(kinds.last?.hasPrefix("complete support") == true)
            _ = try await ami.send(.logoff())
        }
    }

    @Test func actionsDuringALiveCall() async throws {
        try await replay("ami-actions") { ami, events in
            try await ami.login(username: "switchboard", secret: Self.secret, auth: .plain)
            _ = try await ami.send(Self.originate(exten: "idle", variables: [("IDLE_SECS", "40")]))
            #expect(try await ami.send(.ping()).message["Ping"] == "Pong")

            let channels = try await ami.send(.command("core show channels"))
            #expect(channels.output.count == 6)
            #expect(channels.output[0].hasPrefix("Channel "))
            #expect(channels.output[0].hasSuffix(" "))  // Asterisk's padding is kept
            #expect(channels.output.last == "26 calls processed")
            let concise = try await ami.send(.command("core show channels concise"))
            #expect(concise.output.map { $0.split(separator: "!", omittingEmptySubsequences: false).count } == [14, 14])
            let unknown = await asyncErrorText { _ = try await ami.send(.command("no such cli command")) }
            #expect(unknown == "AMI Command failed: No such command 'no such cli command' (type 'core show help no such' for other possible commands)")

            let list = try await ami.send(.coreShowChannels())
            #expect(list.items.count == 2)
            #expect(list.completion?["ListItems"] == "2")
            var tracker = ChannelTracker()
            tracker.rebuild(from: list.items)
            #expect(tracker.live.map(\.snapshot.channel) == ["Local/5551234@from-trunk-00000011;1", "Local/5551234@from-trunk-00000011;2"])
            #expect(tracker.live.map(\.application) == ["Wait", "Wait"])
            #expect(tracker.call(linkedID: "1795460347.34").count == 2)

            let queues = try await ami.send(.queueStatus())
            #expect(queues.completion?["ListItems"] == "4")
            let status = try await ami.send(.status())
            #expect(status.items.count == 2)
            let callerID = try await ami.send(.getvar(channel: "Local/5551234@from-trunk-00000011;2", variable: "CALLERID(num)"))
            #expect(callerID.value == "5550001")
            let unset = try await ami.send(.getvar(channel: nil, variable: "AMI_NO_SUCH_GLOBAL"))
            #expect(unset.value == "")
            let noSuchAction = await asyncErrorText { _ = try await ami.send(AMIAction("NoSuchAction")) }
            #expect(noSuchAction == "AMI NoSuchAction failed: Invalid/unknown command: NoSuchAction. Use Action: ListCommands to show available commands.")
            let noChannel = await asyncErrorText {
                _ = try await ami.send(AMIAction("Redirect", [("Context", "redirect-target"), ("Exten", "parked"), ("Priority", "1")]))
            }
            #expect(noChannel == "AMI Redirect failed: Channel not specified")
            let missing = await asyncErrorText {
                _ = try await ami.send(.redirect(channel: "Local/nosuch-00000000;2", context: "redirect-target", exten: "parked"))
            }
            #expect(missing == "AMI Redirect failed: Channel does not exist: Local/nosuch-00000000;2")
            let redirected = try await ami.send(.redirect(channel: "Local/5551234@from-trunk-00000011;2", context: "redirect-target", exten: "parked"))
            #expect(redirected.text == "Redirect successful")
            try await events.wait(for: "both hangups") { $0.filter { $0.name == "Hangup" }.count == 2 }
            #expect(events.names.contains("RequestBadFormat"))
            #expect(ami.pendingActions == 0)
            _ = try await ami.send(.logoff())
        }
    }
}

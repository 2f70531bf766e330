import AGI
import Testing

/// Every agi-*.log transcript replayed against the real server: Asterisk's bytes exactly as
/// recorded, in the recorded chunks; the server must send exactly what the recorded app sent,
/// and the handler must see the values Asterisk gave.
@Suite(.timeLimit(.minutes(1))) struct TranscriptReplayTests {
    /// The script of agi-basic-ivr and agi-sip-basic-ivr (the same app, two channel types).
    static func basicIVR(_ facts: Facts) -> AGIRouter.Handler {
        { session in
            let environment = session.environment
            facts.note("script", environment.script.path)
            facts.note("tenant", environment.script.parameter("tenant"))
            facts.note("args", environment.arguments)
            facts.note("type", environment.channelType)
            facts.note("callerName", environment.callerIDName)
            facts.note("dnid", environment.dnid)
            facts.note("accountCode", environment.accountCode)
            try await session.answer()
            let playback = try await session.streamFile("hello-world")
            facts.note("endpos", playback.endpos)
            facts.note("digit", playback.digit)
            let input = try await session.getData("beep", timeout: .milliseconds(8000), maxDigits: 4)
            facts.note("digits", input.digits)
            facts.note("timedOut", input.timedOut)
            _ = try await session.sayDigits(input.digits)
            try await session.setVariable("LAB_DIGITS", input.digits)
            facts.note("labDigits", try await session.getVariable("LAB_DIGITS"))
            facts.note("full", try await session.getFullVariable("${LAB_DIGITS}/${CHANNEL}/${CALLERID(num)}"))
            facts.note("unset", try await session.getVariable("NO_SUCH_VARIABLE"))
            facts.note("status", try await session.channelStatus())
            try await session.verbose("basic-ivr done, digits=\(input.digits)")
            try await session.hangup()
            facts.note("afterHangup", try await session.getVariable("LAB_DIGITS"))
            await facts.outcome("deadStream") { _ = try await session.streamFile("beep") }
            facts.note("hangupReceived", session.hangupReceived)
        }
    }

    @Test func basicIVROverALocalChannel() async throws {
        let facts = Facts()
        let harness = try AGIServerHarness(handler: Self.basicIVR(facts))
        try await harness.replay("agi-basic-ivr")
        await harness.finish()
        #expect(facts["script"] == "inbound")
        #expect(facts["tenant"] == "lab")
        #expect(facts["args"] == #"["85551234", "hello world", "x=y"]"#)
        #expect(facts["type"] == "Local")
        #expect(facts["callerName"] == "Lab Caller")
        #expect(facts["dnid"] == "nil", "agi_dnid: unknown means absent")
        #expect(facts["accountCode"] == "nil", "agi_accountcode: (trailing space) means empty")
        #expect(facts["endpos"] == "11234")
        #expect(facts["digit"] == "nil")
        #expect(facts["digits"] == "1234")
        #expect(facts["timedOut"] == "false")
        #expect(facts["labDigits"] == "1234")
        #expect(facts["full"] == "1234/Local/85551234@from-trunk-00000000;2/5550001")
        #expect(facts["unset"] == "nil")
        #expect(facts["status"] == "up")
        #expect(facts["afterHangup"] == "1234", "variables stay readable after HANGUP")
        #expect(facts["deadStream"] == "\(AGIError.hangup)", "511 on a dead channel is a hangup")
        #expect(facts["hangupReceived"] == "true")
        #expect(harness.server.finishedSessions == 1)
    }

    @Test func basicIVROverSIP() async throws {
        let facts = Facts()
        let harness = try AGIServerHarness(handler: Self.basicIVR(facts))
        try await harness.replay("agi-sip-basic-ivr")
        await harness.finish()
        #expect(facts["type"] == "SIP")
        #expect(facts["callerName"] == "nil", "agi_calleridname: unknown means absent")
        #expect(facts["dnid"] == "5551234")
        #expect(facts["args"] == "[]")
        #expect(facts["digits"] == "789")
        #expect(facts["full"] == "789/SIP/alice-00000000/alice")
    }

    @Test func callerHangsUpDuringGetData() async throws {
        let facts = Facts()
        let harness = try AGIServerHarness { session in
            try await session.answer()
            await facts.outcome("getData") { _ = try await session.getData("beep", timeout: .seconds(15), maxDigits: 4) }
            await facts.outcome("stream") { _ = try await session.streamFile("beep") }
            facts.note("channel", try await session.getVariable("CHANNEL"))
            await facts.outcome("set") { try await session.setVariable("AFTER_HANGUP", "yes") }
            await facts.outcome("verbose") { try await session.verbose("still talking after hangup") }
            await facts.outcome("status") { _ = try await session.channelStatus() }
        }
        try await harness.replay("agi-caller-hangup")
        await harness.finish()
        #expect(facts["getData"] == "\(AGIError.hangup)", "-1 followed by HANGUP is a hangup, not a failure")
        #expect(facts["stream"] == "\(AGIError.hangup)")
        #expect(facts["channel"] == "Local/5551234@from-trunk-00000001;2")
        #expect(facts["set"] == "ok")
        #expect(facts["verbose"] == "ok")
        #expect(facts["status"] == "\(AGIError.hangup)")
    }

    @Test func hangupWhileIdleBetweenCommands() async throws {
        let facts = Facts()
        let harness = try AGIServerHarness { session in
            try await session.answer()
            facts.note("channel", try await session.getVariable("CHANNEL"))
            facts.note("hangupReceived", session.hangupReceived)
            await facts.outcome("stream") { _ = try await session.streamFile("beep") }
            await facts.outcome("hangup") { try await session.hangup() }
        }
        try await harness.replay("agi-idle-hangup")
        await harness.finish()
        #expect(facts["channel"] == "Local/5551234@from-trunk-00000002;2", "HANGUP is never taken for the reply")
        #expect(facts["hangupReceived"] == "true")
        #expect(facts["stream"] == "\(AGIError.hangup)")
        #expect(facts["hangup"] == "ok", "hanging up a dead channel reaches the goal")
    }

    @Test func agiExitOnHangupClosesTheSocket() async throws {
        let facts = Facts()
        let harness = try AGIServerHarness { session in
            try await session.answer()
            await facts.outcome("getData") { _ = try await session.getData("beep", timeout: .seconds(15), maxDigits: 4) }
            await facts.outcome("afterClose") { _ = try await session.getVariable("CHANNEL") }
        }
        try await harness.replay("agi-exit-on-hangup")
        await harness.finish()
        #expect(facts["getData"] == "\(AGIError.hangup)")
        #expect(facts["afterClose"] == "\(AGIError.hangup)")
    }

    @Test func getDataTimeouts() async throws {
        let facts = Facts()
        let harness = try AGIServerHarness { session in
            try await session.answer()
            let nothing = try await session.getData("beep", timeout: .milliseconds(1500), maxDigits: 4)
            facts.note("nothing", "\(nothing.digits)|\(nothing.timedOut)")
            let some = try await session.getData("beep", timeout: .milliseconds(4000), maxDigits: 4)
            facts.note("some", "\(some.digits)|\(some.timedOut)")
            facts.note("wait", try await session.waitForDigit(timeout: .milliseconds(1000)))
            try await session.hangup()
        }
        try await harness.replay("agi-getdata-timeout")
        await harness.finish()
        #expect(facts["nothing"] == "|true", "200 result= (timeout)")
        #expect(facts["some"] == "12|true", "200 result=12 (timeout)")
        #expect(facts["wait"] == "nil")
    }

    @Test func errorRepliesAreTyped() async throws {
        let facts = Facts()
        let harness = try AGIServerHarness { session in
            try await session.answer()
            await facts.outcome("bogus") { try await session.run(.raw("BOGUS COMMAND here")) }
            await facts.outcome("foo") { try await session.run(.raw("FOO")) }
            do {
                try await session.run(.raw("GET DATA"))
            } catch AGIError.usage(_, let help) {
                facts.note("getDataHelp", help)
            }
            await facts.outcome("sayDigits") { try await session.run(.raw("SAY DIGITS")) }
            await facts.outcome("sayLetters") { _ = try await session.sayDigits("abc") }
            do {
                try await session.run(.raw("STREAM FILE"))
            } catch AGIError.usage(_, let help) {
                facts.note("streamHelpLines", help.count)
                facts.note("streamHelpLast", help.last)
            }
            await facts.outcome("missingFile") { _ = try await session.streamFile("no-such-sound-file") }
            let noApp = try await session.send(.raw("EXEC NoSuchApplication foo"))
            facts.note("noApp", noApp.result)
            await facts.outcome("exec") { try await session.run(.raw("EXEC")) }
            await facts.outcome("set") { try await session.run(.raw("SET VARIABLE ONLYNAME")) }
            await facts.outcome("get") { try await session.run(.raw("GET VARIABLE")) }
            await facts.outcome("db") { try await session.run(.raw("DATABASE GET onlyfamily")) }
            facts.note("lowercase", try await session.run(.raw("answer")).result)
            facts.note("lowerGet", try await session.run(.raw("get variable CHANNEL")).data)
            try await session.setVariable("SPACED VAR", "value with spaces")
            facts.note("spaced", try await session.getVariable("SPACED VAR"))
            facts.note("wait", try await session.waitForDigit(timeout: .milliseconds(100)))
            try await session.hangup()
            facts.note("hangupReceived", session.hangupReceived)
        }
        try await harness.replay("agi-errors")
        await harness.finish()
        #expect(facts["bogus"] == "\(AGIError.invalidCommand(command: "BOGUS COMMAND here"))")
        #expect(facts["foo"] == "\(AGIError.invalidCommand(command: "FOO"))")
        #expect(facts["getDataHelp"] == #"["Stream the given <replaceable>file</replaceable>, and receive DTMF data.", "Returns the digits received from the channel at the other end."]"#)
        #expect(facts["sayDigits"] == "\(AGIError.usage(command: "SAY DIGITS", help: []))")
        #expect(facts["sayLetters"] == "\(AGIError.usage(command: "SAY DIGITS", help: []))")
        #expect(facts["streamHelpLines"] == "5")
        #expect(facts["streamHelpLast"] == "    <value>FAILED</value>", "help lines keep their indentation")
        #expect(facts["missingFile"] == "\(AGIError.commandFailed(command: "STREAM FILE", result: "-1"))", "-1 with no HANGUP after it is a failure")
        #expect(facts["noApp"] == "-2")
        #expect(facts["exec"] == "\(AGIError.usage(command: "EXEC", help: []))")
        #expect(facts["set"]?.hasPrefix("wrong arguments") == true)
        #expect(facts["get"]?.hasPrefix("wrong arguments") == true)
        #expect(facts["db"]?.hasPrefix("wrong arguments") == true)
        #expect(facts["lowercase"] == "0")
        #expect(facts["lowerGet"] == "Local/5551234@from-trunk-00000003;2")
        #expect(facts["spaced"] == "value with spaces")
        #expect(facts["wait"] == "nil")
        #expect(facts["hangupReceived"] == "false", "HANGUP arrived after the last reply was read")
    }

    @Test func execDialReadsTheTruthFromDialStatus() async throws {
        let facts = Facts()
        let harness = try AGIServerHarness { session in
            try await session.answer()
            let uniqueID = try #require(try await session.getVariable("UNIQUEID"))
            facts.note("uniqueID", uniqueID)
            facts.note("mix", try await session.exec("MixMonitor", ["/var/spool/recording/agi-\(uniqueID).wav"]))
            let dial = try await session.dial("Local/1010@agents", timeout: 20)
            facts.note("status", dial.status)
            facts.note("answered", dial.answeredSeconds)
            facts.note("peer", dial.dialedPeerName)
            facts.note("exec", dial.execResult)
            facts.note("file", try await session.getVariable("MIXMONITOR_FILENAME"))
            try await session.exec("StopMixMonitor")
            try await session.verbose("exec-dial done")
            try await session.hangup()
        }
        try await harness.replay("agi-exec-dial")
        await harness.finish()
        #expect(facts["uniqueID"] == "1795460306.23")
        #expect(facts["mix"] == "0")
        #expect(facts["status"] == "answer")
        #expect(facts["answered"] == "4")
        #expect(facts["peer"] == "Local/1010@agents-0000000c;1")
        #expect(facts["exec"] == "-1", "Dial returns -1 after an answered call without option g")
        #expect(facts["file"] == "/var/spool/recording/agi-1795460306.23.wav")
    }

    @Test func dialOutcomes() async throws {
        let facts = Facts()
        let harness = try AGIServerHarness { session in
            try await session.answer()
            for (name, arguments) in [
                ("busy", ["Local/1099@agents", "5"]), ("noanswer", ["Local/1098@agents", "3"]),
                ("unavailable", ["Local/9999@agents", "5"]), ("g", ["Local/1010@agents", "20", "g"]),
                ("limit", ["Local/1002@agents", "20", "S(3)"]),
            ] {
                let result = try await session.exec("Dial", arguments)
                facts.note(name, "\(result) \(try await session.getVariable("DIALSTATUS") ?? "-")")
                if name == "limit" { facts.note("aliveAfterLimit", try await session.channelStatus()) }
            }
            facts.note("callerLeft", try await session.exec("Dial", ["Local/1002@agents", "20", "g"]))
            await facts.outcome("hangup") { try await session.hangup() }
            facts.note("hangupReceived", session.hangupReceived)
        }
        try await harness.replay("agi-dial-outcomes")
        await harness.finish()
        #expect(facts["busy"] == "0 BUSY")
        #expect(facts["noanswer"] == "0 NOANSWER")
        #expect(facts["unavailable"] == "0 CHANUNAVAIL")
        #expect(facts["g"] == "0 ANSWER")
        #expect(facts["limit"] == "-1 ANSWER")
        #expect(facts["aliveAfterLimit"] == "up", "-1 from Dial is not a hangup")
        #expect(facts["callerLeft"] == "-1")
        #expect(facts["hangup"] == "ok")
        #expect(facts["hangupReceived"] == "true")
    }

    @Test func fullScript() async throws {
        let facts = Facts()
        let harness = try AGIServerHarness { session in
            try await session.answer()
            _ = try await session.streamFile("hello-world")
            let input = try await session.getData("beep", timeout: .milliseconds(8000), maxDigits: 4)
            facts.note("digits", input.digits)
            _ = try await session.sayDigits(input.digits)
            try await session.setVariable("LAB_DIGITS", input.digits)
            _ = try await session.getVariable("LAB_DIGITS")
            facts.note("full", try await session.getFullVariable("${LAB_DIGITS}/${CHANNEL}"))
            let uniqueID = try await session.getVariable("UNIQUEID") ?? ""
            try await session.exec("MixMonitor", ["/var/spool/recording/agi-\(uniqueID).wav"])
            facts.note("dial", try await session.exec("Dial", ["Local/1001@agents", "20", "S(3)"]))
            facts.note("dialStatus", try await session.getVariable("DIALSTATUS"))
            try await session.verbose("fastagi_echo full script done")
            await facts.outcome("bogus") { try await session.run(.raw("BOGUS COMMAND here")) }
            try await session.hangup()
            facts.note("channel", try await session.getVariable("CHANNEL"))
        }
        try await harness.replay("agi-full")
        await harness.finish()
        #expect(facts["digits"] == "42")
        #expect(facts["full"] == "42/Local/5551234@from-trunk-0000000d;2")
        #expect(facts["dial"] == "-1")
        #expect(facts["dialStatus"] == "ANSWER")
        #expect(facts["channel"] == "Local/5551234@from-trunk-0000000d;2")
    }

    @Test func redirectLooksLikeAHangup() async throws {
        let facts = Facts()
        let harness = try AGIServerHarness { session in
            try await session.answer()
            facts.note("wait", try await session.run(.raw("EXEC Wait 12")).result)
            facts.note("channel", try await session.getVariable("CHANNEL"))
            facts.note("hangupReceived", session.hangupReceived)
            await facts.outcome("stream") { _ = try await session.streamFile("beep") }
        }
        try await harness.replay("agi-redirected")
        await harness.finish()
        #expect(facts["wait"] == "-1")
        #expect(facts["channel"] == "Local/5551234@from-trunk-00000011;2")
        #expect(facts["hangupReceived"] == "true")
        #expect(facts["stream"] == "\(AGIError.hangup)")
    }

    @Test func everyAGITranscriptHasAReplay() throws {
        let replayed: Set = [
            "agi-basic-ivr", "agi-sip-basic-ivr", "agi-caller-hangup", "agi-idle-hangup", "agi-exit-on-hangup",
            "agi-getdata-timeout", "agi-errors", "agi-exec-dial", "agi-dial-outcomes", "agi-full", "agi-redirected",
        ]
        #expect(Set(try TestSupport.Transcript.names(prefix: "agi-")) == replayed)
    }
}

import TestSupport

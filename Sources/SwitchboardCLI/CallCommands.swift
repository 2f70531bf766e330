import App
import Foundation

/// `switchboard spy` and `switchboard call hangup|transfer`: supervisors' hands on live calls,
/// through the running server and AMI.
enum CallCommands {
    static let spy = CommandSpec(
        name: "spy",
        summary: "listen to, whisper to or barge into an agent's call from your phone",
        discussion: """
            The server rings --phone (AMI Originate) into ChanSpy on the agent's current call:
            --listen hears both sides, --whisper speaks to the agent only, --barge to both. It ends
            when either side hangs up. Refused when the agent is on no call.
            """,
        options: [
            .flag("listen", "hear the call (the default)"), .flag("whisper", "speak to the agent only"), .flag("barge", "speak to both sides"),
            .value("phone", "ENDPOINT", "your phone, such as PJSIP/2001"), .config,
        ],
        arguments: [ArgumentSpec(name: "AGENT", help: "the agent's id")],
        action: spyAction
    )

    static let call = CommandSpec(
        name: "call",
        summary: "hang up, transfer, park or conference a live call",
        subcommands: [
            CommandSpec(name: "hangup", summary: "hang up a call (its uniqueid, or linkedid: switchboard channels)", options: [.config],
                        arguments: [ArgumentSpec(name: "UNIQUEID", help: "the call")], action: { parsed, terminal in
                try await QueueCommands.send(parsed, terminal, "call-hangup", ["uniqueid": parsed.argument(0)])
            }),
            CommandSpec(name: "transfer", summary: "send a call to EXTEN@CONTEXT (blind: its other side is released; --attended: the agent consults first)",
                        options: [.flag("attended", "the agent's side consults the target; the call goes over when it hangs up (AMI Atxfer)"), .config],
                        arguments: [ArgumentSpec(name: "UNIQUEID", help: "the call"), ArgumentSpec(name: "TARGET", help: "EXTEN@CONTEXT, such as 1002@agents")],
                        action: { parsed, terminal in
                try await QueueCommands.send(parsed, terminal, "call-transfer", [
                    "uniqueid": parsed.argument(0), "target": parsed.argument(1), "attended": parsed.flag("attended") ? "yes" : "no",
                ])
            }),
            CommandSpec(name: "park", summary: "park a call (Asterisk's res_parking); its other side is called back if nobody takes it", options: [.config],
                        arguments: [ArgumentSpec(name: "UNIQUEID", help: "the call")], action: { parsed, terminal in
                try await QueueCommands.send(parsed, terminal, "call-park", ["uniqueid": parsed.argument(0)])
            }),
            CommandSpec(name: "conference", summary: "put both sides of a call and ENDPOINT into a conference (ConfBridge)", options: [.config],
                        arguments: [ArgumentSpec(name: "UNIQUEID", help: "the call"), ArgumentSpec(name: "ENDPOINT", help: "who to bring in, such as PJSIP/2001")],
                        action: { parsed, terminal in
                try await QueueCommands.send(parsed, terminal, "call-conference", ["uniqueid": parsed.argument(0), "endpoint": parsed.argument(1)])
            }),
        ]
    )

    @Sendable static func spyAction(_ parsed: ParsedCommand, _ terminal: Terminal) async throws {
        let modes = ["listen", "whisper", "barge"].filter { parsed.flag($0) }
        guard modes.count <= 1 else { throw UsageError(message: "choose one of --listen, --whisper, --barge", commandPath: parsed.path) }
        guard let phone = parsed.value("phone") else { throw UsageError(message: "--phone ENDPOINT is needed: the phone to ring", commandPath: parsed.path) }
        try await QueueCommands.send(parsed, terminal, "spy", ["agent": parsed.argument(0), "phone": phone, "mode": modes.first ?? "listen"])
    }
}

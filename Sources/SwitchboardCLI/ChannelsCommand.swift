import Core
import App
import Config

/// `switchboard channels`: the live channels the running server sees over AMI.
enum ChannelsCommand {
    static let spec = CommandSpec(
        name: "channels",
        summary: "list live channels as the running server tracks them over AMI",
        discussion: """
            Asks the running server over its control socket. The list is kept from AMI events and
            rebuilt from CoreShowChannels each time the server (re)connects to Asterisk.
            """,
        options: [.config, .json],
        action: run
    )

    @Sendable static func run(_ parsed: ParsedCommand, _ terminal: Terminal) async throws {
        let (config, _) = try ConfigLocation.load(for: parsed)
        let channels = try await ControlClient(path: config.control.socketPath).send("channels", as: [ChannelSummary].self)
        if parsed.flag("json") {
            terminal.print(try JSONOutput.encode(channels))
        } else {
            terminal.print(render(channels))
        }
    }

    static func render(_ channels: [ChannelSummary]) -> String {
        guard !channels.isEmpty else { return "no live channels" }
        let header = ["CHANNEL", "STATE", "CALLER ID", "LOCATION", "APPLICATION", "UNIQUEID", "LINKEDID"]
        let rows = channels.map { [$0.channel, $0.state, $0.callerID, $0.location, $0.application, $0.uniqueID, $0.linkedID] }
        let calls = Set(channels.map(\.linkedID)).count
        let total = "\(channels.count) channel\(channels.count == 1 ? "" : "s") in \(calls) call\(calls == 1 ? "" : "s")"
        return TextTable.render(header: header, rows: rows) + "\n" + total
    }
}

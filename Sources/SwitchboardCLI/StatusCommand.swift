import Core
import Config
import App
import Foundation

/// `switchboard status`: asks the running server over its control socket.
enum StatusCommand {
    static let spec = CommandSpec(
        name: "status",
        summary: "show the running server's state (version, uptime, AGI, AMI, live counts)",
        options: [.config, .json],
        action: run
    )

    @Sendable static func run(_ parsed: ParsedCommand, _ terminal: Terminal) async throws {
        let (config, _) = try ConfigLocation.load(for: parsed)
        let report = try await ControlClient(path: config.control.socketPath).send("status", as: StatusReport.self)
        if parsed.flag("json") {
            terminal.print(try JSONOutput.encode(report))
        } else {
            terminal.print(render(report))
        }
    }

    static func render(_ report: StatusReport) -> String {
        var lines = ["switchboard \(report.version) (pid \(report.pid)), up \(duration(report.uptimeSeconds))"]
        lines.append("config:  \(report.configFile ?? "built-in defaults")")
        lines.append("control: \(report.controlSocket)")
        lines.append("db:      \(line(report.database))")
        lines.append("agi:     \(line(report.agi))")
        lines.append("ami:     \(line(report.ami))")
        lines.append("metrics: \(line(report.metrics))")
        return lines.joined(separator: "\n")
    }

    static func line(_ status: ComponentStatus) -> String {
        var text = status.state
        if let detail = status.detail { text += " (\(detail))" }
        let counts = status.counts.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }
        if !counts.isEmpty { text += " — " + counts.joined(separator: ", ") }
        return text
    }

    /// `3d 04h 05m 06s`, dropping leading zero units.
    static func duration(_ seconds: Double) -> String {
        let total = Int(seconds)
        let parts = [(total / 86_400, "d"), (total / 3600 % 24, "h"), (total / 60 % 60, "m"), (total % 60, "s")]
        let shown = parts.drop { $0.0 == 0 }
        if shown.isEmpty { return "0s" }
        return shown.enumerated().map { index, part in
            index == 0 ? "\(part.0)\(part.1)" : String(format: "%02d%@", part.0, part.1)
        }.joined(separator: " ")
    }
}

/// The one JSON style of `--json` output: pretty, keys sorted, ISO 8601 dates.
enum JSONOutput {
    static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}

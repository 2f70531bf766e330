import Core
import Foundation
import Wire

extension SwitchboardConfig {
    /// The resolved configuration in the file's own syntax, secrets masked: what `config check` prints.
    public func rendered() -> String {
        var lines = ["; \(sourceFile.map { "resolved from \($0)" } ?? "built-in defaults (no configuration file)")"]
        func section(_ name: String, _ entries: [(String, String)]) {
            lines.append("")
            lines.append("[\(name)]")
            for (key, value) in entries { lines.append("\(key) = \(value)") }
        }
        section("general", [
            ("database", general.databasePath),
            ("recordings", general.recordingsPath),
            ("loglevel", general.logLevel.description),
            ("logfile", general.logFile ?? "(standard error)"),
            ("country_code", general.phoneNumbers.countryCode ?? "(none: numbers match by their digits)"),
            ("national_prefix", general.phoneNumbers.nationalPrefix),
            ("international_prefix", general.phoneNumbers.internationalPrefix),
            ("national_length", "\(general.phoneNumbers.maximumNationalLength)"),
            ("timezone", general.timeZone.identifier),
            ("trunk", general.trunk),
        ])
        section("agi", [
            ("bindaddr", agi.bindAddress),
            ("port", "\(agi.port)"),
            ("allow", agi.allow.map(\.description).joined(separator: ", ")),
        ])
        section("ami", [
            ("host", ami.host),
            ("port", "\(ami.port)"),
            ("username", ami.isConfigured ? ami.username : "(none: AMI not used)"),
            ("secret", ami.secret.isEmpty ? "(none)" : ami.secret.description),
            ("login", ami.login.rawValue),
        ])
        section("ivr", [
            ("flows", ivr.flowsPath),
            ("sounds", ivr.soundsPath ?? "(not set: prompts are not checked)"),
            ("operator", ivr.operatorTarget),
        ])
        section("acd", [("login_at_start", acd.loginAtStart ? "yes" : "no"), ("queues", acd.queuesPath ?? "(none: queues take the flows' skills)"), ("agents", acd.agentsPath ?? "(none)")])
        section("control", [("socket", control.socketPath)])
        section("reports", [("queue_log", reports.queueLogPath ?? "(not written)")])
        section("recordings", [("name", recordings.name), ("purge", recordings.purgeDaily ? "daily" : "no")])
        section("tickets", [("rules", tickets.rulesPath ?? "(none: no tickets from calls)")])
        section("metrics", [("listen", metrics.listen.map { $0.host.contains(":") ? "[\($0.host)]:\($0.port)" : "\($0.host):\($0.port)" } ?? "(not served)")])
        return lines.joined(separator: "\n") + "\n"
    }
}

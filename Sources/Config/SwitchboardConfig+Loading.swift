import Alerts
import Core
import Foundation

extension SwitchboardConfig {
    /// Sections this version understands; later features add theirs here.
    static let knownSections: Set<String> = ["general", "agi", "ami", "ivr", "acd", "control", "reports", "metrics", "tickets", "recordings", "dialplan", "alerts"]

    /// Where `serve`, `status` and `config check` look when no `--config` is given.
    public static let standardPath = "/etc/asterisk/switchboard.conf"

    /// Loads and validates `path`. Throws `ConfigError` listing every error; returns warnings
    /// (unknown keys and sections) with the configuration.
    public static func load(path: String) throws -> (SwitchboardConfig, warnings: [ConfigDiagnostic]) {
        try load(document: INIParser.parse(file: path), file: path)
    }

    static func load(document: INIDocument, file: String) throws -> (SwitchboardConfig, warnings: [ConfigDiagnostic]) {
        var config = SwitchboardConfig()
        config.sourceFile = file
        var diagnostics: [ConfigDiagnostic] = []

        var seen: [String: SourceLocation] = [:]
        for section in document.concreteSections {
            let name = section.name.lowercased()
            if let first = seen[name] {
                diagnostics.append(.error(
                    "section [\(section.name)] repeated (first at \(first)); use [\(section.name)](+) to add to it",
                    at: section.location
                ))
            }
            seen[name] = seen[name] ?? section.location
            if !knownSections.contains(name) {
                diagnostics.append(.warning("unknown section [\(section.name)]", at: section.location))
            }
        }

        func read(_ name: String, _ body: (inout SectionReader) -> Void) {
            guard let section = document.sections(named: name).first else { return }
            var reader = SectionReader(section)
            body(&reader)
            diagnostics += reader.finish()
        }

        read("general") { reader in
            if let value = reader.path("database", relativeTo: file) { config.general.databasePath = value }
            if let value = reader.path("recordings", relativeTo: file) { config.general.recordingsPath = value }
            if let value = reader.choice("loglevel", LogLevel.init(name:), expected: Self.levelNames) {
                config.general.logLevel = value
            }
            if let value = reader.path("logfile", relativeTo: file) { config.general.logFile = value }
            if let value = reader.digits("country_code", count: 1...3) { config.general.phoneNumbers.countryCode = value }
            if let value = reader.digits("national_prefix", count: 0...3) { config.general.phoneNumbers.nationalPrefix = value }
            if let value = reader.digits("international_prefix", count: 0...4) { config.general.phoneNumbers.internationalPrefix = value }
            if let value = reader.digits("national_length", count: 1...2).flatMap({ Int($0) }) {
                config.general.phoneNumbers.maximumNationalLength = value
            }
            if let value = reader.value("timezone", { TimeZone(identifier: $0) }, expected: "a time zone name such as Asia/Shanghai or Europe/Berlin") {
                config.general.timeZone = value
            }
            if let value = reader.value("trunk", { $0.contains("{number}") && $0.contains("/") ? $0 : nil }, expected: "a dial string with {number}, such as PJSIP/{number}@trunk or SIP/trunk/{number}") {
                config.general.trunk = value
            }
        }
        read("agi") { reader in
            if let value = reader.address("bindaddr") { config.agi.bindAddress = value }
            if let value = reader.port("port", allowZero: true) { config.agi.port = value }
            if let value = reader.addressRanges("allow") { config.agi.allow = value }
        }
        read("ami") { reader in
            if let value = reader.string("host") { config.ami.host = value }
            if let value = reader.port("port") { config.ami.port = value }
            if let value = reader.string("username") { config.ami.username = value }
            if let value = reader.string("secret") { config.ami.secret = Secret(value) }
            if let value = reader.choice("login", { SwitchboardConfig.Login(rawValue: $0.lowercased()) }, expected: "md5 or plain") {
                config.ami.login = value
            }
        }
        read("ivr") { reader in
            if let value = reader.path("flows", relativeTo: file) { config.ivr.flowsPath = value }
            if let value = reader.path("sounds", relativeTo: file) { config.ivr.soundsPath = value }
            if let value = reader.string("operator") { config.ivr.operatorTarget = value }
        }
        read("acd") { reader in
            if let value = reader.choice("login_at_start", { ["yes": true, "no": false][$0.lowercased()] }, expected: "yes or no") {
                config.acd.loginAtStart = value
            }
            if let value = reader.path("queues", relativeTo: file) { config.acd.queuesPath = value }
            if let value = reader.path("agents", relativeTo: file) { config.acd.agentsPath = value }
        }
        read("control") { reader in
            if let value = reader.path("socket", relativeTo: file) { config.control.socketPath = value }
            if let value = reader.string("group"), !value.isEmpty { config.control.group = value }
            config.control.admins = reader.list("admins")?.map(\.0) ?? []
            config.control.supervisors = reader.list("supervisors")?.map(\.0) ?? []
            config.control.agents = reader.list("agents")?.map(\.0) ?? []
        }
        read("reports") { reader in
            if let value = reader.path("queue_log", relativeTo: file) { config.reports.queueLogPath = value }
        }
        read("recordings") { reader in
            if let value = reader.value("name", { $0.contains("{uniqueid}") && !$0.hasPrefix("/") && !$0.contains("..") ? $0 : nil },
                                        expected: "a relative name with {uniqueid}, such as {queue}/{yyyy}/{mm}/{dd}/{uniqueid}.wav") {
                config.recordings.name = value
            }
            if let value = reader.choice("purge", { ["daily": true, "no": false][$0.lowercased()] }, expected: "daily or no") {
                config.recordings.purgeDaily = value
            }
        }
        read("tickets") { reader in
            if let value = reader.path("rules", relativeTo: file) { config.tickets.rulesPath = value }
        }
        read("dialplan") { reader in
            if let value = reader.path("templates", relativeTo: file) { config.dialplan.templatesPath = value }
            if let value = reader.path("asterisk", relativeTo: file) { config.dialplan.asteriskPath = value }
            if let urls = reader.list("agi") {
                for (url, location) in urls {
                    if url.hasPrefix("agi://") || url.hasPrefix("hagi://") {
                        config.dialplan.agiURLs.append(url.hasSuffix("/") ? String(url.dropLast()) : url)
                    } else {
                        diagnostics.append(.error("agi: '\(url)' is not an agi:// or hagi:// URL", at: location))
                    }
                }
            }
            for (entry, location) in reader.list("number") ?? [] {
                let parts = entry.components(separatedBy: "=>").map { $0.trimmingCharacters(in: .whitespaces) }
                if parts.count == 2, !parts[0].isEmpty, parts[0].allSatisfy({ $0.isNumber || $0 == "+" }), !parts[1].isEmpty {
                    config.dialplan.numbers.append((parts[0], parts[1], location))
                } else {
                    diagnostics.append(.error("number: '\(entry)' is not NUMBER => FLOW, such as 4008001234 => main", at: location))
                }
            }
            if let value = reader.string("default_flow"), !value.isEmpty { config.dialplan.defaultFlow = value }
            if let value = reader.value("ami_permit", { $0.split(separator: "/").count == 2 ? $0 : nil }, expected: "ADDRESS/MASK such as 10.0.0.5/255.255.255.255") {
                config.dialplan.amiPermit = value
            }
        }
        read("alerts") { reader in
            for (text, location) in reader.list("rule") ?? [] {
                do {
                    config.alerts.rules.append(try AlertRule(parsing: text))
                } catch {
                    diagnostics.append(.error("rule: \(error)", at: location))
                }
            }
            if let value = reader.value("call", { $0.contains("/") ? $0 : nil }, expected: "an endpoint such as PJSIP/supervisor") { config.alerts.call = value }
        }
        read("metrics") { reader in
            if let value = reader.endpoint("listen") { config.metrics.listen = value }
        }
        if config.ami.isConfigured, config.ami.secret.isEmpty {
            let location = document.sections(named: "ami").first?.location
            diagnostics.append(.error("[ami] has a username but no secret", at: location))
        }

        let errors = diagnostics.filter { $0.severity == .error }
        guard errors.isEmpty else { throw ConfigError(diagnostics) }
        return (config, diagnostics)
    }

    static var levelNames: String { LogLevel.allCases.map(\.description).joined(separator: ", ") }
}

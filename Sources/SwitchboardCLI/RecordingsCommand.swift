import App
import Config
import Core
import Foundation
import Recordings
import Store

/// `switchboard recordings …`: the index of calls' recordings — find, show, verify, index files
/// found on disk, keep past retention (legal hold) and purge by policy with an audit.
enum RecordingsCommand {
    static let filters: [OptionSpec] = [
        .value("caller", "NUMBER", "recordings of calls from this number, however it is written"),
        .value("agent", "ID", "recordings of this agent's calls"),
        .value("queue", "NAME", "recordings of this queue"),
        .value("ticket", "TICKET", "recordings linked to a ticket"),
        .value("from", "TIME", "started from this time (2026-11-23, \"2026-11-23 20:00\", today)"),
        .value("to", "TIME", "started before this time"),
        .value("min-duration", "SECONDS", "at least this long"),
        .value("max-silence", "SECONDS", "no silence longer than this"),
        .value("limit", "N", "at most N (default 100)"),
        .config, .json,
    ]

    static let spec = CommandSpec(
        name: "recordings",
        summary: "the recording index: list, search, show, verify, scan, purge, hold",
        subcommands: [
            CommandSpec(name: "list", summary: "recordings, newest first", options: filters, action: list),
            CommandSpec(name: "search", summary: "recordings by caller, agent, queue, ticket, time, length or silence", options: filters, action: list),
            CommandSpec(name: "show", summary: "one recording: its file, call and quality figures", options: [.config, .json],
                        arguments: [ArgumentSpec(name: "ID", help: "the recording's id, or its call's uniqueid")], action: show),
            CommandSpec(name: "verify", summary: "every indexed file is there with its checksum; files on disk no row knows", options: [.config, .json], action: verify),
            CommandSpec(name: "scan", summary: "index the WAV files found under DIR", options: [.config], arguments: [ArgumentSpec(name: "DIR", help: "a folder")], action: scan),
            CommandSpec(
                name: "purge", summary: "delete recordings past retention (a dry run unless --yes)",
                discussion: """
                    Each queue's retention is its `retention` in the queues file; --older-than applies
                    one for every queue. Never deleted: a recording on hold, or linked to an open
                    ticket. Each deletion (who, when, file, checksum) goes into the audit.
                    """,
                options: [.value("older-than", "DAYS", "every recording older than this"), .flag("yes", "delete (otherwise only list)"), .config],
                action: purge
            ),
            CommandSpec(name: "hold", summary: "keep a recording whatever its retention (legal hold), or --release it", options: [
                .flag("release", "lift the hold"), .value("reason", "TEXT", "why, for the audit"), .config,
            ], arguments: [ArgumentSpec(name: "ID", help: "the recording's id")], action: hold),
        ]
    )

    @Sendable static func list(_ parsed: ParsedCommand, _ terminal: Terminal) async throws {
        let (config, _) = try ConfigLocation.load(for: parsed)
        let zone = config.general.timeZone
        func seconds(_ name: String) throws -> Double? {
            try parsed.value(name).map { text in
                guard let value = Double(text), value >= 0 else { throw UsageError(message: "--\(name) '\(text)' is not a number of seconds", commandPath: parsed.path) }
                return value
            }
        }
        let filter = RecordingFilter(
            caller: parsed.value("caller"), agent: parsed.value("agent"), queue: parsed.value("queue"),
            ticketID: try parsed.value("ticket").map { try TicketsCommand.id($0, "--ticket", parsed) }, from: try parsed.time("from", in: zone),
            to: try parsed.time("to", in: zone), minSeconds: try seconds("min-duration"), maxSilenceSeconds: try seconds("max-silence"),
            limit: try parsed.integer("limit", default: 100, range: 1...10_000_000)
        )
        let found = try await StoreAccess.with(parsed, readOnly: true) { store, _ in try await store.recordings(filter) }
        if parsed.flag("json") { return terminal.print(try JSONOutput.encode(found)) }
        guard !found.isEmpty else { return terminal.print("no recordings") }
        let clock = CallTimes(zone)
        terminal.print(TextTable.render(
            header: ["ID", "STARTED", "CALLER", "AGENT", "QUEUE", "LENGTH", "TALK", "SILENCE", "FILE"],
            rows: found.map { entry in
                [
                    "\(entry.id ?? 0)", clock.full(entry.startedAt), entry.caller ?? "-", entry.agent ?? "-", entry.queue ?? "-",
                    CallTimes.duration(entry.seconds), "\(Int((entry.figures.talkRatio * 100).rounded()))%",
                    CallTimes.duration(entry.figures.longestSilenceSeconds), entry.path,
                ]
            }
        ))
    }

    @Sendable static func show(_ parsed: ParsedCommand, _ terminal: Terminal) async throws {
        let key = parsed.argument(0)
        let (found, config) = try await StoreAccess.with(parsed, readOnly: true) { store, config -> (RecordingEntry?, SwitchboardConfig) in
            if let id = Int64(key), let entry = try await store.recording(id: id) { return (entry, config) }
            let byCall = try await store.recordings(RecordingFilter(uniqueID: key, limit: 1)).first
            return (byCall, config)
        }
        guard let entry = found else { throw ControlCommandError("no recording \(key) (an id, or a call's uniqueid)") }
        if parsed.flag("json") { return terminal.print(try JSONOutput.encode(entry)) }
        let figures = entry.figures
        var lines = [
            "recording \(entry.id ?? 0): \(entry.path)",
            "call:      \(entry.uniqueID ?? "-") from \(entry.caller ?? "-"), agent \(entry.agent ?? "-"), queue \(entry.queue ?? "-")",
            "started:   \(CallTimes(config.general.timeZone).full(entry.startedAt))",
            "audio:     \(CallTimes.duration(entry.seconds)), \(entry.encoding.rawValue), \(entry.channels == 2 ? "two legs" : "mono"), \(entry.bytes) bytes",
            "sha256:    \(entry.sha256)",
            String(format: "quality:   talk %.0f%%, longest silence %@, clipping %.2f%%, level %.1f dBFS", figures.talkRatio * 100,
                   CallTimes.duration(figures.longestSilenceSeconds), figures.clippingRatio * 100, figures.averageLevelDBFS),
        ]
        if figures.talkSecondsByLeg.count == 2 {
            lines.append("legs:      caller \(CallTimes.duration(figures.talkSecondsByLeg[0])), agent \(CallTimes.duration(figures.talkSecondsByLeg[1])), talking over each other \(CallTimes.duration(figures.overlapSeconds))")
        }
        if !entry.gaps.isEmpty { lines.append("not recorded: " + entry.gaps.map { String(format: "%.1f–%.1f s", $0.lowerBound, $0.upperBound) }.joined(separator: ", ")) }
        if entry.held { lines.append("on hold: kept whatever the retention") }
        terminal.print(lines.joined(separator: "\n"))
    }

    /// What `verify` found.
    struct Verification: Codable {
        var checked: Int
        var missing: [String]
        var changed: [String]
        var unknown: [String]
    }

    @Sendable static func verify(_ parsed: ParsedCommand, _ terminal: Terminal) async throws {
        let (files, config) = try await StoreAccess.with(parsed, readOnly: true) { store, config in (try await store.recordingFiles(), config) }
        var result = Verification(checked: files.count, missing: [], changed: [], unknown: [])
        for (index, file) in files.enumerated() {
            if let data = FileManager.default.contents(atPath: file.path) {
                if SHA256.hex(Array(data)) != file.sha256 { result.changed.append(file.path) }
            } else {
                result.missing.append(file.path)
            }
            terminal.progress("checked \(index + 1) of \(files.count) recordings", done: index + 1, total: files.count)
        }
        let known = Set(files.map(\.path))
        result.unknown = wavFiles(under: config.general.recordingsPath).filter { !known.contains($0) }
        if parsed.flag("json") { return terminal.print(try JSONOutput.encode(result)) }
        var lines = ["\(result.checked) recordings checked: \(result.missing.count) missing, \(result.changed.count) changed, \(result.unknown.count) on disk not in the index"]
        lines += result.missing.map { "missing: \($0)" } + result.changed.map { "changed: \($0)" } + result.unknown.map { "not indexed: \($0)" }
        terminal.print(lines.joined(separator: "\n"))
        if !result.missing.isEmpty || !result.changed.isEmpty { throw ExitStatus(code: 1) }
    }

    @Sendable static func scan(_ parsed: ParsedCommand, _ terminal: Terminal) async throws {
        let folder = parsed.argument(0)
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else { throw ControlCommandError("\(folder) is not a folder") }
        let files = wavFiles(under: folder)
        var indexed = 0, failed = 0
        try await StoreAccess.with(parsed) { store, _ in
            let known = Set(try await store.recordingFiles().map(\.path))
            for (index, path) in files.enumerated() {
                terminal.progress("scanned \(index + 1) of \(files.count) files", done: index + 1, total: files.count)
                guard !known.contains(path) else { continue }
                let uniqueID = RecordingIndexer.uniqueID(in: path)
                var call: CallRecord?
                if let uniqueID { call = try await store.journeys(uniqueOrLinkedID: uniqueID).first?.call }
                do {
                    try await store.saveRecording(try RecordingIndexer.entry(path: path, call: call))
                    indexed += 1
                } catch {
                    failed += 1
                    terminal.printError("switchboard: \(error)")
                }
            }
        }
        terminal.print("\(files.count) WAV files under \(folder): \(indexed) indexed, \(files.count - indexed - failed) already known, \(failed) unreadable")
    }

    @Sendable static func purge(_ parsed: ParsedCommand, _ terminal: Terminal) async throws {
        let (config, _) = try ConfigLocation.load(for: parsed)
        let olderThan = try parsed.value("older-than").map { _ in try parsed.integer("older-than", default: 0, range: 1...36_500) }
        let retention = try config.acd.queuesPath.map { try QueueSettings.load(file: $0).compactMapValues(\.retentionDays) } ?? [:]
        let act = parsed.flag("yes")
        let byCategory = try config.tickets.rulesPath.map { try TicketSettings.load(file: $0).retentionByCategory } ?? [:]
        let policy = RecordingRetention(byQueue: retention, byCategory: byCategory, olderThanDays: olderThan)
        let removed = try await StoreAccess.with(parsed) { store, _ in try await policy.purge(store, delete: act, who: TicketsCommand.who) }
        var lines = removed.map { "\(act ? "deleted" : "would delete"): \($0.path) (\($0.queue ?? "no queue"), \(CallTimes(config.general.timeZone).full($0.startedAt)))" }
        lines.append("\(removed.count) recording\(removed.count == 1 ? "" : "s") past retention\(act ? " deleted" : "; run again with --yes to delete them")")
        terminal.print(lines.joined(separator: "\n"))
    }

    @Sendable static func hold(_ parsed: ParsedCommand, _ terminal: Terminal) async throws {
        guard let id = Int64(parsed.argument(0)) else { throw UsageError(message: "'\(parsed.argument(0))' is not a recording id", commandPath: parsed.path) }
        let release = parsed.flag("release")
        try await StoreAccess.with(parsed) { store, _ in
            try await store.holdRecording(id: id, !release, who: TicketsCommand.who, reason: parsed.value("reason"))
        }
        terminal.print("recording \(id): \(release ? "hold lifted" : "on hold")")
    }

    /// WAV files under `folder`, sorted; a recording's legs go with it and are not listed.
    static func wavFiles(under folder: String) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: folder) else { return [] }
        var found: [String] = []
        while let name = walker.nextObject() as? String {
            let path = folder + "/" + name
            if name.lowercased().hasSuffix(".wav"), !RecordingLegs.isLeg(path) { found.append(path) }
        }
        return found.sorted()
    }
}

import Core
import App
import Config
import Foundation
import Store
import Wire

/// `switchboard db …`: the database's schema, health, backups.
enum DBCommand {
    static let spec = CommandSpec(
        name: "db",
        summary: "migrate, check, back up and restore the database",
        subcommands: [
            CommandSpec(name: "migrate", summary: "create the database or bring it to this version's schema", options: [.config], action: migrate),
            CommandSpec(name: "check", summary: "run SQLite's integrity check and show the schema version", options: [.config], action: check),
            CommandSpec(
                name: "backup", summary: "copy the database to FILE, safely while the server runs",
                options: [.config], arguments: [ArgumentSpec(name: "FILE", help: "the backup to create (must not exist)")], action: backup
            ),
            CommandSpec(
                name: "restore", summary: "replace the database with the backup FILE",
                discussion: "Refuses while a server writes the database: stop it first (its writes would be lost under the restore).",
                options: [.config],
                arguments: [ArgumentSpec(name: "FILE", help: "a backup made by 'switchboard db backup'")], action: restore
            ),
        ]
    )

    @Sendable static func migrate(_ parsed: ParsedCommand, _ terminal: Terminal) async throws {
        let version = try await StoreAccess.with(parsed) { store, _ in try await store.schemaVersion() }
        let (config, _) = try ConfigLocation.load(for: parsed)
        terminal.print("\(config.general.databasePath): schema version \(version) (the latest this switchboard knows)")
    }

    @Sendable static func check(_ parsed: ParsedCommand, _ terminal: Terminal) async throws {
        let (problems, version, path) = try await StoreAccess.with(parsed, readOnly: true) { store, _ in
            (try await store.integrityProblems(), try await store.schemaVersion(), store.path)
        }
        for problem in problems { terminal.printError("\(path): \(problem)") }
        guard problems.isEmpty else {
            terminal.printError("\(path): integrity check FAILED (\(problems.count) problem\(problems.count == 1 ? "" : "s")); restore the last good backup")
            throw ExitStatus(code: 1)
        }
        terminal.print("\(path): integrity ok, schema version \(version)")
    }

    @Sendable static func backup(_ parsed: ParsedCommand, _ terminal: Terminal) async throws {
        let file = parsed.argument(0)
        try await StoreAccess.with(parsed, readOnly: true) { store, _ in
            try await store.backup(to: file) { done, total in progress(terminal, "backing up", done, total) }
        }
        terminal.print("backed up to \(file)")
    }

    @Sendable static func restore(_ parsed: ParsedCommand, _ terminal: Terminal) async throws {
        let file = parsed.argument(0)
        let (config, _) = try ConfigLocation.load(for: parsed)
        if Connection.isAnswering(.unix(path: config.control.socketPath)) {
            throw StoreError.invalid("the server is running (\(config.control.socketPath) answers): stop it first")
        }
        let lock = try WriterLock(databasePath: config.general.databasePath, holder: "switchboard db restore")
        defer { withExtendedLifetime(lock) {} }
        try await StoreAccess.with(parsed) { store, _ in
            try await store.restore(from: file) { done, total in progress(terminal, "restoring", done, total) }
        }
        terminal.print("restored \(config.general.databasePath) from \(file)")
    }

    static func progress(_ terminal: Terminal, _ what: String, _ done: Int, _ total: Int) {
        terminal.progress("\(what): \(done * 100 / max(total, 1))% (\(done) of \(total) pages)", done: done, total: total)
    }
}

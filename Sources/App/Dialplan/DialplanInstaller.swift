import Core
import Dialplan
import Foundation

/// Puts rendered files into Asterisk's configuration folder and makes Asterisk load them, with
/// a way back: each file is written atomically beside a backup of the one it replaces, Asterisk
/// reloads over AMI (`dialplan reload`, `manager reload`), and then every rendered context is
/// looked up in the running dialplan (`dialplan show`) and every manager user in the running
/// manager (`manager show user`); if one is missing or differs, the backups are put back and
/// Asterisk reloads again.
public struct DialplanInstaller: Sendable {
    /// Runs an Asterisk CLI command over AMI (`Action: Command`) and returns its output lines;
    /// nil when Asterisk says the command failed.
    public typealias Command = @Sendable (String) async throws -> [String]?

    public let templates: DialplanTemplates
    /// Asterisk's configuration folder.
    public let folder: String

    public init(templates: DialplanTemplates, folder: String) {
        self.templates = templates
        self.folder = folder
    }

    /// One file's change against what is installed.
    public struct FileChange: Sendable {
        public var name: String
        public var installed: String?
        public var diff: LineDiff
    }

    /// Each rendered file against the installed one.
    public func changes() -> [FileChange] {
        templates.files.map { file in
            let installed = try? String(contentsOfFile: folder + "/" + file.name, encoding: .utf8)
            return FileChange(name: file.name, installed: installed, diff: LineDiff(old: Self.lines(installed ?? ""), new: Self.lines(file.text)))
        }
    }

    /// How the running Asterisk differs from the rendered files: a context not loaded, an
    /// extension missing or extra, a priority that differs; a manager user not loaded.
    public func differencesFromLoaded(_ command: Command) async throws -> [String] {
        var differences: [String] = []
        for file in templates.files where file.kind == .manager {
            for user in ManagerUsers(name: file.name, lines: file.lines.map(\.text)).users {
                let output = try await command("manager show user \(user)") ?? []
                if !output.contains(where: { $0.trimmingCharacters(in: .whitespaces) == "username: \(user)" }) {
                    differences.append("manager user \(user) (\(file.name)) is not loaded")
                }
            }
        }
        for file in templates.files where file.kind == .dialplan {
            let parsed = DialplanFile(name: file.name, lines: file.lines.map(\.text))
            for context in parsed.contexts {
                let output = try await command("dialplan show \(context.name)") ?? []
                guard let loaded = LoadedContext(name: context.name, output: output) else {
                    differences.append("[\(context.name)] (\(file.name)) is not loaded")
                    continue
                }
                let expected = context.expected
                for exten in context.order {
                    guard let steps = loaded.extensions[exten] else {
                        differences.append("[\(context.name)] \(exten): not loaded")
                        continue
                    }
                    for (want, have) in zip(expected[exten] ?? [], steps) where want != have {
                        differences.append("[\(context.name)] \(exten) priority \(want.priority == 0 ? "hint" : String(want.priority)): loaded \(have.command), rendered \(want.command)")
                    }
                    if steps.count != expected[exten]?.count {
                        differences.append("[\(context.name)] \(exten): \(steps.count) priorities loaded, \(expected[exten]?.count ?? 0) rendered")
                    }
                }
                for exten in loaded.extensions.keys.sorted() where expected[exten] == nil {
                    differences.append("[\(context.name)] \(exten): loaded, not in the rendered file")
                }
            }
        }
        return differences
    }

    /// What `apply` did.
    public struct Outcome: Sendable {
        /// `applied`, `unchanged`, or `rolled back: why`.
        public var result: String
        /// `+N −M` per changed file.
        public var summary: String
        public var succeeded: Bool
    }

    /// Writes the changed files (backups beside them as `NAME.previous`), reloads, and checks
    /// that Asterisk loaded what was written; on any failure restores the backups and reloads.
    public func apply(_ command: Command, progress: (String) -> Void) async throws -> Outcome {
        let changed = changes().filter { !$0.diff.isEmpty }
        let summary = changed.map { "\($0.name) +\($0.diff.added) −\($0.diff.removed)" }.joined(separator: ", ")
        guard !changed.isEmpty else {
            let differences = try await differencesFromLoaded(command)
            guard !differences.isEmpty else { return Outcome(result: "unchanged", summary: "no change", succeeded: true) }
            // The files are right but Asterisk has not loaded them: reload.
            progress("the files are installed but not loaded: reloading")
            return try await reload(command, kinds: Set(templates.files.map(\.kind)), summary: "reload only", restoring: [])
        }
        var written: [(path: String, backup: String?)] = []
        do {
            for change in changed {
                guard let file = templates.files.first(where: { $0.name == change.name }) else { continue }
                let path = folder + "/" + change.name
                var backup: String?
                if change.installed != nil {
                    backup = path + ".previous"
                    try? FileManager.default.removeItem(atPath: backup!)
                    try FileManager.default.copyItem(atPath: path, toPath: backup!)
                }
                try Self.writeAtomically(file.text, to: path)
                written.append((path, backup))
                progress("wrote \(path)\(backup.map { " (the old one kept as \($0))" } ?? "")")
            }
        } catch {
            Self.restore(written)
            throw DialplanError("cannot write into \(folder): \(error); nothing changed")
        }
        let kinds = Set(changed.compactMap { change in templates.files.first { $0.name == change.name }?.kind })
        return try await reload(command, kinds: kinds, summary: summary, restoring: written)
    }

    private func reload(
        _ command: Command, kinds: Set<DialplanTemplates.Kind>, summary: String, restoring written: [(path: String, backup: String?)]
    ) async throws -> Outcome {
        var why: String?
        do {
            for kind in kinds.sorted(by: { $0.reload < $1.reload }) where why == nil {
                if try await command(kind.reload) == nil { why = "Asterisk refused \(kind.reload)" }
            }
            if why == nil {
                let differences = try await differencesFromLoaded(command)
                if !differences.isEmpty { why = "after the reload " + differences.prefix(5).joined(separator: "; ") }
            }
        } catch {
            why = "\(error)"
        }
        guard let why else { return Outcome(result: "applied", summary: summary, succeeded: true) }
        Self.restore(written)
        for kind in kinds { _ = try? await command(kind.reload) }
        return Outcome(result: "rolled back: \(why)", summary: summary, succeeded: false)
    }

    /// Puts each backup back (a file that had none is removed).
    private static func restore(_ written: [(path: String, backup: String?)]) {
        for (path, backup) in written.reversed() {
            if let backup {
                try? writeAtomically((try? String(contentsOfFile: backup, encoding: .utf8)) ?? "", to: path)
            } else {
                try? FileManager.default.removeItem(atPath: path)
            }
        }
    }

    /// Written to a temporary file beside `path`, then renamed over it.
    static func writeAtomically(_ text: String, to path: String) throws {
        let temporary = path + ".switchboard-new"
        try text.write(toFile: temporary, atomically: false, encoding: .utf8)
        guard rename(temporary, path) == 0 else {
            let problem = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: temporary)
            throw DialplanError("cannot put \(path) in place: \(problem)")
        }
    }

    static func lines(_ text: String) -> [String] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        return lines
    }
}

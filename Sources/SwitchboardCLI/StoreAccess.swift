import Core
import Foundation
import Config
import Store

/// Opening the configured database for a command.
enum StoreAccess {
    static func open(for parsed: ParsedCommand, readOnly: Bool = false) async throws -> (Store, SwitchboardConfig) {
        let (config, _) = try ConfigLocation.load(for: parsed)
        let store = try await Store.open(path: config.general.databasePath, readOnly: readOnly, plan: config.general.phoneNumbers)
        return (store, config)
    }

    /// Runs `body` with the store, closing it after.
    static func with<T>(_ parsed: ParsedCommand, readOnly: Bool = false, _ body: (Store, SwitchboardConfig) async throws -> T) async throws -> T {
        let (store, config) = try await open(for: parsed, readOnly: readOnly)
        defer { store.close() }
        return try await body(store, config)
    }
}

extension ParsedCommand {
    /// The positional argument at `index`; the parser has checked that required ones are there.
    func argument(_ index: Int) -> String { arguments[index] }

    /// `billing:4,mandarin:5` → ["billing": 4, "mandarin": 5].
    func skills(_ name: String) throws -> [String: Int]? {
        guard let text = value(name) else { return nil }
        var skills: [String: Int] = [:]
        for item in text.split(separator: ",") {
            let parts = item.split(separator: ":").map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty, let level = Int(parts[1]) else {
                throw UsageError(message: "--\(name): '\(item)' is not skill:level (such as billing:4)", commandPath: path)
            }
            skills[parts[0]] = level
        }
        return skills
    }

    /// A comma-separated list option.
    func list(_ name: String) -> [String]? {
        value(name).map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
    }
}

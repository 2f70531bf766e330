import Core
import Config
import Foundation
import Store

/// Agents written in the configuration (`[acd] agents`), added to the store at start when it
/// does not have them yet. The store stays the truth: later changes go through
/// `switchboard agents` (or the phone), and a seed never overwrites them.
///
///     [1001]
///     name = Li Wei
///     endpoint = PJSIP/1001
///     skills = billing:4, mandarin:5
///     languages = zh, en
///     pin = 4321
public enum AgentSeeds {
    public static func load(file: String) throws -> [(agent: Agent, pin: String?)] {
        var problems: [ConfigDiagnostic] = []
        var seeds: [(agent: Agent, pin: String?)] = []
        for section in try INIParser.parse(file: file).concreteSections {
            guard let name = section.entry("name")?.value, let endpoint = section.entry("endpoint")?.value else {
                problems.append(.error("[\(section.name)] needs name = and endpoint =", at: section.location))
                continue
            }
            var skills: [String: Int] = [:]
            if let entry = section.entry("skills") {
                guard let parsed = QueueSettings.skillLevels(entry.value) else {
                    problems.append(.error("skills: '\(entry.value)' is not skill:level, … (levels 1-5)", at: entry.location))
                    continue
                }
                skills = parsed
            }
            let languages = section.entry("languages")?.value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } ?? []
            for entry in section.entries where !["name", "endpoint", "skills", "languages", "pin"].contains(entry.key) {
                problems.append(.warning("[\(section.name)]: unknown key '\(entry.key)'", at: entry.location))
            }
            seeds.append((Agent(id: section.name, name: name, endpoint: endpoint, skills: skills, languages: languages), section.entry("pin")?.value))
        }
        let errors = problems.filter { $0.severity == .error }
        if !errors.isEmpty { throw ConfigError(errors) }
        return seeds
    }

    /// Adds the seeds the store does not have; returns the ids added.
    public static func plant(_ seeds: [(agent: Agent, pin: String?)], in store: Store) async throws -> [String] {
        var added: [String] = []
        for seed in seeds where try await store.agent(id: seed.agent.id) == nil {
            try await store.addAgent(seed.agent, pin: seed.pin)
            added.append(seed.agent.id)
        }
        return added
    }
}

import Core
import Foundation
import SQLite

/// The SQL for agents, their skills, languages and state changes.
enum AgentTable {
    static func insert(_ db: Database, _ agent: Agent, pinHash: String?) throws {
        try db.execute(
            "INSERT INTO agents (id, name, endpoint, pin_hash, created_at) VALUES (?, ?, ?, ?, ?)",
            [agent.id, agent.name, agent.endpoint, pinHash.map(Sensitive.init), agent.createdAt]
        )
        try replaceSkills(db, agent)
    }

    static func update(_ db: Database, _ agent: Agent) throws {
        try db.execute("UPDATE agents SET name = ?, endpoint = ? WHERE id = ?", [agent.name, agent.endpoint, agent.id])
        try replaceSkills(db, agent)
    }

    static func setPINHash(_ db: Database, agentID: String, hash: String?) throws {
        try db.execute("UPDATE agents SET pin_hash = ? WHERE id = ?", [hash.map(Sensitive.init), agentID])
    }

    static func pinHash(_ db: Database, agentID: String) throws -> String? {
        try db.queryFirst("SELECT pin_hash FROM agents WHERE id = ?", [agentID]) { $0[0] as String? } ?? nil
    }

    static func delete(_ db: Database, id: String) throws -> Bool {
        try db.execute("DELETE FROM agents WHERE id = ?", [id])
        return db.changes > 0
    }

    static func all(_ db: Database, id: String? = nil) throws -> [Agent] {
        let (agentFilter, childFilter) = id == nil ? ("", "") : (" WHERE id = ?", " WHERE agent_id = ?")
        let arguments: [any SQLBindable] = id.map { [$0] } ?? []
        var agents = try db.query("SELECT id, name, endpoint, pin_hash IS NOT NULL, created_at FROM agents\(agentFilter) ORDER BY id", arguments) { row in
            Agent(id: try row.value(0), name: try row.value(1), endpoint: try row.value(2), hasPIN: try row.value(3), createdAt: try row.value(4))
        }
        let index = Dictionary(uniqueKeysWithValues: agents.enumerated().map { ($0.element.id, $0.offset) })
        for (agent, skill, level) in try db.query("SELECT agent_id, skill, level FROM agent_skills\(childFilter)", arguments, { row in
            (try row.value(0) as String, try row.value(1) as String, try row.value(2) as Int)
        }) {
            if let at = index[agent] { agents[at].skills[skill] = level }
        }
        for (agent, language) in try db.query("SELECT agent_id, language FROM agent_languages\(childFilter) ORDER BY language", arguments, { row in
            (try row.value(0) as String, try row.value(1) as String)
        }) {
            if let at = index[agent] { agents[at].languages.append(language) }
        }
        return agents
    }

    static func stateChanges(_ db: Database, agentID: String) throws -> [(state: String, reason: String?, at: Date)] {
        try db.query("SELECT state, reason, at FROM agent_state_changes WHERE agent_id = ? ORDER BY at, id", [agentID]) { row in
            (try row.value(0), row[1], try row.value(2))
        }
    }

    static func recordState(_ db: Database, agentID: String, state: String, reason: String?, at: Date) throws {
        try db.execute("INSERT INTO agent_state_changes (agent_id, state, reason, at) VALUES (?, ?, ?, ?)", [agentID, state, reason, at])
    }

    private static func replaceSkills(_ db: Database, _ agent: Agent) throws {
        try db.execute("DELETE FROM agent_skills WHERE agent_id = ?", [agent.id])
        for (skill, level) in agent.skills.sorted(by: { $0.key < $1.key }) {
            try db.execute("INSERT INTO agent_skills (agent_id, skill, level) VALUES (?, ?, ?)", [agent.id, skill, level])
        }
        try db.execute("DELETE FROM agent_languages WHERE agent_id = ?", [agent.id])
        for language in Set(agent.languages).sorted() {
            try db.execute("INSERT INTO agent_languages (agent_id, language) VALUES (?, ?)", [agent.id, language])
        }
    }
}

import SQLite

/// The schema, as numbered migrations applied in order, each in one transaction; the version
/// reached is kept in `PRAGMA user_version`. A new migration is appended here, never edited in.
enum Migrations {
    static let all: [String] = [version1, version2, version3]

    static var latest: Int { all.count }

    /// Brings `db` to the latest version. Returns the versions applied (empty when up to date).
    /// A database newer than this binary is an error: it is never downgraded.
    @discardableResult
    static func migrate(_ db: Database, progress: (Int) -> Void = { _ in }) throws -> [Int] {
        let current = try db.userVersion()
        guard current <= latest else { throw StoreError.newerSchema(found: current, supported: latest, path: db.path) }
        var applied: [Int] = []
        for version in stride(from: current + 1, through: latest, by: 1) {
            try db.transaction {
                try db.executeScript(all[version - 1])
                try db.setUserVersion(version)
            }
            progress(version)
            applied.append(version)
        }
        return applied
    }

    /// Callers waiting to be called back, with what keeps their place in line. A request is
    /// pending until an agent takes it; a server that restarts puts pending ones back in line.
    static let version3 = """
        CREATE TABLE callbacks (
            id INTEGER PRIMARY KEY,
            uniqueid TEXT NOT NULL UNIQUE,
            number TEXT NOT NULL,
            queue TEXT NOT NULL,
            queue_skills TEXT NOT NULL,
            queue_priority INTEGER NOT NULL,
            extra_priority INTEGER NOT NULL,
            extra_skills TEXT NOT NULL,
            waiting_since REAL NOT NULL,
            requested_at REAL NOT NULL,
            state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'connected', 'cancelled')),
            agent TEXT,
            done_at REAL
        );
        CREATE INDEX callbacks_pending ON callbacks(waiting_since) WHERE state = 'pending';
        """

    /// Post-call survey answers, per call and question (0 = no valid answer).
    static let version2 = """
        CREATE TABLE survey_answers (
            id INTEGER PRIMARY KEY,
            uniqueid TEXT NOT NULL,
            question INTEGER NOT NULL,
            answer INTEGER NOT NULL CHECK (answer BETWEEN 0 AND 5),
            at REAL NOT NULL
        );
        CREATE INDEX survey_answers_uniqueid ON survey_answers(uniqueid);
        """

    /// Calls, their timelines, agents, their skills and state changes, customers and their numbers.
    /// Times are REAL seconds since 1970 (UTC). Phone numbers are kept as entered and as a
    /// match key (`PhoneNumberPlan.key`), which the lookups use.
    static let version1 = """
        CREATE TABLE customers (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            vip_tier INTEGER NOT NULL DEFAULT 0 CHECK (vip_tier BETWEEN 0 AND 9),
            language TEXT,
            notes TEXT,
            created_at REAL NOT NULL
        );
        CREATE TABLE customer_phones (
            id INTEGER PRIMARY KEY,
            customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
            number TEXT NOT NULL,
            match_key TEXT NOT NULL,
            UNIQUE (match_key, customer_id)
        );
        CREATE INDEX customer_phones_customer ON customer_phones(customer_id);

        CREATE TABLE agents (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            endpoint TEXT NOT NULL,
            pin_hash TEXT,
            created_at REAL NOT NULL
        );
        CREATE TABLE agent_skills (
            agent_id TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
            skill TEXT NOT NULL,
            level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),
            PRIMARY KEY (agent_id, skill)
        ) WITHOUT ROWID;
        CREATE TABLE agent_languages (
            agent_id TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
            language TEXT NOT NULL,
            PRIMARY KEY (agent_id, language)
        ) WITHOUT ROWID;
        CREATE TABLE agent_state_changes (
            id INTEGER PRIMARY KEY,
            agent_id TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
            state TEXT NOT NULL,
            reason TEXT,
            at REAL NOT NULL
        );
        CREATE INDEX agent_state_changes_agent ON agent_state_changes(agent_id, at);

        -- agent and customer are kept as plain values: a call's history outlives an agent's removal.
        CREATE TABLE calls (
            id INTEGER PRIMARY KEY,
            uniqueid TEXT NOT NULL UNIQUE,
            linkedid TEXT,
            direction TEXT NOT NULL CHECK (direction IN ('inbound', 'outbound', 'internal')),
            caller_number TEXT,
            caller_key TEXT,
            caller_name TEXT,
            dnis TEXT,
            flow TEXT,
            queue TEXT,
            agent_id TEXT,
            customer_id INTEGER,
            arrived_at REAL NOT NULL,
            queued_at REAL,
            offered_at REAL,
            answered_at REAL,
            ended_at REAL,
            outcome TEXT,
            hangup_cause INTEGER,
            wait_seconds REAL,
            talk_seconds REAL
        );
        CREATE INDEX calls_caller ON calls(caller_key, arrived_at);
        CREATE INDEX calls_arrived ON calls(arrived_at);
        CREATE INDEX calls_agent ON calls(agent_id, arrived_at);
        CREATE INDEX calls_queue ON calls(queue, arrived_at);
        CREATE INDEX calls_linkedid ON calls(linkedid);
        CREATE INDEX calls_customer ON calls(customer_id, arrived_at);
        CREATE TABLE call_events (
            id INTEGER PRIMARY KEY,
            call_id INTEGER NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            at REAL NOT NULL,
            data TEXT
        );
        CREATE INDEX call_events_call ON call_events(call_id, at);
        """
}

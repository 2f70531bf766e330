import Core
import SQLite

/// The schema, as numbered migrations applied in order, each in one transaction; the version
/// reached is kept in `PRAGMA user_version`. A new migration is appended here, never edited in.
enum Migrations {
    static let all: [String] = [version1, version2, version3, version4, version5, version6, version7, version8, version9, version10, version11]

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

    /// The audit trail of what people did: a row per admin or supervisor command and per agent
    /// state change made by hand, each holding the hash of the row before it, so an edit or a
    /// deletion breaks the chain (`switchboard audit verify`). Triggers refuse both besides.
    static let version11 = """
        CREATE TABLE audit_trail (
            id INTEGER PRIMARY KEY,
            at REAL NOT NULL,
            user TEXT NOT NULL,
            role TEXT NOT NULL,
            command TEXT NOT NULL,
            arguments TEXT NOT NULL,
            result TEXT NOT NULL,
            previous_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        );
        CREATE INDEX audit_trail_at ON audit_trail(at);
        CREATE TRIGGER audit_trail_no_update BEFORE UPDATE ON audit_trail
            BEGIN SELECT RAISE(ABORT, 'the audit trail is only appended to'); END;
        CREATE TRIGGER audit_trail_no_delete BEFORE DELETE ON audit_trail
            BEGIN SELECT RAISE(ABORT, 'the audit trail is only appended to'); END;
        """

    /// Every `switchboard dialplan apply`: who, when, what changed, how it ended. Only appended to.
    static let version10 = """
        CREATE TABLE dialplan_applies (
            id INTEGER PRIMARY KEY,
            at REAL NOT NULL,
            who TEXT NOT NULL,
            summary TEXT NOT NULL,
            result TEXT NOT NULL
        );
        CREATE TRIGGER dialplan_applies_no_update BEFORE UPDATE ON dialplan_applies
            BEGIN SELECT RAISE(ABORT, 'the dialplan audit is only appended to'); END;
        CREATE TRIGGER dialplan_applies_no_delete BEFORE DELETE ON dialplan_applies
            BEGIN SELECT RAISE(ABORT, 'the dialplan audit is only appended to'); END;
        """

    /// Each agent's recording figures per quarter hour, kept as recordings are indexed, so the
    /// agents report sums a few rows per agent instead of reading every recording's figures.
    /// Filled from the recordings indexed before this version.
    static let version9 = """
        CREATE TABLE recording_tallies (
            agent TEXT NOT NULL,
            interval_start REAL NOT NULL,
            recordings INTEGER NOT NULL,
            talk_ratio_sum REAL NOT NULL,
            two_leg INTEGER NOT NULL,
            agent_talk REAL NOT NULL,
            both_talk REAL NOT NULL,
            overlap REAL NOT NULL,
            PRIMARY KEY (agent, interval_start)
        ) WITHOUT ROWID;
        INSERT INTO recording_tallies
            SELECT agent, CAST(started_at / 900 AS INTEGER) * 900, COUNT(*), SUM(json_extract(figures, '$.talkRatio')),
                SUM(json_array_length(figures, '$.talkSecondsByLeg') = 2),
                TOTAL(CASE WHEN json_array_length(figures, '$.talkSecondsByLeg') = 2 THEN json_extract(figures, '$.talkSecondsByLeg[1]') END),
                TOTAL(CASE WHEN json_array_length(figures, '$.talkSecondsByLeg') = 2
                      THEN json_extract(figures, '$.talkSecondsByLeg[0]') + json_extract(figures, '$.talkSecondsByLeg[1]') END),
                TOTAL(CASE WHEN json_array_length(figures, '$.talkSecondsByLeg') = 2 THEN json_extract(figures, '$.overlapSeconds') END)
            FROM recordings WHERE agent IS NOT NULL
            GROUP BY 1, 2;
        """

    /// The recording index: a row per file with its call, checksum and quality figures; a caller's,
    /// an agent's and a day's recordings found by index. Deletions and holds go into an audit
    /// table that, like the ticket history, is only appended to.
    static let version8 = """
        CREATE TABLE recordings (
            id INTEGER PRIMARY KEY,
            path TEXT NOT NULL UNIQUE,
            uniqueid TEXT,
            linkedid TEXT,
            agent TEXT,
            queue TEXT,
            caller TEXT,
            caller_key TEXT,
            customer_id INTEGER,
            ticket_id INTEGER,
            started_at REAL NOT NULL,
            seconds REAL NOT NULL,
            bytes INTEGER NOT NULL,
            sha256 TEXT NOT NULL,
            encoding TEXT NOT NULL,
            channels INTEGER NOT NULL,
            figures TEXT NOT NULL,
            longest_silence REAL NOT NULL,
            gaps TEXT NOT NULL DEFAULT '',
            held INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX recordings_caller ON recordings(caller_key, started_at);
        CREATE INDEX recordings_agent ON recordings(agent, started_at);
        CREATE INDEX recordings_started ON recordings(started_at);
        CREATE INDEX recordings_uniqueid ON recordings(uniqueid);
        CREATE INDEX recordings_ticket ON recordings(ticket_id) WHERE ticket_id IS NOT NULL;
        CREATE TABLE recording_audit (
            id INTEGER PRIMARY KEY,
            at REAL NOT NULL,
            who TEXT NOT NULL,
            action TEXT NOT NULL,
            path TEXT NOT NULL,
            sha256 TEXT,
            detail TEXT
        );
        CREATE TRIGGER recording_audit_no_update BEFORE UPDATE ON recording_audit
            BEGIN SELECT RAISE(ABORT, 'the recording audit is only appended to'); END;
        CREATE TRIGGER recording_audit_no_delete BEFORE DELETE ON recording_audit
            BEGIN SELECT RAISE(ABORT, 'the recording audit is only appended to'); END;
        """

    /// Tickets, the calls and files linked to them, their history, the escalation steps that
    /// have fired (each at most once per ticket: the key), and the satisfaction survey calls
    /// owed for solved tickets (one per ticket). A call is linked at most
    /// once per rule (the key of `ticket_calls`), so a repeated event, a reconnect or a restart
    /// never makes a second ticket of one call. The history is only appended to: triggers refuse
    /// an UPDATE or DELETE. Partial indexes keep what every call's start asks (a caller's open
    /// tickets) and the overdue list small however many tickets are closed.
    static let version7 = """
        CREATE TABLE tickets (
            id INTEGER PRIMARY KEY,
            subject TEXT NOT NULL,
            category TEXT,
            priority TEXT NOT NULL,
            status TEXT NOT NULL,
            customer_id INTEGER REFERENCES customers(id),
            phone TEXT,
            phone_key TEXT,
            assignee TEXT,
            queue TEXT,
            sla_policy TEXT,
            first_response_due REAL,
            resolution_due REAL,
            first_response_left REAL,
            resolution_left REAL,
            first_response_at REAL,
            created_at REAL NOT NULL,
            created_by TEXT NOT NULL,
            updated_at REAL NOT NULL,
            solved_at REAL,
            closed_at REAL
        );
        CREATE INDEX tickets_status ON tickets(status, id);
        CREATE INDEX tickets_queue ON tickets(queue, status, id);
        CREATE INDEX tickets_assignee ON tickets(assignee, status, id);
        CREATE INDEX tickets_customer ON tickets(customer_id, id);
        CREATE INDEX tickets_open_phone ON tickets(phone_key, id) WHERE status IN ('new', 'open', 'pending');
        CREATE INDEX tickets_resolution_due ON tickets(resolution_due) WHERE status IN ('new', 'open');
        CREATE INDEX tickets_response_due ON tickets(first_response_due) WHERE status IN ('new', 'open') AND first_response_at IS NULL;
        CREATE TABLE ticket_calls (
            uniqueid TEXT NOT NULL,
            rule TEXT NOT NULL,
            ticket_id INTEGER NOT NULL REFERENCES tickets(id),
            at REAL NOT NULL,
            PRIMARY KEY (uniqueid, rule)
        ) WITHOUT ROWID;
        CREATE INDEX ticket_calls_ticket ON ticket_calls(ticket_id);
        CREATE TABLE ticket_files (
            ticket_id INTEGER NOT NULL REFERENCES tickets(id),
            path TEXT NOT NULL,
            kind TEXT NOT NULL,
            PRIMARY KEY (ticket_id, path)
        ) WITHOUT ROWID;
        CREATE TABLE ticket_history (
            id INTEGER PRIMARY KEY,
            ticket_id INTEGER NOT NULL REFERENCES tickets(id),
            at REAL NOT NULL,
            who TEXT NOT NULL,
            field TEXT NOT NULL,
            old TEXT,
            new TEXT
        );
        CREATE INDEX ticket_history_ticket ON ticket_history(ticket_id, id);
        CREATE TRIGGER ticket_history_no_update BEFORE UPDATE ON ticket_history
            BEGIN SELECT RAISE(ABORT, 'ticket history is only appended to'); END;
        CREATE TRIGGER ticket_history_no_delete BEFORE DELETE ON ticket_history
            BEGIN SELECT RAISE(ABORT, 'ticket history is only appended to'); END;
        CREATE TABLE ticket_escalations (
            ticket_id INTEGER NOT NULL REFERENCES tickets(id),
            step TEXT NOT NULL,
            fired_at REAL NOT NULL,
            PRIMARY KEY (ticket_id, step)
        ) WITHOUT ROWID;
        CREATE TABLE ticket_surveys (
            ticket_id INTEGER PRIMARY KEY REFERENCES tickets(id),
            state TEXT NOT NULL,
            tries INTEGER NOT NULL DEFAULT 0,
            next_at REAL NOT NULL,
            uniqueid TEXT UNIQUE,
            answers TEXT
        );
        CREATE INDEX ticket_surveys_due ON ticket_surveys(next_at) WHERE state = 'due';
        """

    /// Reports read tallies kept per queue or agent and 15 minutes as calls end, not the calls:
    /// a month is a few thousand rows however many calls it had. Sums and counts add up;
    /// `longest_wait` is the largest. Calls ended before this version are not in them.
    static let version6 = """
        CREATE TABLE queue_tallies (
            queue TEXT NOT NULL,
            start REAL NOT NULL,
            offered INTEGER NOT NULL,
            answered INTEGER NOT NULL,
            answered_in_time INTEGER NOT NULL,
            abandoned INTEGER NOT NULL,
            short_abandoned INTEGER NOT NULL,
            exits_key INTEGER NOT NULL,
            exits_timeout INTEGER NOT NULL,
            exits_callback INTEGER NOT NULL,
            transfers INTEGER NOT NULL,
            answer_wait REAL NOT NULL,
            longest_wait REAL NOT NULL,
            talk REAL NOT NULL,
            hold REAL NOT NULL,
            wrapup REAL NOT NULL,
            PRIMARY KEY (start, queue)
        ) WITHOUT ROWID;
        CREATE TABLE agent_tallies (
            agent_id TEXT NOT NULL,
            start REAL NOT NULL,
            handled INTEGER NOT NULL,
            talk REAL NOT NULL,
            hold REAL NOT NULL,
            wrapup REAL NOT NULL,
            ring_no_answers INTEGER NOT NULL,
            PRIMARY KEY (start, agent_id)
        ) WITHOUT ROWID;
        CREATE INDEX agent_state_changes_at ON agent_state_changes(at);
        """

    /// Writing a call and its timeline costs half the B-tree work: steps live in one tree keyed
    /// by call and sequence (no separate index), and the indexes on what a call learns as it
    /// runs (agent, queue, linkedid, customer) hold only calls that have it, so the row written
    /// when a call arrives touches none of them.
    static let version5 = """
        CREATE TABLE call_steps_keyed (
            call_id INTEGER NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            kind TEXT NOT NULL,
            at REAL NOT NULL,
            queue TEXT,
            agent TEXT,
            node TEXT,
            digits TEXT,
            cause INTEGER,
            detail TEXT,
            PRIMARY KEY (call_id, seq)
        ) WITHOUT ROWID;
        INSERT INTO call_steps_keyed (call_id, seq, kind, at, queue, agent, node, digits, cause, detail)
            SELECT call_id, row_number() OVER (PARTITION BY call_id ORDER BY at, id), kind, at, queue, agent, node, digits, cause, detail
            FROM call_steps;
        DROP TABLE call_steps;
        ALTER TABLE call_steps_keyed RENAME TO call_steps;
        DROP INDEX calls_agent;
        DROP INDEX calls_queue;
        DROP INDEX calls_linkedid;
        DROP INDEX calls_customer;
        CREATE INDEX calls_agent ON calls(agent_id, arrived_at) WHERE agent_id IS NOT NULL;
        CREATE INDEX calls_queue ON calls(queue, arrived_at) WHERE queue IS NOT NULL;
        CREATE INDEX calls_linkedid ON calls(linkedid) WHERE linkedid IS NOT NULL;
        CREATE INDEX calls_customer ON calls(customer_id, arrived_at) WHERE customer_id IS NOT NULL;
        """

    /// Call records get the figures of a whole journey (ring, hold and wrap-up time, how the
    /// queue was left, who hung up, the recording) and outcomes from a closed set; timeline
    /// steps get typed fields (queue, agent, node, digits, cause) in place of free text. Rows
    /// written before are converted: old outcome words to their new names, and the free text
    /// of each known step kind split into its fields; a step of an unknown kind is kept as a
    /// `note` with its text.
    static let version4 = """
        ALTER TABLE calls ADD COLUMN ring_seconds REAL;
        ALTER TABLE calls ADD COLUMN hold_seconds REAL;
        ALTER TABLE calls ADD COLUMN wrapup_seconds REAL;
        ALTER TABLE calls ADD COLUMN queue_exit TEXT;
        ALTER TABLE calls ADD COLUMN hangup_side TEXT;
        ALTER TABLE calls ADD COLUMN offers INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE calls ADD COLUMN recording TEXT;
        UPDATE calls SET outcome = CASE outcome
            WHEN 'queued' THEN 'answered' WHEN 'hangup' THEN 'ivr-only' WHEN 'caller-hung-up' THEN 'ivr-only'
            WHEN 'failed' THEN 'error' ELSE outcome END;
        UPDATE calls SET outcome = 'answered' WHERE outcome NOT IN
            ('answered', 'abandoned', 'short-abandoned', 'voicemail', 'callback', 'transferred', 'ivr-only', 'operator', 'error')
            AND agent_id IS NOT NULL;
        UPDATE calls SET outcome = 'ivr-only' WHERE outcome NOT IN
            ('answered', 'abandoned', 'short-abandoned', 'voicemail', 'callback', 'transferred', 'ivr-only', 'operator', 'error');

        CREATE TABLE call_steps (
            id INTEGER PRIMARY KEY,
            call_id INTEGER NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            at REAL NOT NULL,
            queue TEXT,
            agent TEXT,
            node TEXT,
            digits TEXT,
            cause INTEGER,
            detail TEXT
        );
        -- "queue: agent 1001" → queue, agent
        INSERT INTO call_steps (id, call_id, kind, at, queue, agent, detail)
            SELECT id, call_id,
                kind, at,
                CASE WHEN instr(data, ': agent ') > 0 THEN substr(data, 1, instr(data, ': agent ') - 1) END,
                CASE WHEN instr(data, ': agent ') > 0 THEN substr(data, instr(data, ': agent ') + 8)
                     WHEN data LIKE 'agent %' THEN substr(data, 7) END,
                NULL
            FROM call_events WHERE kind IN ('offered', 'ring-no-answer', 'connected', 'callback-ring-no-answer');
        INSERT INTO call_steps (id, call_id, kind, at, node)
            SELECT id, call_id, 'node', at, data FROM call_events WHERE kind = 'ivr-node';
        -- "menu=2" → node, digits; "CARD=****" → variable (detail), digits
        INSERT INTO call_steps (id, call_id, kind, at, node, digits)
            SELECT id, call_id, 'choice', at, substr(data, 1, instr(data, '=') - 1), substr(data, instr(data, '=') + 1)
            FROM call_events WHERE kind = 'ivr-choice';
        INSERT INTO call_steps (id, call_id, kind, at, detail, digits)
            SELECT id, call_id, 'input', at, substr(data, 1, instr(data, '=') - 1), substr(data, instr(data, '=') + 1)
            FROM call_events WHERE kind = 'ivr-input';
        INSERT INTO call_steps (id, call_id, kind, at, queue)
            SELECT id, call_id, kind, at, data FROM call_events WHERE kind IN ('queued', 'overflowed');
        -- "support after 12 s"
        INSERT INTO call_steps (id, call_id, kind, at, queue)
            SELECT id, call_id, 'abandoned', at, CASE WHEN instr(data, ' after ') > 0 THEN substr(data, 1, instr(data, ' after ') - 1) ELSE data END
            FROM call_events WHERE kind = 'abandoned';
        INSERT INTO call_steps (id, call_id, kind, at, queue, detail)
            SELECT id, call_id, 'exited', at, data, CASE kind WHEN 'gave-up' THEN 'timeout' ELSE 'key' END
            FROM call_events WHERE kind IN ('gave-up', 'exit-by-key');
        INSERT INTO call_steps (id, call_id, kind, at, detail)
            SELECT id, call_id, CASE kind
                WHEN 'offer' THEN 'queue-offer' WHEN 'ivr-error' THEN 'error' WHEN 'queue-gave-up' THEN 'note' ELSE kind END, at, data
            FROM call_events WHERE kind IN ('position', 'offer', 'voicemail', 'ivr-error', 'callback-requested', 'callback-parked', 'queue-gave-up');
        INSERT INTO call_steps (id, call_id, kind, at, agent, detail)
            SELECT id, call_id, 'callback-connected', at,
                CASE WHEN instr(data, ' → ') > 0 THEN substr(data, 7, instr(data, ' → ') - 7) END, data
            FROM call_events WHERE kind = 'callback-connected';
        INSERT INTO call_steps (id, call_id, kind, at, detail)
            SELECT id, call_id, 'note', at, kind || ': ' || coalesce(data, '') FROM call_events WHERE kind NOT IN
                ('offered', 'ring-no-answer', 'connected', 'callback-ring-no-answer', 'ivr-node', 'ivr-choice', 'ivr-input', 'queued',
                 'overflowed', 'abandoned', 'gave-up', 'exit-by-key', 'position', 'offer', 'voicemail', 'ivr-error', 'callback-requested',
                 'callback-parked', 'queue-gave-up', 'callback-connected');
        DROP TABLE call_events;
        CREATE INDEX call_steps_call ON call_steps(call_id, at);
        """

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

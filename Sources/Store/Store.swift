import Core
import Foundation
import SQLite

/// Switchboard's database: every call and its timeline, agents and their state changes,
/// customers. One `Store` is one SQLite connection on a thread of its own (its serial
/// executor), so disk waits never hold the cooperative pool or an event loop. The server keeps
/// one read-write store (the writer); reports open their own read-only ones.
///
/// SQL stays in this module: callers speak in records.
public actor Store {
    public nonisolated let path: String
    public nonisolated let plan: PhoneNumberPlan
    private let executor: StoreExecutor
    let db: Database
    /// The last step's sequence number of each call in progress (`apply`), so appending a step
    /// does not read it back. Kept only once committed: a rolled-back batch leaves it as it was.
    var openTimelines: [Int64: Int64] = [:]

    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    private init(db: Database, executor: StoreExecutor, plan: PhoneNumberPlan) {
        self.db = db
        self.path = db.path
        self.executor = executor
        self.plan = plan
    }

    /// Opens (creating if needed) and migrates the database at `path`. Read-only stores are not
    /// migrated; one older than this binary is refused.
    public static func open(path: String, readOnly: Bool = false, plan: PhoneNumberPlan = PhoneNumberPlan()) async throws -> Store {
        let executor = StoreExecutor(name: readOnly ? "store-reader" : "store-writer")
        do {
            let db = try Database(path: path, mode: readOnly ? .readOnly : .readWrite)
            let store = Store(db: db, executor: executor, plan: plan)
            try await store.prepare(readOnly: readOnly)
            return store
        } catch {
            executor.stop()
            throw error
        }
    }

    private func prepare(readOnly: Bool) throws {
        if readOnly {
            let version = try db.userVersion()
            guard version == Migrations.latest else {
                throw version > Migrations.latest
                    ? StoreError.newerSchema(found: version, supported: Migrations.latest, path: path)
                    : StoreError.invalid("\(path) has schema version \(version); run 'switchboard db migrate'")
            }
        } else {
            try Migrations.migrate(db)
        }
    }

    /// Ends the store's thread; the connection closes with the store.
    public nonisolated func close() {
        executor.stop()
    }

    // MARK: database

    public func schemaVersion() throws -> Int { try db.userVersion() }

    public static var latestSchemaVersion: Int { Migrations.latest }

    /// `PRAGMA integrity_check`'s findings; empty when sound.
    public func integrityProblems() throws -> [String] { try db.integrityProblems() }

    /// Copies the database to `destination` (a new file) with the online backup API while
    /// others keep writing. `progress` gets (pages copied, pages in all).
    public func backup(to destination: String, progress: @Sendable (Int, Int) -> Void = { _, _ in }) throws {
        guard !FileManager.default.fileExists(atPath: destination) else { throw StoreError.duplicate(destination) }
        let target = try Database(path: destination)
        try db.backup(into: target, progress: progress)
    }

    /// Replaces this database's content with the backup at `source`, after checking that it is
    /// sound and not newer than this binary. Then migrates it to the current schema.
    public func restore(from source: String, progress: @Sendable (Int, Int) -> Void = { _, _ in }) throws {
        guard FileManager.default.fileExists(atPath: source) else { throw StoreError.notFound(source) }
        let backup = try Database(path: source, mode: .readOnly)
        let problems = try backup.integrityProblems()
        guard problems.isEmpty else { throw StoreError.invalid("\(source) fails its integrity check: \(problems.prefix(3).joined(separator: "; "))") }
        let version = try backup.userVersion()
        guard version <= Migrations.latest else { throw StoreError.newerSchema(found: version, supported: Migrations.latest, path: source) }
        try backup.backup(into: db, progress: progress)
        try Migrations.migrate(db)
    }

    // MARK: agents

    public func addAgent(_ agent: Agent, pin: String? = nil) throws {
        try validate(agent)
        do {
            try db.transaction { try AgentTable.insert(db, agent, pinHash: pin.map { PINHash.make($0) }) }
        } catch let error as SQLiteError where error.isConstraintViolation {
            throw StoreError.duplicate("agent \(agent.id)")
        }
    }

    /// Replaces an agent's name, endpoint, skills and languages; `pin` when given (empty removes it).
    public func updateAgent(_ agent: Agent, pin: String? = nil) throws {
        try validate(agent)
        try db.transaction {
            guard try !AgentTable.all(db, id: agent.id).isEmpty else { throw StoreError.notFound("agent \(agent.id)") }
            try AgentTable.update(db, agent)
            if let pin { try AgentTable.setPINHash(db, agentID: agent.id, hash: pin.isEmpty ? nil : PINHash.make(pin)) }
        }
    }

    public func removeAgent(id: String) throws {
        let removed = try db.transaction { try AgentTable.delete(db, id: id) }
        guard removed else { throw StoreError.notFound("agent \(id)") }
    }

    public func agents() throws -> [Agent] { try AgentTable.all(db) }

    public func agent(id: String) throws -> Agent? { try AgentTable.all(db, id: id).first }

    public func verifyPIN(agentID: String, pin: String) throws -> Bool {
        guard let hash = try AgentTable.pinHash(db, agentID: agentID) else { return false }
        return PINHash.verify(pin, against: hash)
    }

    public func recordAgentState(agentID: String, state: String, reason: String? = nil, at: Date = Date()) throws {
        try db.transaction { try AgentTable.recordState(db, agentID: agentID, state: state, reason: reason, at: at) }
    }

    /// An agent's state changes, oldest first.
    public func agentStateChanges(agentID: String) throws -> [(state: String, reason: String?, at: Date)] {
        try AgentTable.stateChanges(db, agentID: agentID)
    }

    private func validate(_ agent: Agent) throws {
        guard !agent.id.isEmpty, !agent.id.contains(where: \.isWhitespace) else { throw StoreError.invalid("agent id '\(agent.id)' must be a word without spaces") }
        guard !agent.endpoint.isEmpty, agent.endpoint.contains("/") else {
            throw StoreError.invalid("endpoint '\(agent.endpoint)' must be what Asterisk dials, such as PJSIP/1001")
        }
        for (skill, level) in agent.skills where !(1...5).contains(level) {
            throw StoreError.invalid("skill \(skill): level \(level) is not 1 to 5")
        }
    }

    // MARK: customers

    @discardableResult
    public func addCustomer(_ draft: CustomerDraft) throws -> Customer {
        try validate(draft)
        let id = try db.transaction { try CustomerTable.insert(db, draft, plan: plan, at: Date()) }
        return try CustomerTable.load(db, ids: [id])[0]
    }

    public func customers(limit: Int = -1, offset: Int = 0) throws -> [Customer] {
        try CustomerTable.load(db, limit: limit, offset: offset)
    }

    public func customer(id: Int64) throws -> Customer? { try CustomerTable.load(db, ids: [id]).first }

    /// Customers with this phone number, however it is written.
    public func customers(phone: String) throws -> [Customer] {
        guard let key = plan.key(phone) else { return [] }
        let ids = try CustomerTable.ids(db, matchKey: key)
        return ids.isEmpty ? [] : try CustomerTable.load(db, ids: ids)
    }

    /// Adds many customers in one transaction: all or, with `partial`, the good ones. Rows that
    /// fail (with `CustomerImport` line numbers) are returned; nothing is written when any fails
    /// and `partial` is false.
    public func importCustomers(_ rows: [(line: Int, draft: CustomerDraft)], partial: Bool) throws -> (added: Int, failures: [(line: Int, reason: String)]) {
        var failures: [(line: Int, reason: String)] = []
        var good: [CustomerDraft] = []
        for (line, draft) in rows {
            do {
                try validate(draft)
                good.append(draft)
            } catch {
                failures.append((line, "\(error)"))
            }
        }
        guard failures.isEmpty || partial else { return (0, failures) }
        let now = Date()
        try db.transaction {
            for draft in good { _ = try CustomerTable.insert(db, draft, plan: plan, at: now) }
        }
        return (good.count, failures)
    }

    /// Checks a customer before it is written: a name, at least one number that is a number, a tier 0…9.
    public nonisolated func validate(_ draft: CustomerDraft) throws {
        guard !draft.name.trimmingCharacters(in: .whitespaces).isEmpty else { throw StoreError.invalid("a customer needs a name") }
        guard !draft.phones.isEmpty else { throw StoreError.invalid("customer \(draft.name) needs a phone number") }
        for number in draft.phones where plan.key(number) == nil {
            throw StoreError.invalid("'\(number)' is not a phone number")
        }
        guard (0...9).contains(draft.vipTier) else { throw StoreError.invalid("VIP tier \(draft.vipTier) is not 0 to 9") }
    }

    // MARK: calls

    /// Inserts or updates a call by uniqueid; returns its id.
    @discardableResult
    public func saveCall(_ call: CallRecord) throws -> Int64 {
        try db.transaction { try CallTable.save(db, call, plan: plan) }
    }

    /// Appends timeline events, each batch in one transaction: committed when this returns.
    public func appendCallEvents(_ batches: [(callID: Int64, events: [CallEvent])]) throws {
        try db.transaction {
            for (callID, events) in batches { try CallTable.appendEvents(db, callID: callID, events) }
        }
        for (callID, _) in batches { openTimelines[callID] = nil }
    }

    /// Saves many calls in one transaction (imports, benchmarks); returns their ids in order.
    public func saveCalls(_ calls: [CallRecord]) throws -> [Int64] {
        try db.transaction { try calls.map { try CallTable.save(db, $0, plan: plan) } }
    }

    /// Saves finished calls with their whole timelines, all in one transaction.
    public func saveJourneys(_ journeys: [(call: CallRecord, events: [CallEvent])]) throws {
        try db.transaction {
            for (call, events) in journeys {
                let id = try CallTable.save(db, call, plan: plan)
                try CallTable.appendEvents(db, callID: id, events)
                openTimelines[id] = nil
            }
        }
    }

    /// Calls matching the filter, newest first.
    public func calls(_ filter: CallFilter) throws -> [CallRecord] { try CallTable.calls(db, filter, plan: plan) }

    /// The call with this uniqueid, or the calls with this linkedid, each with its timeline; oldest first.
    public func journeys(uniqueOrLinkedID id: String) throws -> [(call: CallRecord, events: [CallEvent])] {
        try CallTable.calls(db, uniqueOrLinkedID: id).map { call in (call, try CallTable.events(db, callID: call.id!)) }
    }

    public func callID(uniqueID: String) throws -> Int64? { try CallTable.id(db, uniqueID: uniqueID) }

    /// A caller's most recent calls, newest first, matched however the number is written.
    public func callHistory(number: String, limit: Int = 20) throws -> [CallRecord] {
        guard let key = plan.key(number) else { return [] }
        return try CallTable.history(db, callerKey: key, limit: limit)
    }

    public func callEvents(callID: Int64) throws -> [CallEvent] { try CallTable.events(db, callID: callID) }

    /// Calls by how they ended.
    public func callOutcomes() throws -> [String: Int] { try CallTable.outcomes(db) }

    /// Appends events to the call with this uniqueid; false when there is no such call.
    @discardableResult
    public func appendCallEvents(uniqueID: String, _ events: [CallEvent]) throws -> Bool {
        try db.transaction {
            guard let id = try CallTable.id(db, uniqueID: uniqueID) else { return false }
            try CallTable.appendEvents(db, callID: id, events)
            openTimelines[id] = nil
            return true
        }
    }

    // MARK: callbacks

    public func addCallback(_ request: PendingCallback) throws {
        try db.transaction { try CallbackTable.insert(db, request) }
    }

    /// Requests no agent has taken yet, longest waiting first.
    public func pendingCallbacks() throws -> [PendingCallback] { try CallbackTable.pending(db) }

    /// An agent took the request (`connected`) or it was dropped (`cancelled`); false when no
    /// request for `uniqueID` was pending.
    @discardableResult
    public func finishCallback(uniqueID: String, state: String, agent: String? = nil, at: Date = Date()) throws -> Bool {
        try db.transaction { try CallbackTable.finish(db, uniqueID: uniqueID, state: state, agent: agent, at: at) }
    }

    // MARK: surveys

    public func saveSurvey(uniqueID: String, answers: [Int], at: Date = Date()) throws {
        try db.transaction { try SurveyTable.insert(db, uniqueID: uniqueID, answers: answers, at: at) }
    }

    public func surveyAnswers(uniqueID: String) throws -> [Int] { try SurveyTable.answers(db, uniqueID: uniqueID) }
}

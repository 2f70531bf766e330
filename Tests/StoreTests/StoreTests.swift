import Core
import Foundation
import Recordings
import Reports
import SQLite
import TestSupport
import Testing
@testable import Store

@Suite struct PhoneNumberTests {
    static let china = PhoneNumberPlan(countryCode: "86", maximumNationalLength: 11)

    @Test func everyWayOfWritingOneNumberGivesOneKey() {
        for written in ["+86 138-0013-8000", "8613800138000", "13800138000", "008613800138000", "+86 (138) 0013 8000", " +8613800138000"] {
            #expect(Self.china.key(written) == "+8613800138000", "\(written)")
        }
        #expect(Self.china.key("010 6552 9988") == "+861065529988")
        #expect(Self.china.key("+1 555 010 9999") == "+15550109999")
        #expect(Self.china.key("1001") == "1001")
        #expect(Self.china.key("anonymous") == nil)
        #expect(Self.china.key("") == nil)
        #expect(PhoneNumberPlan().key("+86 138-0013-8000") == "+8613800138000")
        #expect(PhoneNumberPlan().key("138-0013-8000") == "13800138000")
        #expect(PhoneNumberPlan(countryCode: "1").key("15550109999") == "+15550109999")
    }
}

@Suite struct StoreTests {
    func open(_ folder: TemporaryDatabase, plan: PhoneNumberPlan = PhoneNumberTests.china) async throws -> Store {
        try await Store.open(path: folder.path, plan: plan)
    }

    @Test func freshDatabaseIsAtTheLatestSchemaAndSound() async throws {
        let folder = try TemporaryDatabase()
        let store = try await open(folder)
        defer { store.close() }
        #expect(try await store.schemaVersion() == Store.latestSchemaVersion)
        #expect(try await store.integrityProblems().isEmpty)
    }

    /// Every earlier version, with data in it, migrates to the latest and keeps its rows.
    @Test func migratesFromEveryEarlierVersion() async throws {
        for start in 0..<Migrations.latest {
            let folder = try TemporaryDatabase()
            do {
                let db = try Database(path: folder.path)
                for version in stride(from: 1, through: start, by: 1) {
                    try db.executeScript(Migrations.all[version - 1])
                    try db.setUserVersion(version)
                }
                if start >= 1 {
                    try db.execute("INSERT INTO agents (id, name, endpoint, created_at) VALUES ('1001', 'Li', 'PJSIP/1001', 0)")
                }
            }
            let store = try await open(folder)
            #expect(try await store.schemaVersion() == Migrations.latest)
            if start >= 1 { #expect(try await store.agent(id: "1001")?.name == "Li") }
            store.close()
        }
    }

    @Test func aNewerDatabaseIsRefusedNotDowngraded() async throws {
        let folder = try TemporaryDatabase()
        do {
            let db = try Database(path: folder.path)
            try db.setUserVersion(Migrations.latest + 1)
        }
        let refusal = await asyncErrorText { _ = try await Store.open(path: folder.path) }
        #expect(refusal == "\(folder.path) has schema version \(Migrations.latest + 1), newer than this switchboard supports (\(Migrations.latest)); upgrade switchboard, do not downgrade the database")
        let db = try Database(path: folder.path)
        #expect(try db.userVersion() == Migrations.latest + 1)
    }

    @Test func agentsWithSkillsLanguagesAndPIN() async throws {
        let folder = try TemporaryDatabase()
        let store = try await open(folder)
        defer { store.close() }
        try await store.addAgent(Agent(id: "1001", name: "Li Wei", endpoint: "PJSIP/1001", skills: ["billing": 4, "mandarin": 5], languages: ["zh", "en"]), pin: "4321")
        try await store.addAgent(Agent(id: "1002", name: "Ann", endpoint: "PJSIP/1002"))
        let duplicate = await asyncErrorText { try await store.addAgent(Agent(id: "1001", name: "Again", endpoint: "PJSIP/1009")) }
        #expect(duplicate == "agent 1001 already exists")
        let badLevel = await asyncErrorText { try await store.addAgent(Agent(id: "1003", name: "X", endpoint: "PJSIP/1003", skills: ["billing": 7])) }
        #expect(badLevel == "skill billing: level 7 is not 1 to 5")
        let badEndpoint = await asyncErrorText { try await store.addAgent(Agent(id: "1004", name: "X", endpoint: "1004")) }
        #expect(badEndpoint?.hasPrefix("endpoint '1004' must be what Asterisk dials") == true)

        let li = try #require(try await store.agent(id: "1001"))
        #expect(li.skills == ["billing": 4, "mandarin": 5])
        #expect(li.languages == ["en", "zh"])
        #expect(li.hasPIN)
        #expect(try await store.verifyPIN(agentID: "1001", pin: "4321"))
        #expect(try await !store.verifyPIN(agentID: "1001", pin: "1234"))
        #expect(try await !store.verifyPIN(agentID: "1002", pin: ""))

        var edited = li
        edited.skills = ["support": 3]
        try await store.updateAgent(edited, pin: "")
        #expect(try await store.agent(id: "1001")?.skills == ["support": 3])
        #expect(try await store.agent(id: "1001")?.hasPIN == false)
        try await store.recordAgentState(agentID: "1001", state: "paused", reason: "lunch")
        try await store.removeAgent(id: "1002")
        #expect(try await store.agents().map(\.id) == ["1001"])
        #expect(await asyncErrorText { try await store.removeAgent(id: "1002") } == "agent 1002 not found")
    }

    @Test func customersAreFoundHoweverTheNumberIsWritten() async throws {
        let folder = try TemporaryDatabase()
        let store = try await open(folder)
        defer { store.close() }
        let zhou = try await store.addCustomer(CustomerDraft(name: "Zhou Min", phones: ["+86 138-0013-8000", "010 6552 9988"], vipTier: 2, language: "zh"))
        #expect(zhou.phones == ["+86 138-0013-8000", "010 6552 9988"])
        for written in ["8613800138000", "13800138000", "+861065529988"] {
            #expect(try await store.customers(phone: written).map(\.id) == [zhou.id], "\(written)")
        }
        #expect(try await store.customers(phone: "13900000000").isEmpty)
        let noPhone = await asyncErrorText { try await store.addCustomer(CustomerDraft(name: "Nobody", phones: [])) }
        #expect(noPhone == "customer Nobody needs a phone number")
    }

    @Test func anImportWritesAllOrWithPartialTheGoodRows() async throws {
        let folder = try TemporaryDatabase()
        let store = try await open(folder)
        defer { store.close() }
        let rows: [(line: Int, draft: CustomerDraft)] = [
            (2, CustomerDraft(name: "A", phones: ["13800000001"])),
            (3, CustomerDraft(name: "", phones: ["13800000002"])),
            (4, CustomerDraft(name: "C", phones: ["13800000003"], vipTier: 12)),
            (5, CustomerDraft(name: "D", phones: ["13800000004"])),
        ]
        let strict = try await store.importCustomers(rows, partial: false)
        #expect(strict.added == 0)
        #expect(strict.failures.map(\.line) == [3, 4])
        #expect(strict.failures.map(\.reason) == ["a customer needs a name", "VIP tier 12 is not 0 to 9"])
        #expect(try await store.customers().isEmpty)
        let partial = try await store.importCustomers(rows, partial: true)
        #expect(partial.added == 2)
        #expect(try await store.customers().map(\.name) == ["A", "D"])
    }

    @Test func callsTheirTimelineAndACallersHistory() async throws {
        let folder = try TemporaryDatabase()
        let store = try await open(folder)
        defer { store.close() }
        var call = CallRecord(uniqueID: "1795460306.22", arrivedAt: Date(timeIntervalSince1970: 1_795_460_306))
        call.callerNumber = "+86 138-0013-8000"
        call.flow = "main"
        let id = try await store.saveCall(call)
        call.answeredAt = Date(timeIntervalSince1970: 1_795_460_320)
        call.outcome = .answered
        call.agentID = "1001"
        #expect(try await store.saveCall(call) == id)
        try await store.appendCallEvents([(id, [CallEvent(.node, at: call.arrivedAt, node: "main:start"), CallEvent(.connected, at: call.answeredAt!, agent: "1001")])])
        var older = CallRecord(uniqueID: "1795000000.1", arrivedAt: Date(timeIntervalSince1970: 1_795_000_000))
        older.callerNumber = "13800138000"
        try await store.saveCall(older)

        let history = try await store.callHistory(number: "8613800138000")
        #expect(history.map(\.uniqueID) == ["1795460306.22", "1795000000.1"])
        #expect(history.first?.outcome == .answered)
        #expect(history.first?.agentID == "1001")
        #expect(history.first?.id == id)
        let steps = try await store.callEvents(callID: id)
        #expect(steps.map(\.kind) == [.node, .connected])
        #expect(steps.map(\.node) == ["main:start", nil])
        #expect(steps.map(\.agent) == [nil, "1001"])
        let orphan = await asyncErrorText { try await store.appendCallEvents([(999, [CallEvent(.note)])]) }
        #expect(orphan?.contains("FOREIGN KEY constraint failed") == true)
    }

    /// Timelines written before steps were typed keep every step, split into fields.
    /// Recordings indexed before version 9 are summed into the agents' tallies by the migration;
    /// later ones as they are indexed, a file indexed again counting once.
    @Test func recordingTalliesAreFilledByTheMigrationAndKeptAfter() async throws {
        let folder = try TemporaryDatabase()
        let legs = #"{"seconds":100,"talkRatio":0.8,"longestSilenceSeconds":1,"clippingRatio":0,"averageLevelDBFS":-20,"talkSecondsByLeg":[30,70],"overlapSeconds":4}"#
        do {
            let db = try Database(path: folder.path)
            for version in 1...8 {
                try db.executeScript(Migrations.all[version - 1])
                try db.setUserVersion(version)
            }
            for (path, at) in [("/r/1.wav", 36_000.0), ("/r/2.wav", 36_100.0), ("/r/3.wav", 36_900.0)] {
                try db.execute(
                    "INSERT INTO recordings (path, agent, started_at, seconds, bytes, sha256, encoding, channels, figures, longest_silence) VALUES (?, '1001', ?, 100, 44, '', 'pcm16', 2, ?, 1)",
                    [path, at, legs]
                )
            }
        }
        let store = try await open(folder)
        defer { store.close() }
        let day = (Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: 86400))
        let migrated = try #require(try await store.recordingQuality(from: day.0, to: day.1)["1001"])
        #expect(migrated.count == 3 && abs(migrated.talkRatio! - 0.8) < 1e-9 && abs(migrated.agentShare! - 0.7) < 1e-9 && migrated.overlapSeconds == 4)
        // Only the first quarter hour (10:00–10:15 UTC) holds the first two.
        #expect(try await store.recordingQuality(from: Date(timeIntervalSince1970: 36_000), to: Date(timeIntervalSince1970: 36_900))["1001"]?.count == 2)
        var again = try #require(try await store.recordings(RecordingFilter(agent: "1001")).first { $0.path == "/r/3.wav" })
        again.figures.talkSecondsByLeg = [50]
        again.figures.talkRatio = 0.5
        try await store.saveRecording(again)
        let after = try #require(try await store.recordingQuality(from: day.0, to: day.1)["1001"])
        #expect(after.count == 3 && abs(after.talkRatio! - 0.7) < 1e-9 && abs(after.agentShare! - 0.7) < 1e-9 && after.overlapSeconds == 4)
    }

    @Test func version3TimelinesMigrateToTypedSteps() async throws {
        let folder = try TemporaryDatabase()
        do {
            let db = try Database(path: folder.path)
            for version in 1...3 {
                try db.executeScript(Migrations.all[version - 1])
                try db.setUserVersion(version)
            }
            try db.execute("INSERT INTO calls (id, uniqueid, direction, arrived_at, outcome, agent_id) VALUES (1, 'u1', 'inbound', 100, 'queued', '1001')")
            try db.execute("INSERT INTO calls (id, uniqueid, direction, arrived_at, outcome) VALUES (2, 'u2', 'inbound', 200, 'caller-hung-up')")
            let old: [(String, String?)] = [
                ("ivr-node", "main:start"), ("ivr-choice", "menu=2"), ("ivr-input", "CARD=****"), ("queued", "support"),
                ("offered", "support: agent 1001"), ("ring-no-answer", "support: agent 1002"), ("connected", "support: agent 1001"),
                ("abandoned", "support after 12 s"), ("gave-up", "support"), ("exit-by-key", "support"), ("callback-connected", "agent 1003 → 13800138000"),
                ("dtmf", "digit=5"),
            ]
            for (index, (kind, data)) in old.enumerated() {
                try db.execute("INSERT INTO call_events (call_id, kind, at, data) VALUES (1, ?, ?, ?)", [kind, Double(100 + index), data])
            }
        }
        let store = try await open(folder)
        defer { store.close() }
        let steps = try await store.callEvents(callID: 1)
        #expect(steps.map(\.kind) == [.node, .choice, .input, .queued, .offered, .ringNoAnswer, .connected, .abandoned, .exited, .exited, .callbackConnected, .note])
        #expect(steps[0].node == "main:start")
        #expect(steps[1].node == "menu" && steps[1].digits == "2")
        #expect(steps[2].detail == "CARD" && steps[2].digits == "****")
        #expect(steps[3].queue == "support")
        #expect(steps[4].queue == "support" && steps[4].agent == "1001")
        #expect(steps[5].agent == "1002")
        #expect(steps[7].queue == "support")
        #expect(steps[8].detail == "timeout" && steps[9].detail == "key")
        #expect(steps[10].agent == "1003")
        #expect(steps[11].detail == "dtmf: digit=5")
        let calls = try await store.calls(CallFilter())
        #expect(calls.map(\.outcome) == [.ivrOnly, .answered])
    }

    @Test func callsListFiltersByEveryField() async throws {
        let folder = try TemporaryDatabase()
        let store = try await open(folder)
        defer { store.close() }
        let day = Date(timeIntervalSince1970: 1_795_392_000)
        var calls: [CallRecord] = []
        for index in 0..<40 {
            var call = CallRecord(uniqueID: "u\(index)", arrivedAt: day.addingTimeInterval(Double(index) * 3600))
            call.agentID = index % 2 == 0 ? "1001" : "1002"
            call.queue = index % 4 < 2 ? "support" : "sales"
            call.callerNumber = index % 5 == 0 ? "+86 138 0013 8000" : "1390000\(1000 + index)"
            call.outcome = index % 3 == 0 ? .abandoned : .answered
            call.linkedID = "l\(index / 2)"
            calls.append(call)
        }
        _ = try await store.saveCalls(calls)
        func ids(_ filter: CallFilter) async throws -> [String] { try await store.calls(filter).map(\.uniqueID) }
        let firstDay = CallFilter(since: day, until: day.addingTimeInterval(86_400))
        #expect(try await ids(firstDay).count == 24)
        #expect(try await ids(firstDay).first == "u23")
        var agent = firstDay
        agent.agent = "1002"
        #expect(try await ids(agent) == stride(from: 23, through: 1, by: -2).map { "u\($0)" })
        #expect(try await ids(CallFilter(queue: "sales", outcome: .abandoned)) == calls.reversed().filter { $0.queue == "sales" && $0.outcome == .abandoned }.map(\.uniqueID))
        #expect(try await ids(CallFilter(caller: "13800138000")) == ["u35", "u30", "u25", "u20", "u15", "u10", "u5", "u0"])
        #expect(try await ids(CallFilter(limit: 3)) == ["u39", "u38", "u37"])
        #expect(try await store.journeys(uniqueOrLinkedID: "l3").map(\.call.uniqueID) == ["u6", "u7"])
        #expect(try await store.journeys(uniqueOrLinkedID: "u7").map(\.call.uniqueID) == ["u7"])
    }

    @Test func callbackRequestsStayPendingUntilTaken() async throws {
        let folder = try TemporaryDatabase()
        let store = try await open(folder)
        defer { store.close() }
        func request(_ uniqueID: String, waitingSince: Double) -> PendingCallback {
            PendingCallback(
                uniqueID: uniqueID, number: "13800138000", queue: "support", queueSkills: ["support": 3], queuePriority: 1,
                extraPriority: 2, extraSkills: ["lang:zh": 1], waitingSince: Date(timeIntervalSince1970: waitingSince),
                requestedAt: Date(timeIntervalSince1970: waitingSince + 30)
            )
        }
        try await store.addCallback(request("1795460306.2", waitingSince: 1_795_460_400))
        try await store.addCallback(request("1795460306.1", waitingSince: 1_795_460_306))
        #expect(try await store.pendingCallbacks() == [request("1795460306.1", waitingSince: 1_795_460_306), request("1795460306.2", waitingSince: 1_795_460_400)])
        let twice = await asyncErrorText { try await store.addCallback(request("1795460306.1", waitingSince: 1)) }
        #expect(twice?.contains("UNIQUE constraint failed: callbacks.uniqueid") == true)

        #expect(try await store.finishCallback(uniqueID: "1795460306.1", state: "connected", agent: "1001"))
        #expect(try await !store.finishCallback(uniqueID: "1795460306.1", state: "connected", agent: "1002"))
        #expect(try await store.pendingCallbacks().map(\.uniqueID) == ["1795460306.2"])
    }

    @Test func readOnlyStoresReadAndRefuseWrites() async throws {
        let folder = try TemporaryDatabase()
        let writer = try await open(folder)
        defer { writer.close() }
        try await writer.addAgent(Agent(id: "1001", name: "Li", endpoint: "PJSIP/1001"))
        let reader = try await Store.open(path: folder.path, readOnly: true)
        defer { reader.close() }
        #expect(try await reader.agents().map(\.id) == ["1001"])
        let write = await asyncErrorText { try await reader.addAgent(Agent(id: "1002", name: "Ann", endpoint: "PJSIP/1002")) }
        #expect(write?.contains("readonly") == true)
    }

    /// A backup taken while the writer keeps inserting is sound and holds a consistent prefix;
    /// restoring it brings exactly that back.
    @Test func backupAndRestoreWhileTheServerWrites() async throws {
        let folder = try TemporaryDatabase()
        let store = try await open(folder)
        defer { store.close() }
        let writing = Task {
            var written = 0
            while !Task.isCancelled {
                var call = CallRecord(uniqueID: "1795460000.\(written)")
                call.callerNumber = "13800000000"
                _ = try await store.saveCalls([call])
                written += 1
            }
            return written
        }
        try await Task.sleep(for: .milliseconds(100))
        let backupReader = try await Store.open(path: folder.path, readOnly: true)
        try await backupReader.backup(to: folder.file("backup.db"))
        backupReader.close()
        let written = try await writing.value(cancelling: true)
        #expect(written > 0)

        let copy = try await Store.open(path: folder.file("backup.db"), readOnly: true, plan: PhoneNumberTests.china)
        #expect(try await copy.integrityProblems().isEmpty)
        let inBackup = try await copy.callHistory(number: "13800000000", limit: 1_000_000).count
        copy.close()
        #expect(inBackup > 0 && inBackup <= written)

        let restored = try await Store.open(path: folder.file("restored.db"), plan: PhoneNumberTests.china)
        defer { restored.close() }
        try await restored.restore(from: folder.file("backup.db"))
        #expect(try await restored.callHistory(number: "13800000000", limit: 1_000_000).count == inBackup)
        let again = await asyncErrorText { try await restored.backup(to: folder.file("backup.db")) }
        #expect(again == "\(folder.file("backup.db")) already exists")
    }
}

extension Task where Failure == any Error {
    func value(cancelling: Bool) async throws -> Success {
        if cancelling { cancel() }
        return try await value
    }
}

@Suite struct PINHashTests {
    @Test func sha256MatchesFIPS180Vectors() {
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test func hashesAreSaltedAndVerify() {
        let first = PINHash.make("4321")
        let second = PINHash.make("4321")
        #expect(first != second)
        #expect(!first.contains("4321"))
        #expect(PINHash.verify("4321", against: first))
        #expect(!PINHash.verify("4322", against: first))
        #expect(!PINHash.verify("4321", against: "garbage"))
    }
}

import Core
import Foundation
import Store
import Testing
import Tickets
@testable import App

/// Tickets made from ended calls and changed by people, over a real SQLite file: one per call
/// and rule, repeat callers linked, the SLA clock stopped while pending, refusals that write nothing.
@Suite struct TicketDeskTests {
    static let zone = TimeZone(identifier: "Asia/Shanghai")!
    /// Weekdays 09:00–18:00.
    static let hours = BusinessCalendar(zone: zone) { (1...5).contains($0.weekday) && (540..<1080).contains($0.minuteOfDay) }
    /// Monday 2026-12-07 10:00 in Shanghai.
    static let monday10 = Date(timeIntervalSince1970: 1_796_608_800)

    final class Desk {
        let folder = temporaryPath("tickets")
        let store: Store
        let desk: TicketDesk

        init(repeatHours: Double = 72) async throws {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            store = try await Store.open(path: folder + "/sb.db", plan: PhoneNumberPlan(countryCode: "86", maximumNationalLength: 11))
            try await store.addAgent(Agent(id: "1001", name: "Li", endpoint: "PJSIP/1001", skills: [:]))
            var settings = TicketSettings()
            for trigger in TicketRule.Trigger.allCases { settings.rules[trigger] = TicketRule(trigger: trigger) }
            settings.policies = [SLAPolicy(name: "standard", firstResponseSeconds: 3600, resolutionSeconds: 8 * 3600)]
            settings.repeatWindowSeconds = repeatHours * 3600
            desk = TicketDesk(store: store, settings: settings, calendar: TicketDeskTests.hours, queues: ["support", "sales"])
        }

        deinit {
            store.close()
            try? FileManager.default.removeItem(atPath: folder)
        }
    }

    static func call(_ id: String, _ outcome: CallOutcome, number: String = "13800138000", endedAt: Date = monday10) -> CallRecord {
        var call = CallRecord(uniqueID: id, arrivedAt: endedAt.addingTimeInterval(-60))
        call.callerNumber = number
        call.queue = "support"
        call.outcome = outcome
        call.waitSeconds = 50
        call.endedAt = endedAt
        return call
    }

    @Test func anAbandonedCallIsOneTicketWithItsDueTimesAndAShortAbandonNone() async throws {
        let setup = try await Desk()
        let outcome = try await setup.desk.take(Self.call("1.1", .abandoned), steps: [], at: Self.monday10)
        guard case .created(let ticket)? = outcome else { Issue.record("no ticket: \(String(describing: outcome))"); return }
        #expect(ticket.subject == "Call back 13800138000: hung up in support after 50 s")
        #expect(ticket.assignee == .queue("support") && ticket.slaPolicy == "standard")
        #expect(ticket.firstResponseDue == Self.monday10.addingTimeInterval(3600))
        // Eight open hours from Monday 10:00: closing time.
        #expect(ticket.resolutionDue == Self.monday10.addingTimeInterval(8 * 3600))
        // The same call told again (a reconnect, a restart): nothing more.
        #expect(try await setup.desk.take(Self.call("1.1", .abandoned), steps: [], at: Self.monday10) == nil)
        #expect(try await setup.desk.take(Self.call("1.2", .shortAbandoned, number: "13900000000"), steps: [], at: Self.monday10) == nil)
        #expect(try await setup.desk.take(Self.call("1.3", .answered, number: "13900000000"), steps: [], at: Self.monday10) == nil)
        #expect(try await setup.store.tickets(TicketFilter()).count == 1)
    }

    @Test func aRepeatCallerIsLinkedToTheirOpenTicketWithinTheWindow() async throws {
        let setup = try await Desk(repeatHours: 24)
        guard case .created(let first)? = try await setup.desk.take(Self.call("2.1", .abandoned), steps: [], at: Self.monday10) else { Issue.record(); return }
        let voicemail = [CallEvent(.voicemail, detail: "/var/spool/vm-2.2 9 s")]
        let again = try await setup.desk.take(Self.call("2.2", .voicemail, number: "+86 138 0013 8000"), steps: voicemail, at: Self.monday10.addingTimeInterval(600))
        guard case .linked(let linked)? = again else { Issue.record("not linked: \(String(describing: again))"); return }
        #expect(linked.id == first.id)
        #expect(linked.calls.map(\.uniqueID) == ["2.1", "2.2"])
        #expect(linked.files == [TicketFile(path: "/var/spool/vm-2.2.wav", kind: .voicemail)])
        // Two days later the window is over: a new ticket.
        let later = try await setup.desk.take(Self.call("2.3", .abandoned), steps: [], at: Self.monday10.addingTimeInterval(2 * 86400))
        guard case .created(let second)? = later else { Issue.record("not created: \(String(describing: later))"); return }
        #expect(second.id != first.id)
    }

    @Test func pendingStopsTheSLAClockAndTheFirstResponseIsAPersonsFirstMove() async throws {
        let setup = try await Desk()
        guard case .created(let ticket)? = try await setup.desk.take(Self.call("3.1", .abandoned), steps: [], at: Self.monday10) else { Issue.record(); return }
        // Monday 11:00, a comment: the first response; status stays new.
        let commented = try await setup.desk.apply(.comment, to: ticket.id, who: "user:ana", comment: "left a message", at: Self.monday10.addingTimeInterval(3600))
        #expect(commented.firstResponseAt == Self.monday10.addingTimeInterval(3600) && commented.status == .new)
        // Pending at 12:00 (six open hours left) until Wednesday 15:00: due Thursday 12:00.
        let pending = try await setup.desk.apply(.status(.pending), to: ticket.id, who: "user:ana", at: Self.monday10.addingTimeInterval(2 * 3600))
        #expect(pending.resolutionDue == nil && pending.resolutionLeft == 6.0 * 3600)
        #expect(try await setup.store.tickets(TicketFilter(overdueAt: Self.monday10.addingTimeInterval(5 * 86400))).isEmpty)
        let wednesday15 = Self.monday10.addingTimeInterval(2 * 86400 + 5 * 3600)
        let reopened = try await setup.desk.apply(.status(.open), to: ticket.id, who: "user:ana", at: wednesday15)
        #expect(reopened.resolutionDue == Self.monday10.addingTimeInterval(3 * 86400 + 2 * 3600))
        let solved = try await setup.desk.apply(.status(.solved), to: ticket.id, who: "agent:1001", at: wednesday15.addingTimeInterval(60))
        #expect(solved.solvedAt == wednesday15.addingTimeInterval(60))
        let history = try await setup.store.ticketHistory(id: ticket.id).map { "\($0.who) \($0.field) \($0.new ?? "-")" }
        #expect(history.contains("user:ana status pending") && history.contains("agent:1001 status solved"))
    }

    @Test func illegalChangesAndUnknownNamesAreRefusedAndWriteNothing() async throws {
        let setup = try await Desk()
        let draft = TicketDraft(subject: "Router broken", category: "fault", createdBy: "user:ana")
        let ticket = try #require(try await setup.desk.create(draft, at: Self.monday10))
        try await setup.desk.apply(.status(.closed), to: ticket.id, who: "user:ana", at: Self.monday10)
        let before = try await setup.store.ticketHistory(id: ticket.id).count
        await #expect(throws: TicketError.self) { try await setup.desk.apply(.status(.pending), to: ticket.id, who: "user:ana") }
        await #expect(throws: TicketError.self) { try await setup.desk.apply(.assign(.agent("1001")), to: ticket.id, who: "user:ana") }
        try await setup.desk.apply(.status(.open), to: ticket.id, who: "user:ana", at: Self.monday10)
        await #expect(throws: StoreError.self) { try await setup.desk.apply(.assign(.agent("9999")), to: ticket.id, who: "user:ana") }
        await #expect(throws: TicketError.self) { try await setup.desk.apply(.assign(.queue("nowhere")), to: ticket.id, who: "user:ana") }
        await #expect(throws: StoreError.self) { try await setup.desk.apply(.comment, to: 777, who: "user:ana", comment: "hello") }
        // Only the reopen was written.
        #expect(try await setup.store.ticketHistory(id: ticket.id).count == before + 1)
        let assigned = try await setup.desk.apply(.assign(.agent("1001")), to: ticket.id, who: "user:ana")
        #expect(assigned.assignee == .agent("1001") && assigned.closedAt == nil)
    }
}

/// Escalation on a virtual clock: each step fires once, at its moment, also across a restart.
@Suite struct TicketEscalationTests {
    @Test func stepsFireOnceAtTheirMomentAndNeverForAPendingTicket() async throws {
        let setup = try await TicketDeskTests.Desk()
        var warn = EscalationStep(name: "warn", due: .resolution, offsetSeconds: -1800)
        warn.call = "PJSIP/supervisor"
        var late = EscalationStep(name: "late", due: .resolution, offsetSeconds: 0)
        late.raisePriority = true
        late.reassign = .queue("sales")
        var settings = setup.desk.settings
        settings.escalations = [warn, late]
        let desk = TicketDesk(store: setup.store, settings: settings, calendar: TicketDeskTests.hours, queues: ["support", "sales"])
        let start = TicketDeskTests.monday10
        let ticket = try #require(try await desk.create(TicketDraft(subject: "Line down", queue: "support", createdBy: "user:ana"), at: start))
        let parked = try #require(try await desk.create(TicketDraft(subject: "Waiting on them", createdBy: "user:ana"), at: start))
        try await desk.apply(.status(.pending), to: parked.id, who: "user:ana", at: start)
        let due = try #require(ticket.resolutionDue)
        #expect(try await desk.escalate(at: due.addingTimeInterval(-1801)).isEmpty)
        let first = try await desk.escalate(at: due.addingTimeInterval(-1799))
        #expect(first.map { "\($0.ticket.number) \($0.step.name)" } == ["\(ticket.number) warn"])
        #expect(first.first?.ticket.priority == .normal)
        #expect(try await desk.escalate(at: due.addingTimeInterval(-1000)).isEmpty)
        let second = try await desk.escalate(at: due.addingTimeInterval(60))
        #expect(second.map(\.step.name) == ["late"])
        #expect(second.first?.ticket.priority == .high && second.first?.ticket.assignee == .queue("sales"))
        // Another desk over the same database, as after a restart: nothing fires again.
        let restarted = TicketDesk(store: setup.store, settings: settings, calendar: TicketDeskTests.hours)
        #expect(try await restarted.escalate(at: due.addingTimeInterval(7200)).isEmpty)
        let history = try await setup.store.ticketHistory(id: ticket.id).filter { $0.who.hasPrefix("escalation:") }.map { "\($0.who) \($0.field) \($0.new ?? "")" }
        #expect(history == ["escalation:warn escalated warn", "escalation:late priority high", "escalation:late assignee queue:sales", "escalation:late queue sales", "escalation:late escalated late"])
        #expect(try await setup.store.ticketHistory(id: parked.id).allSatisfy { !$0.who.hasPrefix("escalation:") })
    }

    @Test func aStepAfterTheFirstResponseDueStopsOnceAPersonResponds() async throws {
        let setup = try await TicketDeskTests.Desk()
        var settings = setup.desk.settings
        settings.escalations = [EscalationStep(name: "unanswered", due: .firstResponse, offsetSeconds: 600)]
        let desk = TicketDesk(store: setup.store, settings: settings, calendar: TicketDeskTests.hours)
        let start = TicketDeskTests.monday10
        let answered = try #require(try await desk.create(TicketDraft(subject: "a", createdBy: "rule:abandoned"), at: start))
        let ignored = try #require(try await desk.create(TicketDraft(subject: "b", createdBy: "rule:abandoned"), at: start))
        try await desk.apply(.comment, to: answered.id, who: "user:ana", comment: "on it", at: start.addingTimeInterval(60))
        let fired = try await desk.escalate(at: start.addingTimeInterval(3600 + 601))
        #expect(fired.map(\.ticket.id) == [ignored.id])
    }
}

/// What a flow's `ticket-status` node may tell a caller.
@Suite struct TicketStatusLookupTests {
    @Test func aKeyedTicketIsToldOnlyToItsOwnCaller() async throws {
        let setup = try await TicketDeskTests.Desk()
        let mine = try #require(try await setup.desk.create(TicketDraft(subject: "Router", phone: "+86 138 0013 8000", createdBy: "user:ana")))
        let routing = RoutingService(agents: [], queues: [:], loggedIn: false, logger: .silent)
        let ledger = CallLedger(queues: [:], amiReady: { false }, write: { _ in })
        var services = StoreFlowServices(store: setup.store, recordingsFolder: setup.folder, logger: .silent, routing: routing, ledger: ledger)
        services.tickets = setup.desk
        #expect(try await services.ticket(keyed: mine.number, callerNumber: "13800138000")?.id == mine.id)
        #expect(try await services.ticket(keyed: String(mine.id), callerNumber: "008613800138000")?.id == mine.id)
        #expect(try await services.ticket(keyed: mine.number, callerNumber: "13900000000") == nil)
        #expect(try await services.ticket(keyed: mine.number, callerNumber: nil) == nil)
        #expect(try await services.ticket(keyed: "T-000099", callerNumber: "13800138000") == nil)
        #expect(try await services.ticket(keyed: nil, callerNumber: "13800138000")?.id == mine.id)
        // A flow's ticket node, once per call and node.
        let draft = TicketDraft(subject: "Fault", createdBy: "flow:main", call: TicketCall(uniqueID: "1.9", rule: "flow:main/fault", at: Date()))
        #expect(try await services.createTicket(draft) != nil)
        #expect(try await services.createTicket(draft) == nil)
    }
}

/// A solved ticket's satisfaction survey call: scheduled on solving, placed in open time only,
/// a limited number of tries, and the answers kept on the ticket.
@Suite struct TicketSurveyCallTests {
    final class Placed: @unchecked Sendable {
        private let lock = NSLock()
        private var calls: [(Int64, String)] = []
        func add(_ survey: TicketSurvey, _ uniqueID: String) { lock.withLock { calls.append((survey.ticketID, uniqueID)) } }
        var uniqueIDs: [String] { lock.withLock { calls.map(\.1) } }
    }

    @Test func solvingSchedulesASurveyCallPlacedInOpenTimeWithLimitedTries() async throws {
        let setup = try await TicketDeskTests.Desk()
        var settings = setup.desk.settings
        settings.surveyCalls = TicketSettings.SurveyCalls(delaySeconds: 600, tries: 2, retrySeconds: 3600)
        let desk = TicketDesk(store: setup.store, settings: settings, calendar: TicketDeskTests.hours)
        let start = TicketDeskTests.monday10
        let ticket = try #require(try await desk.create(TicketDraft(subject: "Router", phone: "13800138000", createdBy: "user:ana"), at: start))
        let noPhone = try #require(try await desk.create(TicketDraft(subject: "Internal", createdBy: "user:ana"), at: start))
        try await desk.apply(.status(.solved), to: ticket.id, who: "agent:1001", at: start)
        try await desk.apply(.status(.solved), to: noPhone.id, who: "agent:1001", at: start)
        let placed = Placed()
        func place(at seconds: Double) async throws -> Int { try await desk.placeSurveys(at: start.addingTimeInterval(seconds)) { placed.add($0, $1) } }
        #expect(try await place(at: 300) == 0)
        #expect(try await place(at: 601) == 1)
        #expect(try await place(at: 700) == 0)
        // Unanswered: tried again an hour later, then no more.
        #expect(try await place(at: 601 + 3601) == 1)
        #expect(try await place(at: 3 * 3600 + 1202) == 0)
        #expect(placed.uniqueIDs == ["ticket-survey-\(ticket.id)-1", "ticket-survey-\(ticket.id)-2"])
        // The second call is answered: the answers are on the ticket.
        #expect(try await setup.store.ticketSurveyAnswered(uniqueID: "ticket-survey-\(ticket.id)-2", answers: [5, 4]))
        #expect(try await setup.store.ticketHistory(id: ticket.id).last.map { "\($0.who) \($0.field) \($0.new ?? "")" } == "customer survey 5,4")
        #expect(try await setup.store.ticketSurveyAnswered(uniqueID: "some-other-call", answers: [1]) == false)
    }

    @Test func noCallAtNightAndNoneForATicketReopenedMeanwhile() async throws {
        let setup = try await TicketDeskTests.Desk()
        var settings = setup.desk.settings
        settings.surveyCalls = TicketSettings.SurveyCalls(delaySeconds: 0, tries: 3, retrySeconds: 3600)
        let desk = TicketDesk(store: setup.store, settings: settings, calendar: TicketDeskTests.hours)
        let start = TicketDeskTests.monday10
        let solvedLate = try #require(try await desk.create(TicketDraft(subject: "a", phone: "13800138000", createdBy: "user:ana"), at: start))
        let reopened = try #require(try await desk.create(TicketDraft(subject: "b", phone: "13900000000", createdBy: "user:ana"), at: start))
        try await desk.apply(.status(.solved), to: solvedLate.id, who: "user:ana", at: start)
        try await desk.apply(.status(.solved), to: reopened.id, who: "user:ana", at: start)
        try await desk.apply(.status(.open), to: reopened.id, who: "user:ana", at: start)
        let placed = Placed()
        // Monday 20:00: closed.
        #expect(try await desk.placeSurveys(at: start.addingTimeInterval(10 * 3600)) { placed.add($0, $1) } == 0)
        // Tuesday 09:30: only the ticket still solved.
        #expect(try await desk.placeSurveys(at: start.addingTimeInterval(23.5 * 3600)) { placed.add($0, $1) } == 1)
        #expect(placed.uniqueIDs == ["ticket-survey-\(solvedLate.id)-1"])
    }
}

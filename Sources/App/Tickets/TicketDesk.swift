import Core
import Foundation
import Store
import Tickets

/// Tickets at work: made from ended calls by the rules (or the call linked to the caller's
/// open ticket), and changed by people, with the SLA clock kept right through every status.
/// `serve` keeps one; `switchboard tickets` makes its own over the same database.
public final class TicketDesk: Sendable {
    public let store: Store
    public let settings: TicketSettings
    public let calendar: BusinessCalendar
    /// Queues a ticket may be given to; empty: any name.
    let queues: Set<String>
    private let logger: Logger

    public init(store: Store, settings: TicketSettings, calendar: BusinessCalendar, queues: Set<String> = [], logger: Logger = .silent) {
        self.store = store
        self.settings = settings
        self.calendar = calendar
        self.queues = queues
        self.logger = logger
    }

    /// What an ended call did to the tickets.
    public enum Outcome: Sendable, Equatable {
        case created(Ticket)
        /// Linked to the caller's open ticket.
        case linked(Ticket)
    }

    /// An ended call: linked to the caller's open ticket from within the repeat window, or a new
    /// ticket by its rule. Nil when no rule is for it, or when this call and rule were taken
    /// already (a repeated event, a reconnect, a restart): never two tickets of one call.
    @discardableResult
    public func take(_ call: CallRecord, steps: [CallEvent], at now: Date = Date()) async throws -> Outcome? {
        guard let trigger = TicketRule.trigger(of: call), let rule = settings.rules[trigger] else { return nil }
        var customerName: String?
        if let id = call.customerID { customerName = try await store.customer(id: id)?.name }
        let draft = rule.draft(for: call, steps: steps, customerName: customerName)
        if let phone = call.callerNumber,
           let open = try await store.openTickets(phone: phone).first(where: { now.timeIntervalSince($0.createdAt) <= settings.repeatWindowSeconds }),
           let link = draft.call {
            guard try await store.linkCall(ticketID: open.id, link, files: draft.files, who: draft.createdBy, at: now) else { return nil }
            logger.info("call linked to the caller's open ticket", ["ticket": open.number, "uniqueid": call.uniqueID])
            return try await store.ticket(id: open.id).map(Outcome.linked)
        }
        guard let ticket = try await create(draft, at: now) else { return nil }
        logger.info("ticket created from a call", ["ticket": ticket.number, "rule": trigger.rawValue, "uniqueid": call.uniqueID])
        return .created(ticket)
    }

    /// A new ticket, with due times from the first SLA policy that matches it. Nil when its call
    /// is linked under its rule already.
    public func create(_ draft: TicketDraft, at now: Date = Date()) async throws -> Ticket? {
        if case .queue(let queue) = draft.assignee { try check(queue: queue) }
        let policy = SLAPolicy.first(in: settings.policies, priority: draft.priority, category: draft.category, queue: draft.queue)
        let clock = policy.map { SLAClock.start($0, at: now, calendar: calendar) }
        return try await store.createTicket(
            draft, slaPolicy: policy?.name, firstResponseDue: clock?.firstResponseDue, resolutionDue: clock?.resolutionDue, at: now
        )
    }

    /// What a person does to a ticket.
    public enum Action: Sendable, Equatable {
        case status(TicketStatus)
        case assign(TicketAssignee)
        case priority(TicketPriority)
        case comment
    }

    /// Applies `action` (with `comment`, if any) as `who`; an illegal change or an unknown
    /// ticket, agent or queue throws and writes nothing.
    @discardableResult
    public func apply(_ action: Action, to id: Int64, who: String, comment: String? = nil, at now: Date = Date()) async throws -> Ticket {
        if case .assign(.queue(let queue)) = action { try check(queue: queue) }
        let calendar = calendar
        let ticket = try await store.updateTicket(id: id, who: who, at: now, comment: comment) { ticket in
            try Self.changed(ticket, by: action, who: who, at: now, calendar: calendar)
        }
        if action == .status(.solved), let calls = settings.surveyCalls, ticket.phone != nil {
            try await store.scheduleSurvey(ticketID: ticket.id, at: now.addingTimeInterval(calls.delaySeconds))
        }
        return ticket
    }

    /// Places the survey calls due at `now`, in open time only: each is counted as a try before
    /// `call` places it (with the uniqueid the call is to have), so a crash never calls twice in
    /// a row. Returns how many were placed.
    @discardableResult
    public func placeSurveys(at now: Date = Date(), call: @Sendable (TicketSurvey, _ uniqueID: String) async -> Void) async throws -> Int {
        guard let calls = settings.surveyCalls, calendar.isOpen(at: now) else { return 0 }
        let due = try await store.surveysDue(at: now)
        for survey in due {
            let uniqueID = "ticket-survey-\(survey.ticketID)-\(survey.tries + 1)"
            try await store.surveyCalling(ticketID: survey.ticketID, uniqueID: uniqueID, retryAt: now.addingTimeInterval(calls.retrySeconds), maxTries: calls.tries)
            logger.info("survey call placed", ["ticket": TicketNumber.text(survey.ticketID), "try": "\(survey.tries + 1)"])
            await call(survey, uniqueID)
        }
        return due.count
    }

    /// The ticket after `action`: status rules, the SLA clock stopped while pending and run again
    /// after, solved and closed times, and the first response (a person's first word or move).
    static func changed(_ old: Ticket, by action: Action, who: String, at now: Date, calendar: BusinessCalendar) throws -> Ticket {
        var ticket = old
        // A person's first comment or move (not a priority alone) is the first response.
        let responds: Bool
        if case .priority = action { responds = false } else { responds = !who.hasPrefix("rule:") && who != "system" }
        if ticket.firstResponseAt == nil, responds { ticket.firstResponseAt = now }
        switch action {
        case .status(let status):
            guard old.status.canChange(to: status) else {
                throw TicketError("ticket \(old.number) is \(old.status.rawValue): it cannot become \(status.rawValue)"
                    + (old.status == .closed ? " (a closed ticket can only be reopened)" : ""))
            }
            var clock = SLAClock(firstResponseDue: old.firstResponseDue, resolutionDue: old.resolutionDue, firstResponseLeft: old.firstResponseLeft, resolutionLeft: old.resolutionLeft)
            if status == .pending {
                clock = clock.stopped(at: now, responded: ticket.firstResponseAt != nil, calendar: calendar)
            } else if old.status == .pending {
                clock = clock.resumed(at: now, calendar: calendar)
            }
            (ticket.firstResponseDue, ticket.resolutionDue, ticket.firstResponseLeft, ticket.resolutionLeft) =
                (clock.firstResponseDue, clock.resolutionDue, clock.firstResponseLeft, clock.resolutionLeft)
            ticket.status = status
            switch status {
            case .solved: ticket.solvedAt = now
            case .closed: ticket.closedAt = now
            case .open where !old.status.isOpen:
                ticket.solvedAt = nil
                ticket.closedAt = nil
            default: break
            }
        case .assign(let assignee):
            guard old.status.isOpen else { throw TicketError("ticket \(old.number) is \(old.status.rawValue): reopen it first") }
            ticket.assignee = assignee
            if case .queue(let queue) = assignee { ticket.queue = queue }
            if ticket.status == .new { ticket.status = .open }
        case .priority(let priority):
            ticket.priority = priority
        case .comment:
            break
        }
        return ticket
    }

    /// An agent's wrap-up code for the call they handled last: its ticket (or else the caller's
    /// open one) moved to a status, or a ticket made for the call and given to the agent.
    @discardableResult
    public func wrapUp(agent: String, code: String, at now: Date = Date()) async throws -> Ticket {
        guard let action = settings.wrapUpCodes[code] else {
            throw TicketError("no wrap-up code \(code) (codes: \(settings.wrapUpCodes.keys.sorted().joined(separator: ", ")))")
        }
        guard let call = try await store.calls(CallFilter(agent: agent, limit: 1)).first else { throw TicketError("agent \(agent) has answered no call") }
        let who = "agent:\(agent)"
        switch action {
        case .create(let category, let priority):
            let draft = TicketDraft(
                subject: "Follow-up to the call from \(call.callerNumber ?? "an unknown number")", category: category, priority: priority,
                customerID: call.customerID, phone: call.callerNumber, assignee: .agent(agent), queue: call.queue, createdBy: who,
                call: TicketCall(uniqueID: call.uniqueID, rule: "wrapup", at: now),
                files: call.recording.map { [TicketFile(path: $0, kind: .recording)] } ?? []
            )
            guard let ticket = try await create(draft, at: now) else { throw TicketError("the call \(call.uniqueID) has its wrap-up ticket already") }
            return ticket
        case .status(let status):
            var target = try await store.tickets(linkedTo: call.uniqueID).first { $0.status.canChange(to: status) }
            if target == nil, let number = call.callerNumber { target = try await store.openTickets(phone: number).first }
            guard let target else { throw TicketError("no ticket for agent \(agent)'s last call (\(call.uniqueID), from \(call.callerNumber ?? "an unknown number"))") }
            return try await apply(.status(status), to: target.id, who: who, comment: "wrap-up code \(code) after call \(call.uniqueID)", at: now)
        }
    }

    /// Fires every escalation step due at `now` (each once per ticket, also across restarts) and
    /// returns what fired, for the notices.
    public func escalate(at now: Date = Date()) async throws -> [(ticket: Ticket, step: EscalationStep)] {
        let steps = settings.escalations
        guard !steps.isEmpty else { return [] }
        // A step 30 minutes before a due time looks at tickets due within the next 30 minutes.
        let lead = steps.map { max(0, -$0.offsetSeconds) }.max() ?? 0
        var fired: [(Ticket, EscalationStep)] = []
        for (ticket, done) in try await store.ticketsToEscalate(dueBefore: now.addingTimeInterval(lead)) {
            for step in EscalationStep.due(ticket, steps: steps, fired: done, at: now) {
                if let changed = try await store.escalate(ticketID: ticket.id, step: step.name, at: now, step.applied(to:)) {
                    logger.warning("ticket escalated", ["ticket": changed.number, "step": step.name, "priority": changed.priority.rawValue, "assignee": changed.assignee?.description ?? ""])
                    fired.append((changed, step))
                }
            }
        }
        return fired
    }

    /// Every `interval` until cancelled: escalates (`fired` hears of each step that fires) and,
    /// when `survey` can place calls (AMI is up), places the survey calls due.
    public func run(
        every interval: Duration = .seconds(30), fired: @Sendable (Ticket, EscalationStep) -> Void,
        survey: (@Sendable (TicketSurvey, _ uniqueID: String) async -> Void)?
    ) async {
        while !Task.isCancelled {
            do {
                for (ticket, step) in try await escalate() { fired(ticket, step) }
                if let survey { try await placeSurveys(call: survey) }
            } catch {
                logger.error("ticket clock check failed: \(error)")
            }
            try? await Task.sleep(for: interval)
        }
    }

    private func check(queue: String) throws {
        guard queues.isEmpty || queues.contains(queue) else { throw TicketError("no queue '\(queue)' (queues: \(queues.sorted().joined(separator: ", ")))") }
    }
}

/// A change a ticket cannot take; the text says why.
public struct TicketError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

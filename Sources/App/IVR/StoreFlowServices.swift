import ACD
import Core
import Foundation
import IVR
import Store
import Synchronization

/// What flows need from Switchboard, backed by the store and the ACD.
struct StoreFlowServices: FlowServices {
    let store: Store
    let recordingsFolder: String
    let logger: Logger
    let routing: RoutingService
    let ledger: CallLedger
    /// The flows the call started with, so that a reload never changes one under it.
    var flows: [String: Flow] = [:]
    /// What time conditions see (tests fix it).
    var clock: @Sendable () -> Date = { Date() }
    /// Seconds of the calls' world per real second (`CallCenter.Settings.pace`).
    var pace = 1.0
    var timeZone = TimeZone.current
    var operatorTarget = "PJSIP/operator"

    /// How queue calls' recordings are named; nil: the default pattern under `recordingsFolder`.
    var recordingName: RecordingName?
    /// Makes and finds tickets for the flows' ticket nodes; nil: no tickets file.
    var tickets: TicketDesk?

    func createTicket(_ draft: TicketDraft) async throws -> Ticket? {
        try await tickets?.create(draft, at: Date())
    }

    func ticket(keyed: String?, callerNumber: String?) async throws -> Ticket? {
        if let keyed {
            // A keyed number is told only to the caller it belongs to.
            guard let id = TicketNumber.id(keyed), let ticket = try await store.ticket(id: id), let callerNumber, let phone = ticket.phone,
                  store.plan.key(phone) == store.plan.key(callerNumber) else { return nil }
            return ticket
        }
        guard let callerNumber else { return nil }
        return try await store.openTickets(phone: callerNumber).first
    }

    func customer(number: String) async throws -> Customer? {
        try await store.customers(phone: number).first
    }

    func lastCall(number: String, before uniqueID: String) async throws -> CallRecord? {
        try await store.callHistory(number: number, limit: 5).first { $0.uniqueID != uniqueID && $0.outcome != nil }
    }

    func enqueue(_ queue: Node.Queue, caller: CallerInfo, variables: [String: String], channel: any CallChannel) async throws -> QueueOutcome {
        try await QueueHold(queue: queue, caller: caller, variables: variables, channel: channel, services: self).run()
    }

    func voicemailPath(uniqueID: String) -> String { recordingsFolder + "/voicemail-" + uniqueID }

    func recordingPath(owner: String, uniqueID: String, agent: String?) -> String {
        (recordingName ?? RecordingName(folder: recordingsFolder)).path(queue: owner, uniqueID: uniqueID, agent: agent, at: now())
    }

    /// Kept with the call, and on the ticket when the call was a solved ticket's survey call.
    func saveSurvey(uniqueID: String, answers: [Int]) async throws {
        try await store.saveSurvey(uniqueID: uniqueID, answers: answers)
        try await store.ticketSurveyAnswered(uniqueID: uniqueID, answers: answers)
    }

    func record(uniqueID: String, _ event: CallEvent) { ledger.record(uniqueID: uniqueID, event) }

    func flow(named name: String) -> Flow? { flows[name] }

    func now() -> Date { clock() }
}

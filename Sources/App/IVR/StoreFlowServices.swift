import ACD
import Core
import Foundation
import IVR
import Store
import Synchronization

/// What flows need from Switchboard, backed by the store and the ACD.
struct StoreFlowServices: FlowServices {
    let store: Store
    let library: FlowLibrary
    let recordingsFolder: String
    let logger: Logger
    let routing: RoutingService
    /// What time conditions see (tests fix it).
    var clock: @Sendable () -> Date = { Date() }
    var timeZone = TimeZone.current
    var operatorTarget = "PJSIP/operator"

    func customer(number: String) async throws -> CustomerInfo? {
        guard let customer = try await store.customers(phone: number).first else { return nil }
        return CustomerInfo(id: customer.id, name: customer.name, tier: customer.vipTier, language: customer.language)
    }

    func lastCall(number: String, before uniqueID: String) async throws -> (outcome: String, at: Date)? {
        guard let call = try await store.callHistory(number: number, limit: 5).first(where: { $0.uniqueID != uniqueID && $0.outcome != nil }) else { return nil }
        return (call.outcome ?? "", call.arrivedAt)
    }

    func enqueue(_ queue: Node.Queue, caller: CallerInfo, variables: [String: String], channel: any CallChannel) async throws -> QueueOutcome {
        try await QueueHold(queue: queue, caller: caller, variables: variables, channel: channel, services: self).run()
    }

    func voicemailPath(uniqueID: String) -> String { recordingsFolder + "/voicemail-" + uniqueID }

    func saveSurvey(uniqueID: String, answers: [Int]) async throws {
        try await store.saveSurvey(uniqueID: uniqueID, answers: answers)
    }

    func event(uniqueID: String, kind: String, data: String) async {
        do {
            try await store.appendCallEvents(uniqueID: uniqueID, [CallEvent(kind: kind, data: data)])
        } catch {
            logger.warning("call event not stored: \(error)", ["uniqueid": uniqueID, "kind": kind])
        }
    }

    func flow(named name: String) -> Flow? { library.flow(named: name) }

    func now() -> Date { clock() }
}

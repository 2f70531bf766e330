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
    /// Longest a caller is held before the queue node gives up (the flow goes on at `next`).
    var maxWaitSeconds = 600
    /// What time conditions see (tests fix it).
    var clock: @Sendable () -> Date = { Date() }

    func customer(number: String) async throws -> CustomerInfo? {
        guard let customer = try await store.customers(phone: number).first else { return nil }
        return CustomerInfo(id: customer.id, name: customer.name, tier: customer.vipTier, language: customer.language)
    }

    func lastCall(number: String, before uniqueID: String) async throws -> (outcome: String, at: Date)? {
        guard let call = try await store.callHistory(number: number, limit: 5).first(where: { $0.uniqueID != uniqueID && $0.outcome != nil }) else { return nil }
        return (call.outcome ?? "", call.arrivedAt)
    }

    /// Holds the caller in the ACD's queue until an agent is chosen, then rings that agent; a
    /// ring-no-answer puts the caller back at the same place. The caller hears their position
    /// every 30 s; `*` leaves the queue (the flow goes on, to voicemail in the samples).
    /// The hold is one-second waits, so a chosen agent's phone rings within a second.
    func enqueue(_ queue: Node.Queue, caller: CallerInfo, variables: [String: String], channel: any CallChannel) async throws -> QueueOutcome {
        let definition = QueueDefinition(name: queue.name, skills: queue.skills, priority: queue.priority, wrapUpSeconds: 0)
        let tier = Int(variables["CUSTOMER_TIER"] ?? "") ?? 0
        let call = routing.join(queue: definition, extraPriority: tier, language: variables["LANGUAGE"])
        var waited = 0
        do {
            while true {
                if let offer = routing.takeOffer(call) {
                    await event(uniqueID: caller.uniqueID, kind: "offered", data: "\(queue.name): agent \(offer.agent)")
                    if let name = variables["CUSTOMER_NAME"] {
                        try await channel.setVariable("CALLERID(name)", tier > 0 ? "VIP\(tier) \(name)" : name)
                    }
                    let started = clock()
                    if case .answered = try await channel.transfer(offer.endpoint, timeoutSeconds: 20) {
                        routing.answered(call)
                        await event(uniqueID: caller.uniqueID, kind: "connected", data: "\(queue.name): agent \(offer.agent)")
                        routing.ended(agent: offer.agent, talkSeconds: clock().timeIntervalSince(started))
                        return .connected(agent: offer.agent)
                    }
                    routing.notAnswered(call)
                    await event(uniqueID: caller.uniqueID, kind: "ring-no-answer", data: "\(queue.name): agent \(offer.agent)")
                    continue
                }
                if waited >= maxWaitSeconds {
                    routing.leave(call)
                    return .gaveUp("no agent within \(maxWaitSeconds) s")
                }
                if waited % 30 == 15, let (position, estimate) = routing.position(of: call) {
                    _ = try await channel.play([position == 1 ? "queue-youarenext" : "queue-thereare"], interruptingDigits: "*")
                    if position > 1 { try await channel.say(.number, String(position - 1)) }
                    await event(uniqueID: caller.uniqueID, kind: "position", data: "\(position), about \(Int(estimate)) s")
                }
                let (keys, _) = try await channel.readDigits(prompts: [], maxDigits: 1, timeoutSeconds: 1, terminator: nil, sensitive: false)
                if keys == "*" {
                    routing.leave(call)
                    await event(uniqueID: caller.uniqueID, kind: "exit-by-key", data: queue.name)
                    return .gaveUp("the caller pressed *")
                }
                waited += 1
            }
        } catch {
            routing.leave(call)
            await event(uniqueID: caller.uniqueID, kind: "abandoned", data: "\(queue.name) after \(waited) s")
            throw error
        }
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

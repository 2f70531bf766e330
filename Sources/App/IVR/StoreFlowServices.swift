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
        let settings = routing.settings(for: queue.name, skills: queue.skills, priority: queue.priority)
        let tier = Int(variables["CUSTOMER_TIER"] ?? "") ?? 0
        let call = routing.join(queue: settings.definition, extraPriority: tier, language: variables["LANGUAGE"])
        var waited = 0
        try await channel.setMusic(true, musicClass: settings.musicClass)
        do {
            while true {
                if let offer = routing.takeOffer(call) {
                    await event(uniqueID: caller.uniqueID, kind: "offered", data: "\(queue.name): agent \(offer.agent)")
                    if let name = variables["CUSTOMER_NAME"] {
                        try await channel.setVariable("CALLERID(name)", tier > 0 ? "VIP\(tier) \(name)" : name)
                    }
                    try await channel.setMusic(false, musicClass: settings.musicClass)
                    if settings.record { try await channel.startRecording(recordingsFolder + "/" + caller.uniqueID + ".wav") }
                    let started = clock()
                    if case .answered = try await channel.transfer(offer.endpoint, timeoutSeconds: Int(settings.definition.ringTimeoutSeconds)) {
                        routing.answered(call)
                        await event(uniqueID: caller.uniqueID, kind: "connected", data: "\(queue.name): agent \(offer.agent)")
                        routing.ended(agent: offer.agent, talkSeconds: clock().timeIntervalSince(started))
                        return .connected(agent: offer.agent)
                    }
                    routing.notAnswered(call)
                    await event(uniqueID: caller.uniqueID, kind: "ring-no-answer", data: "\(queue.name): agent \(offer.agent)")
                    try await channel.setMusic(true, musicClass: settings.musicClass)
                    continue
                }
                if waited >= settings.maxWaitSeconds {
                    routing.leave(call)
                    try await channel.setMusic(false, musicClass: settings.musicClass)
                    return .gaveUp("no agent within \(settings.maxWaitSeconds) s")
                }
                let every = settings.announceEverySeconds
                if every > 0, waited % every == every / 2, let (position, estimate) = routing.position(of: call) {
                    // "There are N calls ahead of you … the estimated hold time is M minutes", from live data.
                    _ = try await channel.play([position == 1 ? "queue-youarenext" : "queue-thereare"], interruptingDigits: "*")
                    if position > 1 {
                        try await channel.say(.number, String(position - 1))
                        _ = try await channel.play(["queue-callswaiting", "queue-holdtime"], interruptingDigits: "*")
                        try await channel.say(.number, String(max(1, Int((estimate / 60).rounded()))))
                        _ = try await channel.play(["queue-minutes"], interruptingDigits: "*")
                    }
                    await event(uniqueID: caller.uniqueID, kind: "position", data: "\(position), about \(Int(estimate)) s")
                }
                let (keys, _) = try await channel.readDigits(prompts: [], maxDigits: 1, timeoutSeconds: 1, terminator: nil, sensitive: false)
                if keys == "*" {
                    routing.leave(call)
                    try await channel.setMusic(false, musicClass: settings.musicClass)
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

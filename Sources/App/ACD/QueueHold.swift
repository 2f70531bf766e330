import ACD
import Foundation
import IVR

/// One caller held in an ACD queue by their flow: music on hold, their position and an
/// estimated wait announced from live data, `*` to leave (the flow goes on, to voicemail in the
/// samples), the queue's callback key to be called back instead, keeping the place. When the
/// ACD chooses an agent the flow rings them with the customer's name and VIP tier as caller
/// name, recording from the answer if the queue says so; a ring-no-answer puts the caller back
/// at the same place.
///
/// With AMI the hold is one WAIT FOR DIGIT until the next announcement, and the ACD ends it the
/// moment it chooses an agent by making the channel receive a `D` (AMI PlayDTMF, Receive: yes).
/// Without AMI the flow looks every second.
struct QueueHold {
    let queue: Node.Queue
    let caller: CallerInfo
    let variables: [String: String]
    let channel: any CallChannel
    let services: StoreFlowServices

    var routing: RoutingService { services.routing }

    /// The announcements of position and estimated wait.
    enum Prompt {
        static let next = "queue-youarenext"
        static let thereAre = "queue-thereare"
        static let callsWaiting = "queue-callswaiting"
        static let holdTime = "queue-holdtime"
        static let minutes = "queue-minutes"
        static let all = [next, thereAre, callsWaiting, holdTime, minutes]
    }

    func run() async throws -> QueueOutcome {
        let settings = routing.settings(for: queue.name, skills: queue.skills)
        let tier = Int(variables["CUSTOMER_TIER"] ?? "") ?? 0
        // The call's own priority: the flow's (urgency chosen in the IVR) and the customer's tier.
        let call = routing.join(queue: settings.definition, extraPriority: queue.priority + tier, language: variables["LANGUAGE"], channel: caller.channel, uniqueID: caller.uniqueID)
        let every = settings.announceEverySeconds
        var waited = 0
        var nextAnnouncement = every > 0 ? every / 2 : Int.max
        // Offers made by queue rules (`offer callback`, `offer voicemail`), each told once when it opens.
        var offersUntold = [settings.offerExitAfterSeconds.map { ($0, settings.exitPrompt) },
                            settings.offerCallbackAfterSeconds.map { ($0, settings.callbackPrompt) }].compactMap { $0 }
        func opened(_ after: Int?) -> Bool { after.map { waited >= $0 } ?? true }
        let keysHeard = "*" + String(RoutingService.wakeDigit) + (settings.callbackKey.map { String($0) } ?? "")
        // Wakes the flow heard (each ends a wait or an announcement), against those Asterisk queued.
        var wakesHeard = 0
        try await channel.setMusic(true, musicClass: settings.musicClass)
        do {
            while true {
                if let offer = await routing.takeOffer(call) {
                    let heard = wakesHeard
                    wakesHeard = 0
                    if let outcome = try await connect(call, to: offer, wakesHeard: heard, settings: settings, tier: tier) { return outcome }
                    continue
                }
                if waited >= settings.maxWaitSeconds {
                    try await leave(call, settings, kind: "gave-up")
                    return .gaveUp("no agent within \(settings.maxWaitSeconds) s")
                }
                // Anything played stops the music, and Asterisk does not start it again by itself.
                // A key pressed while something plays counts (people press as soon as they hear
                // an offer), and the ACD's wake cuts it short: the agent's phone rings now.
                var played = false
                var pressed: Character?
                if waited >= nextAnnouncement {
                    pressed = try await announce(call, interruptedBy: keysHeard)
                    nextAnnouncement += every
                    played = true
                }
                while pressed == nil, let due = offersUntold.firstIndex(where: { waited >= $0.0 }) {
                    let prompt = offersUntold.remove(at: due).1
                    pressed = try await channel.play([prompt], interruptingDigits: keysHeard)
                    await services.event(uniqueID: caller.uniqueID, kind: "offer", data: prompt)
                    played = true
                }
                if played { try await channel.setMusic(true, musicClass: settings.musicClass) }
                var keys = pressed.map { String($0) } ?? ""
                if pressed == nil {
                    let nextChange = ([nextAnnouncement, settings.maxWaitSeconds] + offersUntold.map(\.0)).min()!
                    // At most five minutes a wait: well inside the session's limit for a media command.
                    let step = routing.wakesHoldingCalls ? min(300, max(1, nextChange - waited)) : 1
                    keys = try await channel.readDigits(prompts: [], maxDigits: 1, timeoutSeconds: Double(step), terminator: nil, sensitive: false).digits
                    if keys.isEmpty { waited += step }
                }
                if keys == String(RoutingService.wakeDigit) { wakesHeard += 1 }
                if keys == "*", opened(settings.offerExitAfterSeconds) {
                    try await leave(call, settings, kind: "exit-by-key")
                    return .gaveUp("the caller pressed *")
                }
                if let key = settings.callbackKey, keys == String(key), opened(settings.offerCallbackAfterSeconds), let number = caller.number,
                   routing.requestCallback(call, number: number) {
                    try await channel.setMusic(false, musicClass: settings.musicClass)
                    return .callbackRequested
                }
            }
        } catch {
            routing.leave(call)
            await services.event(uniqueID: caller.uniqueID, kind: "abandoned", data: "\(queue.name) after \(waited) s")
            throw error
        }
    }

    /// Rings the chosen agent; the outcome when they answered, nil (back in line) when not.
    /// With AMI the ACD learns of the answer and of the agent's leg ending from Asterisk as they
    /// happen; when Dial returns it is told again, which counts only if AMI said nothing.
    private func connect(_ call: Int, to offer: RoutingService.Offer, wakesHeard: Int, settings: QueueSettings, tier: Int) async throws -> QueueOutcome? {
        // The timeline is written beside the call, not before it: a busy disk must not hold the ring.
        Task { [services, caller, queue] in await services.event(uniqueID: caller.uniqueID, kind: "offered", data: "\(queue.name): agent \(offer.agent)") }
        if let name = variables["CUSTOMER_NAME"] {
            try await channel.setVariable("CALLERID(name)", tier > 0 ? "VIP\(tier) \(name)" : name)
        }
        try await channel.setMusic(false, musicClass: settings.musicClass)
        // A wake queued on the channel and not heard would reach the agent: app_dial passes the
        // caller's digits to the phone it rings.
        if offer.wakesSent > wakesHeard { try await clearWakes(upTo: offer.wakesSent - wakesHeard) }
        if settings.record { try await channel.startRecording(services.recordingsFolder + "/" + caller.uniqueID + ".wav") }
        routing.dialling(call)
        if case .answered = try await channel.transfer(offer.endpoint, timeoutSeconds: Int(settings.definition.ringTimeoutSeconds)) {
            let answeredAt = routing.answered(call)
            routing.legEnded(call)
            return .connected(agent: offer.agent, answeredAt: answeredAt)
        }
        routing.notAnswered(call)
        // Nobody to record yet: the next ring's MixMonitor writes the file anew.
        if settings.record { try await channel.stopRecording() }
        await services.event(uniqueID: caller.uniqueID, kind: "ring-no-answer", data: "\(queue.name): agent \(offer.agent)")
        try await channel.setMusic(true, musicClass: settings.musicClass)
        return nil
    }

    /// Reads the wakes still queued on the channel (each WAIT FOR DIGIT of 1 ms returns one at
    /// once), stopping at the first wait that hears none.
    private func clearWakes(upTo count: Int) async throws {
        for _ in 0..<count {
            let keys = try await channel.readDigits(prompts: [], maxDigits: 1, timeoutSeconds: 0.001, terminator: nil, sensitive: false).digits
            guard keys == String(RoutingService.wakeDigit) else { return }
        }
    }

    /// "There are N calls ahead of you … the estimated hold time is M minutes", from live data.
    /// Returns the key that cut the announcement short, if one did.
    private func announce(_ call: Int, interruptedBy keys: String) async throws -> Character? {
        guard let (position, estimate) = routing.position(of: call) else { return nil }
        let key = try await speak(position: position, estimate: estimate, interruptedBy: keys)
        await services.event(uniqueID: caller.uniqueID, kind: "position", data: "\(position), about \(Int(estimate)) s")
        return key
    }

    private func speak(position: Int, estimate: Double, interruptedBy keys: String) async throws -> Character? {
        if let key = try await channel.play([position == 1 ? Prompt.next : Prompt.thereAre], interruptingDigits: keys) { return key }
        guard position > 1 else { return nil }
        try await channel.say(.number, String(position - 1))
        if let key = try await channel.play([Prompt.callsWaiting, Prompt.holdTime], interruptingDigits: keys) { return key }
        try await channel.say(.number, String(max(1, Int((estimate / 60).rounded()))))
        return try await channel.play([Prompt.minutes], interruptingDigits: keys)
    }

    private func leave(_ call: Int, _ settings: QueueSettings, kind: String) async throws {
        routing.leave(call)
        await services.event(uniqueID: caller.uniqueID, kind: kind, data: queue.name)
        try await channel.setMusic(false, musicClass: settings.musicClass)
    }
}

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
/// The hold is one wait until the next announcement, which the ACD ends the moment it chooses an
/// agent through the channel's `wake` (over FastAGI: a command written on the socket while
/// WAIT FOR DIGIT or an announcement runs). A channel that cannot be woken is looked at every second.
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
        let call = routing.join(
            queue: settings.definition, extraPriority: queue.priority + tier, language: variables["LANGUAGE"],
            channel: caller.channel, uniqueID: caller.uniqueID, wake: channel.wake
        )
        let every = settings.announceEverySeconds
        var waited = 0
        var nextAnnouncement = every > 0 ? every / 2 : Int.max
        // Offers made by queue rules (`offer callback`, `offer voicemail`), each told once when it opens.
        var offersUntold = [settings.offerExitAfterSeconds.map { ($0, settings.exitPrompt) },
                            settings.offerCallbackAfterSeconds.map { ($0, settings.callbackPrompt) }].compactMap { $0 }
        func opened(_ after: Int?) -> Bool { after.map { waited >= $0 } ?? true }
        let keysHeard = "*" + (settings.callbackKey.map { String($0) } ?? "")
        // Anything played stops the music, and Asterisk does not start it again by itself.
        var musicOn = false
        do {
            while true {
                if let offer = routing.takeOffer(call) {
                    musicOn = false
                    if let outcome = try await connect(call, to: offer, settings: settings, tier: tier) { return outcome }
                    continue
                }
                if waited >= settings.maxWaitSeconds {
                    try await leave(call, settings, kind: "gave-up")
                    return .gaveUp("no agent within \(settings.maxWaitSeconds) s")
                }
                // A key pressed while something plays counts (people press as soon as they hear
                // an offer), and a wake cuts it short: the agent's phone rings now.
                var held = Held.timedOut
                if waited >= nextAnnouncement {
                    musicOn = false
                    held = try await announce(call, interruptedBy: keysHeard)
                    nextAnnouncement += every
                }
                while held == .timedOut, let due = offersUntold.firstIndex(where: { waited >= $0.0 }) {
                    let prompt = offersUntold.remove(at: due).1
                    musicOn = false
                    held = try await channel.announce([prompt], keys: keysHeard)
                    await services.event(uniqueID: caller.uniqueID, kind: "offer", data: prompt)
                }
                if held == .timedOut {
                    if !musicOn {
                        try await channel.setMusic(true, musicClass: settings.musicClass)
                        musicOn = true
                    }
                    let nextChange = ([nextAnnouncement, settings.maxWaitSeconds] + offersUntold.map(\.0)).min()!
                    // At most five minutes a wait: well inside the session's limit for a media command.
                    let step = channel.wake != nil ? min(300, max(1, nextChange - waited)) : 1
                    held = try await channel.hold(seconds: Double(step))
                    if held == .timedOut { waited += step }
                }
                guard case .key(let key) = held else { continue }
                if key == "*", opened(settings.offerExitAfterSeconds) {
                    try await leave(call, settings, kind: "exit-by-key")
                    return .gaveUp("the caller pressed *")
                }
                if key == settings.callbackKey, opened(settings.offerCallbackAfterSeconds), let number = caller.number,
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
    private func connect(_ call: Int, to offer: RoutingService.Offer, settings: QueueSettings, tier: Int) async throws -> QueueOutcome? {
        // The timeline is written beside the call, not before it: a busy disk must not hold the ring.
        Task { [services, caller, queue] in await services.event(uniqueID: caller.uniqueID, kind: "offered", data: "\(queue.name): agent \(offer.agent)") }
        if let name = variables["CUSTOMER_NAME"] {
            try await channel.setVariable("CALLERID(name)", tier > 0 ? "VIP\(tier) \(name)" : name)
        }
        try await channel.setMusic(false, musicClass: settings.musicClass)
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
        return nil
    }

    /// "There are N calls ahead of you … the estimated hold time is M minutes", from live data,
    /// until a key in `keys` or a wake stops it.
    private func announce(_ call: Int, interruptedBy keys: String) async throws -> Held {
        guard let (position, estimate) = routing.position(of: call) else { return .timedOut }
        let held = try await speak(position: position, estimate: estimate, interruptedBy: keys)
        await services.event(uniqueID: caller.uniqueID, kind: "position", data: "\(position), about \(Int(estimate)) s")
        return held
    }

    private func speak(position: Int, estimate: Double, interruptedBy keys: String) async throws -> Held {
        let first = try await channel.announce([position == 1 ? Prompt.next : Prompt.thereAre], keys: keys)
        guard first == .timedOut, position > 1 else { return first }
        try await channel.say(.number, String(position - 1))
        let middle = try await channel.announce([Prompt.callsWaiting, Prompt.holdTime], keys: keys)
        guard middle == .timedOut else { return middle }
        try await channel.say(.number, String(max(1, Int((estimate / 60).rounded()))))
        return try await channel.announce([Prompt.minutes], keys: keys)
    }

    private func leave(_ call: Int, _ settings: QueueSettings, kind: String) async throws {
        routing.leave(call)
        await services.event(uniqueID: caller.uniqueID, kind: kind, data: queue.name)
        try await channel.setMusic(false, musicClass: settings.musicClass)
    }
}

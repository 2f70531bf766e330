import ACD
import Core
import Foundation
import IVR
import Store

/// One caller held in an ACD queue by their flow: `HoldPlan` decides what they hear and when
/// (music on hold, their position and an estimated wait from live data, the queue's offers),
/// and this carries it out over the channel. `*` leaves (the flow goes on, to voicemail in the
/// samples), the queue's callback key asks to be called back, keeping the place. When the ACD
/// chooses an agent the flow rings them with the customer's name and VIP tier as caller name,
/// recording from the answer if the queue says so; a ring-no-answer puts the caller back at
/// the same place.
///
/// Each wait lasts until the next change the plan knows of; the ACD ends it the moment it
/// chooses an agent through the channel's `wake` (over FastAGI: a command written on the
/// socket while WAIT FOR DIGIT or an announcement runs).
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

    /// The handle time an estimate assumes before any call was handled.
    static let assumedHandleSeconds = 120.0

    static func rules(_ settings: QueueSettings, canWake: Bool) -> HoldPlan.Rules {
        HoldPlan.Rules(
            maxWait: Double(settings.maxWaitSeconds), announceEvery: Double(settings.announceEverySeconds),
            exitAfter: settings.offerExitAfterSeconds.map(Double.init), exitPrompt: settings.exitPrompt,
            callbackKey: settings.callbackKey, callbackAfter: settings.offerCallbackAfterSeconds.map(Double.init),
            callbackPrompt: settings.callbackPrompt, canWake: canWake
        )
    }

    func run() async throws -> QueueOutcome {
        let settings = routing.settings(for: queue.name, skills: queue.skills)
        let tier = Int(variables["CUSTOMER_TIER"] ?? "") ?? 0
        // The call's own priority: the flow's (urgency chosen in the IVR) and the customer's tier.
        let call = routing.join(
            queue: settings.definition, extraPriority: queue.priority + tier, language: variables["LANGUAGE"],
            channel: caller.channel, uniqueID: caller.uniqueID, wake: channel.wake
        )
        let joined = MonotonicTime.now()
        // Asked once, while the caller starts to wait: their open ticket, for the agent's phone.
        var ticket: String?
        if let number = caller.number { ticket = try? await services.store.openTickets(phone: number).first?.number }
        let pace = services.pace
        var waited: Double { joined.secondsElapsed * pace }
        var plan = HoldPlan(Self.rules(settings, canWake: channel.wake != nil))
        var offer: RoutingService.Offer?
        do {
            while true {
                if let removal = routing.takeRemoval(call) {
                    if removal == .callback, let number = caller.number, routing.requestCallback(call, number: number) {
                        try await channel.setMusic(false, musicClass: settings.musicClass)
                        return .callbackRequested
                    }
                    try await leave(call, settings, .supervisor)
                    return .gaveUp("a supervisor sent the caller on")
                }
                offer = offer ?? routing.takeOffer(call)
                var held = Held.timedOut
                switch plan.next(waited: waited, offered: offer != nil) {
                case .ring:
                    if try await connect(call, to: offer!, settings: settings, tier: tier, ticket: ticket) { return .connected(agent: offer!.agent) }
                    offer = nil
                case .announcePosition:
                    held = try await announce(call, interruptedBy: plan.keys)
                case .tell(let prompt):
                    held = try await channel.announce([prompt], keys: plan.keys)
                    services.record(uniqueID: caller.uniqueID, CallEvent(.queueOffer, queue: queue.name, detail: prompt))
                case .music:
                    try await channel.setMusic(true, musicClass: settings.musicClass)
                case .wait(let seconds):
                    held = try await channel.hold(seconds: seconds)
                case .leave(let exit):
                    try await leave(call, settings, exit)
                    return .gaveUp(exit == .key ? "the caller pressed *" : "no agent within \(settings.maxWaitSeconds) s")
                case .callBack:
                    break
                }
                guard case .key(let key) = held, let step = plan.heard(key) else { continue }
                if case .leave(let exit) = step {
                    try await leave(call, settings, exit)
                    return .gaveUp("the caller pressed *")
                }
                if let number = caller.number, routing.requestCallback(call, number: number) {
                    try await channel.setMusic(false, musicClass: settings.musicClass)
                    return .callbackRequested
                }
            }
        } catch {
            if routing.leave(call) { services.record(uniqueID: caller.uniqueID, CallEvent(.abandoned, queue: queue.name)) }
            throw error
        }
    }

    /// Rings the chosen agent; true when they answered, false (back in line) when not.
    /// With AMI the ACD learns of the answer and of the agent's leg ending from Asterisk as they
    /// happen; when Dial returns it is told again, which counts only if AMI said nothing.
    /// `ticket`: the caller's open ticket, shown on the agent's phone with the name.
    private func connect(_ call: Int, to offer: RoutingService.Offer, settings: QueueSettings, tier: Int, ticket: String?) async throws -> Bool {
        if let shown = ScreenPop.callerName(name: variables["CUSTOMER_NAME"] ?? (ticket == nil ? nil : caller.name), tier: tier, ticket: ticket) {
            try await channel.setVariable("CALLERID(name)", shown)
        }
        try await channel.setMusic(false, musicClass: settings.musicClass)
        // A call the flow records whole is recorded already; otherwise only the talk with the agent.
        let recording = settings.record && channel.recording == nil
            ? services.recordingPath(owner: queue.name, uniqueID: caller.uniqueID, agent: offer.agent) : nil
        if let recording { try await channel.startRecording(recording, bridgedOnly: true, legs: settings.recordLegs) }
        routing.dialling(call)
        let continuing = queue.afterCall != nil
        let outcome = try await channel.transfer(offer.endpoint, timeoutSeconds: Int(settings.definition.ringTimeoutSeconds), continuing: continuing)
        if case .answered(_, let talked) = outcome {
            // ANSWEREDTIME is in the calls' seconds; the ledger counts real ones.
            routing.answered(call, talkedSeconds: (talked ?? 0) / services.pace)
            routing.legEnded(call)
            if let recording {
                services.record(uniqueID: caller.uniqueID, CallEvent(.recording, detail: recording))
                // The talk is over; what the flow does after it is not the agent's recording.
                if continuing { try? await channel.stopRecording() }
            }
            return true
        }
        routing.notAnswered(call, status: "\(outcome)")
        // Nobody to record yet: the next ring's MixMonitor writes the file anew.
        if recording != nil { try await channel.stopRecording() }
        return false
    }

    /// "There are N calls ahead of you … the estimated hold time is M minutes", from live data,
    /// until a key in `keys` or a wake stops it.
    private func announce(_ call: Int, interruptedBy keys: String) async throws -> Held {
        guard let standing = routing.standing(of: call) else { return .timedOut }
        // Handle times are measured in real seconds; the caller is told them in the calls' own.
        // Before any call was handled, two minutes a call.
        let estimate = standing.estimatedSeconds(handle: standing.handleSeconds.map { $0 * services.pace } ?? Self.assumedHandleSeconds)
        let position = standing.position
        let held = try await speak(position: position, estimate: estimate, interruptedBy: keys)
        services.record(uniqueID: caller.uniqueID, CallEvent(.position, queue: queue.name, detail: "position \(position), about \(Int(estimate)) s"))
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

    private func leave(_ call: Int, _ settings: QueueSettings, _ exit: QueueExit) async throws {
        routing.leave(call)
        services.record(uniqueID: caller.uniqueID, CallEvent(.exited, queue: queue.name, detail: exit.rawValue))
        try await channel.setMusic(false, musicClass: settings.musicClass)
    }
}

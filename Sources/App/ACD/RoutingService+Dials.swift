import ACD
import Core
import Foundation

/// A holding flow's Dial of the agent chosen for its caller. Asterisk reports over AMI the
/// moment the agent answers (DialEnd ANSWER) and the moment the agent's leg ends (its Hangup),
/// while EXEC Dial returns only after the whole call: so the ACD takes both from AMI, and
/// from the flow when Dial returns only if AMI said nothing (no AMI, or it was down). Each step
/// happens once, whichever side tells first.
extension RoutingService {
    struct Dial {
        var agent: String
        var queue: String
        /// The agent's leg, from DialBegin.
        var agentLeg: String?
        /// On the engine's clock.
        var answeredAt: Double?
    }

    /// The holding flow is dialling the chosen agent now: how long that took since the decision.
    public func dialling(_ call: Int) {
        let now = MonotonicTime.now()
        mutate { state in
            guard let routed = state.calls[call] else { return }
            if let agent = state.engine.calls[call]?.offeredTo { state.calls[call]?.dial = Dial(agent: agent, queue: routed.queue) }
            guard let decided = routed.offeredAt else { return }
            state.calls[call]?.offeredAt = nil
            if state.dialLatencies.count >= 100_000 { state.dialLatencies.removeFirst(50_000) }
            state.dialLatencies.append(now.nanoseconds - decided.nanoseconds)
        }
    }

    /// The agent answered (`talkedSeconds` ago, when the flow learns it as Dial returns): the
    /// caller leaves the line and the agent is on the call. False if the call was not being dialled.
    @discardableResult
    public func answered(_ call: Int, talkedSeconds: Double = 0) -> Bool {
        let now = now()
        return mutate { state in answered(call, now: now - talkedSeconds, in: &state) }
    }

    /// The agent's leg of an answered call ended: the agent wraps up (or is free at once).
    public func legEnded(_ call: Int) {
        let now = now()
        mutate { state in legEnded(call, now: now, in: &state) }
    }

    /// `step`: the ACD tells the call's timeline of the answer, when the flow's Dial returning
    /// is how it learnt of it; an answer AMI reported is in the timeline from the ledger's own
    /// AMI feed, in order with the bridge.
    func answered(_ call: Int, now: Double, step: Bool = true, in state: inout State) -> Bool {
        guard var dial = state.calls[call]?.dial else { return false }
        if dial.answeredAt != nil { return true }
        dial.answeredAt = now
        state.calls[call]?.dial = dial
        state.calls[call]?.wake = nil
        state.engine.answered(call, now: now)
        if step { state.step(call, CallEvent(.connected, queue: dial.queue, agent: dial.agent), secondsAgo: self.now() - now) }
        return true
    }

    /// Ends the call's time in routing: its agent wraps up, and the talk counts towards the
    /// handle times that estimated waits use.
    func legEnded(_ call: Int, now: Double, in state: inout State) {
        guard let dial = state.calls[call]?.dial, let answeredAt = dial.answeredAt else { return }
        state.calls[call] = nil
        record(state.engine.callEnded(agent: dial.agent, now: now), in: &state)
        let wrapUp = state.engine.queues[dial.queue]?.wrapUpSeconds ?? 0
        state.handleTimes = Array((state.handleTimes + [now - answeredAt + wrapUp]).suffix(200))
    }

    /// The call being dialled from this caller's channel, whose agent leg is not known yet.
    private func dialling(from callerChannel: String, in state: State) -> Int? {
        state.calls.first { $0.value.channel == callerChannel && $0.value.dial != nil && $0.value.dial?.agentLeg == nil }?.key
    }

    /// DialBegin from a caller's channel that a holding flow is dialling from: its agent's leg.
    func dialBegan(from callerChannel: String, to agentLeg: String) {
        mutate { state in
            guard let call = dialling(from: callerChannel, in: state) else { return }
            state.calls[call]?.dial?.agentLeg = agentLeg
        }
    }

    /// DialEnd ANSWER on an agent's leg.
    func legAnswered(_ agentLeg: String) {
        let now = now()
        mutate { state in
            guard let call = state.calls.first(where: { $0.value.dial?.agentLeg == agentLeg })?.key else { return }
            _ = answered(call, now: now, step: false, in: &state)
        }
    }

    /// A Hangup: of an answered agent leg, or of the caller's channel, ends that call.
    func channelGone(_ channel: String) {
        let now = now()
        mutate { state in
            guard let call = state.calls.first(where: { $0.value.dial != nil && ($0.value.dial?.agentLeg == channel || $0.value.channel == channel) })?.key else { return }
            legEnded(call, now: now, in: &state)
        }
    }
}

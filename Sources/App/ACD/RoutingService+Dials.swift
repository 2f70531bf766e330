import ACD
import Core
import Foundation
import Synchronization

/// A holding flow's Dial of the agent chosen for its caller. Asterisk reports over AMI the
/// moment the agent answers (DialEnd ANSWER) and the moment the agent's leg ends (its Hangup),
/// while EXEC Dial returns only after the whole call: so the ACD takes both from AMI, and
/// from the flow when Dial returns only if AMI said nothing (no AMI, or it was down). Each step
/// happens once, whichever side tells first.
extension RoutingService {
    struct Dial {
        var agent: String
        var queue: String
        var uniqueID: String?
        /// The caller's channel, which DialBegin names.
        var callerChannel: String?
        /// The agent's leg, from DialBegin.
        var agentLeg: String?
        /// On the engine's clock, and on the wall clock for the call's record.
        var answeredAt: Double?
        var answeredDate: Date?
    }

    /// The holding flow is dialling the chosen agent now: how long that took since the decision.
    public func dialling(_ call: Int) {
        let now = MonotonicTime.now()
        state.withLock { state in
            if let agent = state.engine.calls[call]?.offeredTo, let queue = state.joined[call]?.queue {
                state.dials[call] = Dial(agent: agent, queue: queue, uniqueID: state.uniqueIDs[call], callerChannel: state.channels[call])
            }
            guard let decided = state.offeredAt.removeValue(forKey: call) else { return }
            if state.dialLatencies.count >= 100_000 { state.dialLatencies.removeFirst(50_000) }
            state.dialLatencies.append(now.nanoseconds - decided.nanoseconds)
        }
    }

    /// The agent answered: the caller leaves the line and the agent is on the call. When it
    /// happened on the wall clock, nil if the call was not being dialled.
    @discardableResult
    public func answered(_ call: Int) -> Date? {
        let now = now()
        return state.withLock { state in answered(call, now: now, in: &state) }
    }

    /// The agent's leg of an answered call ended: the agent wraps up (or is free at once).
    public func legEnded(_ call: Int) {
        let now = now()
        state.withLock { state in legEnded(call, now: now, in: &state) }
    }

    func answered(_ call: Int, now: Double, in state: inout State) -> Date? {
        guard var dial = state.dials[call] else { return nil }
        if let date = dial.answeredDate { return date }
        dial.answeredAt = now
        dial.answeredDate = Date()
        state.dials[call] = dial
        state.engine.answered(call, now: now)
        state.joined[call] = nil
        state.channels[call] = nil
        state.wakers[call] = nil
        state.uniqueIDs[call] = nil
        if let uniqueID = dial.uniqueID { journal(.call(uniqueID: uniqueID, kind: "connected", data: "\(dial.queue): agent \(dial.agent)")) }
        return dial.answeredDate
    }

    func legEnded(_ call: Int, now: Double, in state: inout State) {
        guard let dial = state.dials[call], let answeredAt = dial.answeredAt else { return }
        state.dials[call] = nil
        record(state.engine.callEnded(agent: dial.agent, now: now), in: &state)
        state.handleTimes = Array((state.handleTimes + [now - answeredAt]).suffix(200))
    }

    /// DialBegin from a caller's channel that a holding flow is dialling from: its agent's leg.
    func dialBegan(from callerChannel: String, to agentLeg: String) {
        state.withLock { state in
            guard let call = state.dials.first(where: { $0.value.callerChannel == callerChannel && $0.value.agentLeg == nil })?.key else { return }
            state.dials[call]?.agentLeg = agentLeg
        }
    }

    /// DialEnd ANSWER on an agent's leg.
    func legAnswered(_ agentLeg: String) {
        let now = now()
        state.withLock { state in
            guard let call = state.dials.first(where: { $0.value.agentLeg == agentLeg })?.key else { return }
            _ = answered(call, now: now, in: &state)
        }
    }

    /// A Hangup: of an answered agent leg, or of the caller's channel, ends that call.
    func channelGone(_ channel: String) {
        let now = now()
        state.withLock { state in
            guard let call = state.dials.first(where: { $0.value.agentLeg == channel || $0.value.callerChannel == channel })?.key else { return }
            legEnded(call, now: now, in: &state)
        }
    }
}

import ACD
import Core
import Foundation
import Store
import Synchronization

/// Callers who leave the line to be called back, keeping their place. When their turn comes the
/// chosen agent's phone is rung first (the executor: AMI Originate), then the caller's number.
/// Requests are journalled, so a restart puts them back in line (`restore`). While AMI is down
/// no Originate can be placed: a callback whose turn comes then is parked out of line, without
/// a miss against the agent, and goes back at its place when AMI is up again.
extension RoutingService {
    /// An agent chosen for a caller who asked to be called back: ring the agent, then the caller.
    public struct CallbackRequest: Sendable {
        public var call: Int
        /// The uniqueid of the call in which the caller asked (`SB_CALLBACK` on the callback).
        public var uniqueID: String?
        public var agent: String
        public var endpoint: String
        public var number: String
        public var ringSeconds: Double
    }

    /// How the executor's attempt went.
    public enum CallbackOutcome: Sendable, Equatable {
        /// The agent answered; the dialplan calls the customer.
        case connected
        /// The agent's phone did not answer (or was busy, or unreachable): a miss, as a ring-no-answer.
        case notAnswered
        /// Nothing could be placed (AMI down): no miss; the call waits out of line for AMI.
        case notPlaced
    }

    /// Sets who carries out callbacks (AMI Originate); without one, callbacks are not offered.
    public func setCallbackExecutor(_ execute: @escaping @Sendable (CallbackRequest) -> Void) {
        mutate { $0.callBack = execute }
    }

    /// Whether a waiting caller may ask to be called back now.
    public var offersCallbacks: Bool { read { $0.callBack != nil } && amiReady() }

    /// The caller leaves the line but keeps their place: when an agent is chosen, the agent's
    /// phone rings and then the caller's number. False when callbacks are not offered or the
    /// number cannot be dialled (withheld, `anonymous`, too short).
    public func requestCallback(_ call: Int, number: String) -> Bool {
        guard offersCallbacks, let number = Self.dialable(number) else { return false }
        return mutate { state in
            guard let routed = state.calls[call], let waiting = state.engine.calls[call], let queue = state.engine.queues[waiting.queue] else { return false }
            state.calls[call]?.callbackNumber = number
            state.calls[call]?.channel = nil
            state.calls[call]?.wake = nil
            if let uniqueID = routed.uniqueID {
                state.step(call, CallEvent(.callbackRequested, queue: queue.name, detail: number))
                state.journal(.callbackRequested(PendingCallback(
                    uniqueID: uniqueID, number: number, queue: queue.name, queueSkills: queue.skills, queuePriority: queue.priority,
                    extraPriority: waiting.extraPriority, extraSkills: waiting.extraSkills,
                    waitingSince: Date(timeIntervalSinceNow: waiting.arrivedAt - now()), requestedAt: Date()
                )))
            }
            // Chosen already, in the moment the key was pressed: call back now.
            if let agent = routed.offer {
                state.calls[call]?.offer = nil
                state.calls[call]?.offeredAt = nil
                callBack(call, agent: agent, in: &state)
            }
            return true
        }
    }

    /// How a callback went: the agent took it (on the call until AMI says their phone is free,
    /// then wrap-up), did not (the caller keeps their place; the agent counts a miss), or could
    /// not be placed (parked until AMI is back).
    public func callbackResult(_ call: Int, _ outcome: CallbackOutcome) {
        let now = now()
        mutate { state in
            guard let number = state.calls[call]?.callbackNumber, let agent = state.engine.calls[call]?.offeredTo else { return }
            switch outcome {
            case .connected:
                state.engine.answered(call, now: now)
                record(state.engine.setDeviceBusy(agent, true, now: now), in: &state)
                state.onCallback.insert(agent)
                state.step(call, CallEvent(.callbackConnected, agent: agent, detail: number))
                if let uniqueID = state.calls[call]?.uniqueID { state.journal(.callbackTaken(uniqueID: uniqueID, agent: agent)) }
                state.calls[call] = nil
            case .notAnswered:
                record(state.engine.notAnswered(call, now: now), in: &state)
                state.step(call, CallEvent(.callbackRingNoAnswer, agent: agent))
            case .notPlaced:
                park(call, in: &state)
            }
        }
    }

    /// Puts callback requests kept in the store (`pendingCallbacks`) back in line, each at the
    /// place its wait gives it; after a restart. Returns how many.
    @discardableResult
    public func restore(_ requests: [PendingCallback]) -> Int {
        let now = now()
        return mutate { state in
            guard state.callBack != nil else { return 0 }
            let known = Set(state.calls.values.compactMap(\.uniqueID))
            var restored = 0
            for request in requests where !known.contains(request.uniqueID) {
                if state.engine.queues[request.queue] == nil {
                    state.engine.define(QueueDefinition(name: request.queue, skills: request.queueSkills, priority: request.queuePriority, wrapUpSeconds: 0))
                }
                let id = state.nextCall
                state.nextCall += 1
                let arrivedAt = now - Date().timeIntervalSince(request.waitingSince)
                state.calls[id] = RoutedCall(queue: request.queue, uniqueID: request.uniqueID, callbackNumber: request.number)
                let call = WaitingCall(id: id, queue: request.queue, arrivedAt: arrivedAt, extraPriority: request.extraPriority, extraSkills: request.extraSkills)
                record(state.engine.enqueue(call, now: now), in: &state)
                restored += 1
            }
            return restored
        }
    }

    /// Parked callbacks back in line at their places: AMI is up again.
    func resumeParked() {
        let now = now()
        mutate { state in
            let parked = state.calls.compactMap { id, routed in routed.parked.map { (id, $0) } }.sorted { $0.1.arrivedAt < $1.1.arrivedAt }
            for (id, call) in parked {
                state.calls[id]?.parked = nil
                record(state.engine.enqueue(call, now: now), in: &state)
            }
        }
    }

    /// Takes a callback whose turn comes while AMI is down out of line: its agent is free again,
    /// without a miss.
    func park(_ call: Int, in state: inout State) {
        guard var waiting = state.engine.calls[call] else { return }
        waiting.offeredTo = nil
        state.calls[call]?.parked = waiting
        state.step(call, CallEvent(.callbackParked, detail: "AMI is down"))
        record(state.engine.abandoned(call, now: now()), in: &state)
    }

    func callBack(_ call: Int, agent: String, in state: inout State) {
        guard let routed = state.calls[call], let number = routed.callbackNumber, let execute = state.callBack else { return }
        let ring = state.engine.queues[routed.queue]?.ringTimeoutSeconds ?? 15
        state.effects.append(.callBack(execute, CallbackRequest(
            call: call, uniqueID: routed.uniqueID, agent: agent, endpoint: state.endpoints[agent] ?? agent, number: number, ringSeconds: ring
        )))
    }

    /// The number as the dialplan gets it (digits, a leading +), or nil when there is none to dial.
    static func dialable(_ number: String) -> String? {
        let digits = number.filter { $0.isASCII && $0.isNumber }
        guard digits.count >= 3 else { return nil }
        return number.hasPrefix("+") ? "+" + digits : digits
    }
}

import ACD
import AMI
import Core
import Foundation
import Reports
import Store
import Synchronization

/// Every call in progress, kept from both sides the server sees: FastAGI (the flow's steps,
/// the queue, the ACD's offers) and AMI (the agent's leg ringing, the bridge, hold, the
/// hangup and its cause). Each step is stamped with this ledger's clock, the one clock of
/// every call's timeline, and handed to the store as it happens; when the call is over its
/// record (`CallJourney.finished`) is written once, with its outcome and durations.
///
/// A call is over when its flow has ended and Asterisk has hung its channel up (AMI Hangup,
/// which comes after the FastAGI session closes); without AMI, or if the Hangup never comes
/// within `hangupGrace`, when the flow ends.
final class CallLedger: Sendable {
    struct Entry {
        var journey: CallJourney
        var channel: String?
        /// The agent of the latest offer or answer.
        var agent: String?
        /// The uniqueid of the agent's channel last dialled (AMI DialBegin).
        var agentLeg: String?
        /// The bridge the caller is in, and whether someone left it yet.
        var bridge: String?
        var flowEnded: (at: Date, side: HangupSide?)?
        var hungUp: (at: Date, cause: Int)?
    }

    struct State {
        var calls: [String: Entry] = [:]
        /// Channels dialled from a call (the agent's leg), to its uniqueid.
        var legs: [String: String] = [:]
    }

    private let state = Mutex(State())
    private let clock: @Sendable () -> Date
    private let write: @Sendable (StoreWrite) -> Void
    private let queues: [String: QueueSettings]
    private let amiReady: @Sendable () -> Bool
    /// Where the queue steps are told as app_queue's `queue_log` lines, when configured.
    private let queueLog: QueueLogWriter?
    /// Told of each call once it is written: its record, timeline and report tallies.
    private let ended: @Sendable (CallRecord, [CallEvent], CallTallies) -> Void
    let hangupGrace: Duration

    init(
        queues: [String: QueueSettings], hangupGrace: Duration = .seconds(3), clock: @escaping @Sendable () -> Date = { Date() },
        amiReady: @escaping @Sendable () -> Bool, queueLog: QueueLogWriter? = nil, write: @escaping @Sendable (StoreWrite) -> Void,
        ended: @escaping @Sendable (CallRecord, [CallEvent], CallTallies) -> Void = { _, _, _ in }
    ) {
        self.queues = queues
        self.ended = ended
        self.queueLog = queueLog
        self.hangupGrace = hangupGrace
        self.clock = clock
        self.amiReady = amiReady
        self.write = write
    }

    /// Calls in progress.
    var active: Int { state.withLock { $0.calls.count } }

    /// A call entered a flow. `channel` is Asterisk's name for it (AMI events on it carry its uniqueid).
    func begin(_ record: CallRecord, channel: String?) {
        var record = record
        record.arrivedAt = clock()
        var journey = CallJourney(record)
        let arrived = CallEvent(.arrived, at: record.arrivedAt, detail: record.flow)
        journey.add(arrived)
        state.withLock { $0.calls[record.uniqueID] = Entry(journey: journey, channel: channel) }
        write(.call(record))
        write(.steps(uniqueID: record.uniqueID, [arrived]))
    }

    /// A step of the call, stamped now (or `secondsAgo`, when the teller learnt of it late). A
    /// step of a call already over (a callback taken later) goes to its stored timeline. An
    /// answer is taken once per offer, from whichever side tells first: AMI's DialEnd here, or
    /// the ACD.
    func record(uniqueID: String, _ event: CallEvent, secondsAgo: Double = 0) {
        var event = event
        event.at = clock().addingTimeInterval(-secondsAgo)
        let stamped = state.withLock { state -> CallEvent? in
            guard var entry = state.calls[uniqueID] else { return event }
            if event.kind == .connected, !entry.journey.awaitsAnswer { return nil }
            entry.journey.add(event)
            if [.offered, .connected].contains(event.kind), let agent = event.agent { entry.agent = agent }
            let added = entry.journey.events.last!
            state.calls[uniqueID] = entry
            // Under the lock, so a call's lines are written in its timeline's order.
            queueLog?.step(added, of: uniqueID, number: entry.journey.record.callerNumber, agentLeg: entry.agentLeg)
            return added
        }
        if let stamped { write(.steps(uniqueID: uniqueID, [stamped])) }
    }

    /// Fills in what is learnt during the call (the customer found by the flow).
    func update(uniqueID: String, _ change: (inout CallRecord) -> Void) {
        state.withLock { $0.calls[uniqueID]?.journey.update(change) }
    }

    /// The call's flow is done; `side` says who ended it when the flow knows (nil after an
    /// agent's or a transfer's call, where the bridge tells).
    func flowEnded(uniqueID: String, side: HangupSide?) {
        let now = clock()
        let overNow = state.withLock { state -> Bool in
            guard state.calls[uniqueID] != nil else { return false }
            state.calls[uniqueID]?.flowEnded = (now, side)
            return state.calls[uniqueID]?.hungUp != nil
        }
        if overNow || !amiReady() {
            finish(uniqueID)
            return
        }
        Task { [hangupGrace] in
            try? await Task.sleep(for: hangupGrace)
            self.finish(uniqueID)
        }
    }

    /// Writes the call's record, once: the Hangup step (its time and cause from AMI when seen),
    /// then the figures worked out from the whole timeline.
    func finish(_ uniqueID: String) {
        let finished = state.withLock { state -> ([CallEvent], CallRecord, CallTallies)? in
            guard let entry = state.calls.removeValue(forKey: uniqueID), let ended = entry.flowEnded else { return nil }
            state.legs = state.legs.filter { $0.value != uniqueID }
            var journey = entry.journey
            journey.add(CallEvent(.hangup, at: entry.hungUp?.at ?? ended.at, cause: entry.hungUp?.cause, detail: ended.side?.rawValue))
            let call = journey.finished(
                shortAbandon: { [queues] in queues[$0]?.shortAbandonSeconds ?? 5 },
                wrapUp: { [queues] in queues[$0]?.definition.wrapUpSeconds ?? 0 }
            )
            let tallies = CallTallies(call, steps: journey.events, serviceLevel: call.queue.flatMap { queues[$0]?.definition.serviceLevelSeconds } ?? 20)
            return (journey.events, call, tallies)
        }
        guard let (steps, call, tallies) = finished else { return }
        queueLog?.finished(call)
        write(.steps(uniqueID: uniqueID, [steps.last!]))
        write(.callFinished(call, tallies))
        ended(call, steps, tallies)
    }

    /// At shutdown: every call still here is written as it stands (one whose flow still runs
    /// as ended by the system now).
    func finishAll() {
        let now = clock()
        let open = state.withLock { state in
            for (uniqueID, entry) in state.calls where entry.flowEnded == nil { state.calls[uniqueID]?.flowEnded = (now, .system) }
            return Array(state.calls.keys)
        }
        for uniqueID in open { finish(uniqueID) }
    }

    /// Follows the calls' channels on the AMI client's feed.
    /// `taken` learns how long after Asterisk stamped it (`Timestamp:`, when manager.conf has
    /// `timestampevents = yes`) each event was taken.
    func follow(_ ami: AMIClient, taken: @Sendable (_ lag: Double) -> Void = { _ in }) async {
        for await item in ami.subscribe(name: "calls", buffer: 10_000) {
            guard case .event(let event) = item else { continue }
            take(event)
            if let stamp = event.message["Timestamp"].flatMap(Double.init) { taken(Date().timeIntervalSince1970 - stamp) }
        }
    }

    /// One AMI event: the steps of tracked calls it shows.
    func take(_ event: AMIEvent) {
        var steps: [(String, CallEvent)] = []
        var over: String?
        let now = clock()
        state.withLock { state in
            func call(of channel: ChannelSnapshot) -> (uniqueID: String, isCaller: Bool)? {
                if state.calls[channel.uniqueID] != nil { return (channel.uniqueID, true) }
                return state.legs[channel.channel].map { ($0, false) }
            }
            switch event.kind {
            case .dialBegin(let caller?, let destination, _):
                guard state.calls[caller.uniqueID] != nil else { return }
                state.legs[destination.channel] = caller.uniqueID
                state.calls[caller.uniqueID]?.agentLeg = destination.uniqueID
                learnLinkedID(caller, &state)
                steps.append((caller.uniqueID, CallEvent(.ringing, at: now, agent: state.calls[caller.uniqueID]?.agent, detail: destination.channel)))
            case .dialEnd(let caller?, _, "ANSWER"):
                guard let entry = state.calls[caller.uniqueID], entry.journey.awaitsAnswer else { return }
                steps.append((caller.uniqueID, CallEvent(.connected, at: now, queue: entry.journey.record.queue, agent: entry.agent)))
            case .bridgeEnter(let channel, let bridge):
                guard state.calls[channel.uniqueID] != nil else { return }
                state.calls[channel.uniqueID]?.bridge = bridge
                steps.append((channel.uniqueID, CallEvent(.bridged, at: now, agent: state.calls[channel.uniqueID]?.agent)))
            case .bridgeLeave(let channel, let bridge):
                // The first to leave the bridge is who hung up (or was taken away).
                guard let (uniqueID, isCaller) = call(of: channel), state.calls[uniqueID]?.bridge == bridge else { return }
                state.calls[uniqueID]?.bridge = nil
                let side: HangupSide = isCaller ? .caller : .agent
                steps.append((uniqueID, CallEvent(.unbridged, at: now, agent: state.calls[uniqueID]?.agent, detail: side.rawValue)))
            case .blindTransfer(let transferer, let transferee, let context, let exten):
                guard let (uniqueID, _) = call(of: transferee) ?? call(of: transferer) else { return }
                steps.append((uniqueID, CallEvent(.transferred, at: now, agent: state.calls[uniqueID]?.agent, detail: "\(exten)@\(context)")))
            case .attendedTransfer(let transferer, let transferee, let destination):
                guard let (uniqueID, _) = call(of: transferee) ?? call(of: transferer) else { return }
                steps.append((uniqueID, CallEvent(.transferred, at: now, agent: state.calls[uniqueID]?.agent, detail: "attended to " + destination)))
            case .hold(let channel, let on):
                guard let (uniqueID, _) = call(of: channel) else { return }
                steps.append((uniqueID, CallEvent(on ? .held : .unheld, at: now)))
            case .hangup(let channel, let cause, _):
                if state.legs.removeValue(forKey: channel.channel) != nil { return }
                guard state.calls[channel.uniqueID] != nil else { return }
                learnLinkedID(channel, &state)
                state.calls[channel.uniqueID]?.hungUp = (now, cause)
                if state.calls[channel.uniqueID]?.flowEnded != nil { over = channel.uniqueID }
            case .newChannel(let channel), .newState(let channel):
                learnLinkedID(channel, &state)
            default:
                break
            }
        }
        for (uniqueID, step) in steps { record(uniqueID: uniqueID, step) }
        if let over { finish(over) }
    }

    private func learnLinkedID(_ channel: ChannelSnapshot, _ state: inout State) {
        guard !channel.linkedID.isEmpty, state.calls[channel.uniqueID]?.journey.record.linkedID == nil else { return }
        state.calls[channel.uniqueID]?.journey.update { $0.linkedID = channel.linkedID }
    }
}

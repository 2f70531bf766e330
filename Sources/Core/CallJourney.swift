import Foundation

/// A call's journey as it happens: its record (who, from where) and its timeline, from which
/// every figure of the record is worked out once, in `finished`. A pure value: the caller
/// stamps each step with the time from its one clock, and steps never go back in time (one
/// stamped before the last is moved up to it, so the timeline stays in order).
public struct CallJourney: Sendable, Equatable {
    public private(set) var record: CallRecord
    public private(set) var events: [CallEvent] = []

    public init(_ record: CallRecord) {
        self.record = record
    }

    public var uniqueID: String { record.uniqueID }

    /// Fills in what is learnt after the start (linkedid from AMI, the customer from a lookup).
    public mutating func update(_ change: (inout CallRecord) -> Void) {
        change(&record)
    }

    public mutating func add(_ event: CallEvent) {
        var event = event
        if let last = events.last?.at, event.at < last { event.at = last }
        if event.at < record.arrivedAt { event.at = record.arrivedAt }
        events.append(event)
    }

    /// Whether an agent was chosen for the call and has not answered or missed it yet.
    public var awaitsAnswer: Bool {
        guard let offered = events.lastIndex(where: { $0.kind == .offered }) else { return false }
        return !events[offered...].contains { [.connected, .ringNoAnswer].contains($0.kind) }
    }

    /// Whether a step of this kind is in the timeline.
    public func has(_ kind: CallEvent.Kind) -> Bool { events.contains { $0.kind == kind } }

    /// What the timeline says so far: the record with its outcome, times and durations, as if
    /// the call ended at its last step. `shortAbandon` gives a queue's short-abandon threshold
    /// and `wrapUp` its wrap-up, in seconds.
    public func finished(shortAbandon: (String) -> Double = { _ in 5 }, wrapUp: (String) -> Double = { _ in 0 }) -> CallRecord {
        var call = record
        var figures = Figures()
        for event in events { figures.take(event, into: &call) }
        let end = events.last?.at ?? record.arrivedAt
        figures.close(at: end)
        call.endedAt = end
        call.ringSeconds = figures.ring
        call.waitSeconds = call.queuedAt == nil ? nil : max(0, figures.inQueue - figures.ringInQueue)
        // Without AMI there are no bridge steps: the talk runs from the answer to the end.
        call.talkSeconds = call.answeredAt.map { answered in figures.bridged ? figures.talk : end.timeIntervalSince(answered) }
        call.holdSeconds = call.answeredAt == nil ? nil : figures.hold
        call.wrapUpSeconds = call.answeredAt == nil ? nil : call.queue.map(wrapUp)
        call.outcome = figures.outcome(call, shortAbandon: shortAbandon)
        call.hangupSide = figures.firstToLeave ?? figures.hangupSide ?? call.hangupSide
        return call
    }

    /// The running sums of one pass over the timeline.
    private struct Figures {
        var ring = 0.0, ringInQueue = 0.0, inQueue = 0.0, talk = 0.0, hold = 0.0
        var ringingSince: Date?, queuedSince: Date?, bridgedSince: Date?, heldSince: Date?
        var bridged = false, hungUpInQueue = false, queueWaitAtExit = 0.0
        var callback = false, voicemail = false, transferred = false, operatorTook = false, failed = false
        var firstToLeave: HangupSide?, hangupSide: HangupSide?

        mutating func take(_ event: CallEvent, into call: inout CallRecord) {
            let at = event.at
            switch event.kind {
            case .queued:
                if queuedSince == nil { queuedSince = at }
                if call.queuedAt == nil { call.queuedAt = at }
                call.queue = event.queue ?? call.queue
            case .overflowed:
                call.queue = event.queue ?? call.queue
            case .offered:
                // Ringing counts from the ACD's choice: the flow dials within milliseconds, and
                // without AMI there is no DialBegin to tell when.
                call.offers += 1
                if call.offeredAt == nil { call.offeredAt = at }
                if ringingSince == nil { ringingSince = at }
            case .ringNoAnswer:
                stopRinging(at)
            case .connected:
                stopRinging(at)
                leaveQueue(at)
                if call.answeredAt == nil { call.answeredAt = at }
                call.agentID = event.agent ?? call.agentID
                call.queue = event.queue ?? call.queue
            case .bridged:
                bridged = true
                if bridgedSince == nil { bridgedSince = at }
            case .unbridged:
                if let since = bridgedSince { talk += at.timeIntervalSince(since) }
                bridgedSince = nil
                if firstToLeave == nil { firstToLeave = event.detail.flatMap(HangupSide.init(rawValue:)) }
            case .held:
                if heldSince == nil { heldSince = at }
            case .unheld:
                if let since = heldSince { hold += at.timeIntervalSince(since) }
                heldSince = nil
            case .exited:
                leaveQueue(at)
                call.queueExit = event.detail.flatMap(QueueExit.init(rawValue:))
            case .abandoned:
                if queuedSince != nil { hungUpInQueue = true }
                leaveQueue(at)
            case .callbackRequested:
                leaveQueue(at)
                callback = true
                call.queueExit = .callback
            case .callbackConnected:
                call.agentID = event.agent ?? call.agentID
            case .voicemail: voicemail = true
            case .recording: call.recording = event.detail ?? call.recording
            case .transferred: transferred = true
            case .operator: operatorTook = true
            case .error: failed = true
            case .hangup:
                call.hangupCause = event.cause ?? call.hangupCause
                hangupSide = event.detail.flatMap(HangupSide.init(rawValue:)) ?? hangupSide
                // Still in the queue when the call ended: the caller hung up waiting.
                if queuedSince != nil { hungUpInQueue = true }
            default: break
            }
        }

        /// Closes what is still open when the call ends.
        mutating func close(at end: Date) {
            stopRinging(end)
            if queuedSince != nil { hungUpInQueue = true }
            leaveQueue(end)
            if let since = bridgedSince { talk += end.timeIntervalSince(since) }
            bridgedSince = nil
            if let since = heldSince { hold += end.timeIntervalSince(since) }
            heldSince = nil
        }

        mutating func stopRinging(_ at: Date) {
            guard let since = ringingSince else { return }
            let seconds = at.timeIntervalSince(since)
            ring += seconds
            if queuedSince != nil { ringInQueue += seconds }
            ringingSince = nil
        }

        mutating func leaveQueue(_ at: Date) {
            guard let since = queuedSince else { return }
            stopRinging(at)
            inQueue += at.timeIntervalSince(since)
            queueWaitAtExit = inQueue
            queuedSince = nil
        }

        func outcome(_ call: CallRecord, shortAbandon: (String) -> Double) -> CallOutcome {
            if callback { return .callback }
            if call.answeredAt != nil { return transferred ? .transferred : .answered }
            if transferred { return .transferred }
            if operatorTook { return .operator }
            if voicemail { return .voicemail }
            if failed { return .error }
            guard call.queuedAt != nil else { return .ivrOnly }
            if hungUpInQueue, call.queueExit == nil, queueWaitAtExit < shortAbandon(call.queue ?? "") { return .shortAbandoned }
            return .abandoned
        }
    }
}

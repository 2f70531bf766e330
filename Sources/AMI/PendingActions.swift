/// Actions sent and not yet resolved, and how each incoming message advances them. Each action
/// resolves exactly once: on its response, on the end of its event list, on its
/// `OriginateResponse`, on its deadline, or when the connection ends.
///
/// Pure bookkeeping: the connection holds it under a lock and resumes the returned waiters
/// outside it.
struct PendingActions {
    typealias Waiter = CheckedContinuation<AMIResponse, any Error>

    struct Entry {
        var action: String
        var waiter: Waiter
        var timeout: Duration
        var deadline: ContinuousClock.Instant
        var awaitsOriginateResponse: Bool
        var response: AMIResponse?
        /// List items or an OriginateResponse that raced ahead of the response.
        var early: [AMIMessage] = []
    }

    /// A waiter to resume, with what to resume it with.
    struct Resolution {
        var waiter: Waiter
        var result: Result<AMIResponse, AMIError>

        func resume() { waiter.resume(with: result.mapError { $0 as any Error }) }
    }

    private var entries: [String: Entry] = [:]

    var count: Int { entries.count }

    mutating func add(id: String, _ entry: Entry) {
        entries[id] = entry
    }

    /// Takes `message` if it answers a pending action. Returns whether it was taken (an event that
    /// was taken is part of a response and not delivered as an event) and, when the action is
    /// now complete, its resolution.
    mutating func accept(_ message: AMIMessage) -> (taken: Bool, resolution: Resolution?) {
        guard !entries.isEmpty, let id = message.actionID, var entry = entries[id] else { return (false, nil) }
        switch message.kind {
        case .response:
            guard entry.response == nil else { return (false, nil) }
            let response = AMIResponse(message: message)
            if !response.isSuccess {
                entries[id] = nil
                // A failed Command explains itself in its Output lines, not in "Command output follows".
                let reason = response.output.isEmpty ? response.text ?? "error" : response.output.joined(separator: "\n")
                return (true, Resolution(waiter: entry.waiter, result: .failure(.actionFailed(action: entry.action, message: reason))))
            }
            guard response.startsList || entry.awaitsOriginateResponse else {
                entries[id] = nil
                return (true, Resolution(waiter: entry.waiter, result: .success(response)))
            }
            let early = entry.early
            entry.early = []
            entry.response = response
            entries[id] = entry
            for message in early {
                if let resolution = accept(message).resolution { return (true, resolution) }
            }
            return (true, nil)
        case .event:
            guard var response = entry.response else {
                entry.early.append(message)
                entries[id] = entry
                return (true, nil)
            }
            if entry.awaitsOriginateResponse, message.firstValue == "OriginateResponse" {
                entries[id] = nil
                response.completion = message
                if message["Response"] == "Success" { return (true, Resolution(waiter: entry.waiter, result: .success(response))) }
                let failure = AMIError.actionFailed(action: entry.action, message: Self.originateFailure(message))
                return (true, Resolution(waiter: entry.waiter, result: .failure(failure)))
            }
            if message["EventList"]?.lowercased() == "complete" {
                entries[id] = nil
                response.completion = message
                return (true, Resolution(waiter: entry.waiter, result: .success(response)))
            }
            response.items.append(message)
            entry.response = response
            entries[id] = entry
            return (true, nil)
        case .unknown:
            return (false, nil)
        }
    }

    /// Removes the action `id` (cancelled by its caller), failing it with `error`.
    mutating func remove(id: String, error: AMIError) -> Resolution? {
        entries.removeValue(forKey: id).map { Resolution(waiter: $0.waiter, result: .failure(error)) }
    }

    /// Every action whose deadline has passed, failed with a timeout.
    mutating func expire(now: ContinuousClock.Instant) -> [Resolution] {
        let expired = entries.filter { $0.value.deadline <= now }
        for id in expired.keys { entries[id] = nil }
        return expired.values.map { entry in
            Resolution(waiter: entry.waiter, result: .failure(.timedOut(action: entry.action, after: entry.timeout)))
        }
    }

    /// Every pending action, failed with `error`: the connection is gone.
    mutating func failAll(_ error: AMIError) -> [Resolution] {
        defer { entries = [:] }
        return entries.values.map { Resolution(waiter: $0.waiter, result: .failure(error)) }
    }

    /// The `Reason:` of a failed originate in words (Asterisk's control frame numbers).
    static func originateFailure(_ message: AMIMessage) -> String {
        let reason = message["Reason"] ?? "0"
        let words = ["0": "failed", "1": "hung up", "3": "no answer", "5": "busy", "8": "congestion"][reason] ?? "failed"
        return "originate \(message["Channel"] ?? "") \(words) (reason \(reason))"
    }
}

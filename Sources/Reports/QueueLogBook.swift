import Core
import Foundation

/// Switchboard's routing told as app_queue tells it in `queue_log`, so tools that read that
/// file (QueueMetrics, Asternic) read Switchboard's ACD as if it were app_queue. Fed the steps
/// of each call's timeline as they happen and the agents' state changes, it gives the lines
/// app_queue writes for the same situations, field for field (the formats are those of
/// Asterisk 20: see the README's queue_log section).
///
/// Positions are counted here, in the order callers joined each queue: the line numbers tools
/// show, not the ACD's priority order. Member events name the agent by id in every field
/// (app_queue's `log_membername_as_agent = yes`). A pure value, driven by the steps' own times.
public struct QueueLogBook: Sendable {
    /// One caller from joining a queue until their last line.
    struct Caller {
        var queue: String
        var joinedAt: Date
        /// Place when they joined (app_queue's `opos`).
        var position: Int
        var ringing: (agent: String, since: Date)?
        var connected: (agent: String, at: Date)?
        /// The first to leave the bridge, and when: the COMPLETE line waits for the call's next
        /// step, since an agent leaving to consult for an attended transfer looks the same.
        var left: (side: HangupSide?, at: Date)?
        /// A COMPLETE or TRANSFER line was written: nothing more for this call.
        var done = false
    }

    enum Member { case available, paused }

    private var callers: [String: Caller] = [:]
    /// Each queue's waiting callers, in the order they joined.
    private var lines: [String: [String]] = [:]
    private var members: [String: Member] = [:]
    private let ringTimeouts: [String: Double]

    /// `ringTimeouts`: each queue's ring time per agent, in seconds (what a RINGNOANSWER after
    /// a ring timeout reports, as app_queue does).
    public init(ringTimeouts: [String: Double]) {
        self.ringTimeouts = ringTimeouts
    }

    /// Whole epoch seconds, as `time(NULL)`: app_queue's durations are differences of these.
    static func seconds(_ date: Date) -> Int { Int(date.timeIntervalSince1970.rounded(.down)) }

    /// The lines for a step of the call `uniqueID` from `number`. `agentLeg` is the uniqueid of
    /// the agent's channel, when AMI told it (CONNECT's second field).
    public mutating func step(_ event: CallEvent, of uniqueID: String, number: String?, agentLeg: String?) -> [QueueLogLine] {
        var out: [QueueLogLine] = []
        if let left = callers[uniqueID]?.left {
            switch event.kind {
            case .bridged: callers[uniqueID]?.left = nil
            case .transferred, .held, .unheld, .unbridged, .ringing: break
            default: out = complete(uniqueID, side: left.side, at: left.at)
            }
        }
        return out + lines(for: event, of: uniqueID, number: number, agentLeg: agentLeg)
    }

    private mutating func lines(for event: CallEvent, of uniqueID: String, number: String?, agentLeg: String?) -> [QueueLogLine] {
        let now = Self.seconds(event.at)
        func line(_ queue: String, _ agent: String, _ name: String, _ data: [String]) -> QueueLogLine {
            QueueLogLine(time: now, callID: uniqueID, queue: queue, agent: agent, event: name, data: data)
        }
        switch event.kind {
        case .queued:
            guard let queue = event.queue, callers[uniqueID] == nil else { return [] }
            return [line(queue, "NONE", "ENTERQUEUE", ["", number ?? "", String(join(uniqueID, queue, at: event.at))])]
        case .overflowed:
            // As a Queue() that timed out into the next queue's Queue().
            guard let queue = event.queue, let from = callers[uniqueID], from.connected == nil else { return [] }
            var out = leave(uniqueID, "EXITWITHTIMEOUT", at: event.at)
            out.append(line(queue, "NONE", "ENTERQUEUE", ["", number ?? "", String(join(uniqueID, queue, at: event.at))]))
            return out
        case .offered:
            if let agent = event.agent, callers[uniqueID]?.connected == nil { callers[uniqueID]?.ringing = (agent, event.at) }
            return []
        case .ringNoAnswer:
            guard let caller = callers[uniqueID], let ringing = caller.ringing else { return [] }
            callers[uniqueID]?.ringing = nil
            // After a ring timeout app_queue writes the time it gave the ring, otherwise
            // (busy, unavailable) the whole seconds it took, in milliseconds.
            let timedOut = event.detail == "noAnswer"
            let milliseconds = timedOut
                ? Int((ringTimeouts[caller.queue] ?? 15) * 1000)
                : (now - Self.seconds(ringing.since)) * 1000
            return [line(caller.queue, ringing.agent, "RINGNOANSWER", [String(milliseconds)])]
        case .connected:
            guard var caller = callers[uniqueID], caller.connected == nil else { return [] }
            let agent = event.agent ?? caller.ringing?.agent ?? "NONE"
            let ringSeconds = caller.ringing.map { Int(event.at.timeIntervalSince($0.since)) } ?? 0
            lines[caller.queue]?.removeAll { $0 == uniqueID }
            caller.ringing = nil
            caller.connected = (agent, event.at)
            callers[uniqueID] = caller
            return [line(caller.queue, agent, "CONNECT", [String(now - Self.seconds(caller.joinedAt)), agentLeg ?? "", String(ringSeconds)])]
        case .abandoned:
            return leave(uniqueID, "ABANDON", at: event.at)
        case .exited:
            switch event.detail.flatMap(QueueExit.init(rawValue:)) {
            case .key: return leave(uniqueID, "EXITWITHKEY", key: "*", at: event.at)
            // As app_queue writes a caller withdrawn over AMI (QueueWithdrawCaller).
            case .supervisor: return leave(uniqueID, "WITHDRAW", info: "supervisor", at: event.at)
            default: return leave(uniqueID, "EXITWITHTIMEOUT", at: event.at)
            }
        case .callbackRequested:
            return leave(uniqueID, "WITHDRAW", info: "callback", at: event.at)
        case .transferred:
            guard let caller = callers[uniqueID], let connected = caller.connected, !caller.done else { return [] }
            callers[uniqueID]?.done = true
            let answered = Self.seconds(connected.at)
            let times = [String(answered - Self.seconds(caller.joinedAt)), String(now - answered), String(caller.position)]
            let target = event.detail ?? ""
            if target.hasPrefix("attended to ") {
                // `attended to bridge ID`, `attended to app NAME`, `attended to link A B`.
                let parts = target.dropFirst("attended to ".count).split(separator: " ").map(String.init)
                let destination = [parts.first?.uppercased() ?? "BRIDGE"] + parts.dropFirst()
                return [line(caller.queue, connected.agent, "ATTENDEDTRANSFER", destination + times)]
            }
            let at = target.lastIndex(of: "@")
            let exten = at.map { String(target[..<$0]) } ?? target
            let context = at.map { String(target[target.index(after: $0)...]) } ?? ""
            return [line(caller.queue, connected.agent, "BLINDTRANSFER", [exten, context] + times)]
        case .unbridged:
            // The first to leave the bridge ended the call (COMPLETECALLER or COMPLETEAGENT),
            // unless a transfer follows.
            guard callers[uniqueID]?.connected != nil, callers[uniqueID]?.left == nil else { return [] }
            callers[uniqueID]?.left = (event.detail.flatMap(HangupSide.init(rawValue:)), event.at)
            return []
        default:
            return []
        }
    }

    /// The call is over: its COMPLETE line (at the bridge's end, or now without AMI), or an
    /// ABANDON if it was still waiting; then it is forgotten.
    public mutating func finished(_ call: CallRecord) -> [QueueLogLine] {
        let at = call.endedAt ?? Date()
        let left = callers[call.uniqueID]?.left
        var out = complete(call.uniqueID, side: left?.side ?? call.hangupSide, at: left?.at ?? at)
        if callers[call.uniqueID]?.connected == nil { out += leave(call.uniqueID, "ABANDON", at: at) }
        callers[call.uniqueID] = nil
        return out
    }

    /// An agent's state change (`available`, `paused`, `logged out`), one line per queue they
    /// serve: ADDMEMBER at login, PAUSE and UNPAUSE with the reason given, REMOVEMEMBER at logout.
    public mutating func agent(_ id: String, state: String, reason: String?, queues: [String], at date: Date) -> [QueueLogLine] {
        let now = Self.seconds(date)
        func lines(_ callID: String, _ event: String, _ data: String) -> [QueueLogLine] {
            queues.map { QueueLogLine(time: now, callID: callID, queue: $0, agent: id, event: event, data: [data]) }
        }
        let before = members[id]
        switch state {
        case "available":
            members[id] = .available
            if before == nil { return lines("MANAGER", "ADDMEMBER", "") }
            // The end of a wrap-up is not a pause ending.
            return before == .paused ? lines("NONE", "UNPAUSE", reason ?? "") : []
        case "paused":
            members[id] = .paused
            return before == nil ? lines("MANAGER", "ADDMEMBER", "PAUSED") : lines("NONE", "PAUSE", reason ?? "")
        case "logged out":
            members[id] = nil
            return before == nil ? [] : lines("MANAGER", "REMOVEMEMBER", "")
        default:
            return []
        }
    }

    /// Puts the caller at the end of `queue`'s line; their place.
    private mutating func join(_ uniqueID: String, _ queue: String, at date: Date) -> Int {
        lines[queue, default: []].append(uniqueID)
        let position = lines[queue]!.count
        callers[uniqueID] = Caller(queue: queue, joinedAt: date, position: position)
        return position
    }

    /// The caller leaves the line without an agent: a RINGCANCELED for the agent ringing, then
    /// `event` with `position|original position|waittime` (EXITWITHKEY: the key first;
    /// WITHDRAW: the info after).
    private mutating func leave(_ uniqueID: String, _ event: String, key: String? = nil, info: String? = nil, at date: Date) -> [QueueLogLine] {
        guard let caller = callers[uniqueID], caller.connected == nil else { return [] }
        let now = Self.seconds(date)
        let position = (lines[caller.queue]?.firstIndex(of: uniqueID) ?? 0) + 1
        lines[caller.queue]?.removeAll { $0 == uniqueID }
        callers[uniqueID] = nil
        var out: [QueueLogLine] = []
        if let ringing = caller.ringing {
            let milliseconds = Int((date.timeIntervalSince(ringing.since) * 1000).rounded())
            out.append(QueueLogLine(time: now, callID: uniqueID, queue: caller.queue, agent: ringing.agent, event: "RINGCANCELED", data: [String(milliseconds)]))
        }
        let data = [key].compactMap { $0 } + [String(position), String(caller.position), String(now - Self.seconds(caller.joinedAt))] + [info].compactMap { $0 }
        out.append(QueueLogLine(time: now, callID: uniqueID, queue: caller.queue, agent: "NONE", event: event, data: data))
        return out
    }

    /// COMPLETEAGENT or COMPLETECALLER (`holdtime|calltime|original position`), once per call.
    private mutating func complete(_ uniqueID: String, side: HangupSide?, at date: Date) -> [QueueLogLine] {
        guard let caller = callers[uniqueID], let connected = caller.connected, !caller.done else { return [] }
        callers[uniqueID]?.done = true
        let now = Self.seconds(date)
        let answered = Self.seconds(connected.at)
        return [QueueLogLine(
            time: now, callID: uniqueID, queue: caller.queue, agent: connected.agent, event: side == .caller ? "COMPLETECALLER" : "COMPLETEAGENT",
            data: [String(answered - Self.seconds(caller.joinedAt)), String(now - answered), String(caller.position)]
        )]
    }
}

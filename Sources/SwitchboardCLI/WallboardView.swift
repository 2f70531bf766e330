import ACD
import App
import Foundation

/// A wallboard frame as text: queues now and today, then agents by state. Pure, so the screen,
/// `--once` and tests print the same thing.
enum WallboardView {
    static func render(_ frame: WallboardFrame, zone: TimeZone, note: String? = nil) -> String {
        var lines = ["Switchboard wallboard — \(clock(frame.at, zone))" + (note.map { "  [\($0)]" } ?? "")]
        lines.append("")
        lines.append(TextTable.render(
            header: ["QUEUE", "WAITING", "LONGEST", "OFFERED", "ANSWERED", "ABANDONED", "SL TODAY", "TARGET", "ASA"],
            rows: frame.queues.map { queue in
                [
                    queue.name, "\(queue.waiting)", minutes(queue.longestWaitSeconds), "\(queue.offered)", "\(queue.answered)",
                    "\(queue.abandoned)", serviceLevel(queue), "\(percent(queue.serviceLevelTarget)) in \(Int(queue.serviceLevelSeconds))s",
                    queue.asaSeconds.map(minutes) ?? "-",
                ]
            }
        ))
        lines.append("")
        let counts = Dictionary(grouping: frame.agents, by: \.activity).mapValues(\.count)
        lines.append("AGENTS  " + AgentActivity.allCases.filter { $0 != .loggedOut }.map { "\(name($0)) \(counts[$0] ?? 0)" }.joined(separator: " · "))
        let shown = frame.agents.filter { $0.activity != .loggedOut }.sorted { (order($0.activity), $0.agent) < (order($1.activity), $1.agent) }
        if shown.isEmpty {
            lines.append("no agent logged in")
        } else {
            lines.append(TextTable.render(
                header: ["AGENT", "STATE", "FOR", "CALLS TODAY"],
                rows: shown.map { [$0.agent, $0.state + ($0.phoneBusy ? " (phone busy)" : ""), minutes($0.secondsInState), "\($0.callsToday)"] }
            ))
        }
        if !frame.notices.isEmpty {
            lines.append("")
            lines.append("NOTICES")
            lines += frame.notices.reversed().map { "\(clock($0.at, zone).suffix(8))  \($0.text)" }
        }
        return lines.joined(separator: "\n")
    }

    /// Below target is marked, so it stands out on a screen without colour.
    static func serviceLevel(_ queue: WallboardFrame.Queue) -> String {
        guard let level = queue.serviceLevel else { return "-" }
        return percent(level) + (level < queue.serviceLevelTarget ? " !" : "")
    }

    static func percent(_ share: Double) -> String { "\(Int((share * 100).rounded()))%" }

    /// `m:ss`, or `h:mm:ss` from an hour.
    static func minutes(_ seconds: Double) -> String {
        let total = max(0, Int(seconds.rounded(.down)))
        return total >= 3600
            ? String(format: "%d:%02d:%02d", total / 3600, total / 60 % 60, total % 60)
            : String(format: "%d:%02d", total / 60, total % 60)
    }

    static func clock(_ date: Date, _ zone: TimeZone) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = zone
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return formatter.string(from: date)
    }

    static func name(_ activity: AgentActivity) -> String {
        switch activity {
        case .loggedOut: "logged out"
        case .available: "available"
        case .ringing: "ringing"
        case .onCall: "on call"
        case .wrapUp: "wrap-up"
        case .paused: "paused"
        }
    }

    /// Busy agents first: a supervisor reads who is on calls, then who is free.
    static func order(_ activity: AgentActivity) -> Int {
        [.onCall, .ringing, .wrapUp, .available, .paused, .loggedOut].firstIndex(of: activity) ?? 0
    }
}

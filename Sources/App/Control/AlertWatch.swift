import ACD
import AMI
import Alerts
import Core
import Foundation
import Glibc
import Reports

/// Runs the `[alerts]` rules inside `serve`: once a second it looks at the queues, the agents,
/// AMI and the recordings' disk; an alert that fires or clears is logged, shown on the
/// wallboard, and on firing rings the configured phone with `custom/alert` (AMI Originate).
struct AlertWatch: Sendable {
    let rules: [AlertRule]
    let call: String?
    let routing: RoutingService
    let wallboard: WallboardFeed
    let ami: AMIClient?
    let recordingsFolder: String
    let logger: Logger

    static let prompt = "custom/alert"

    func run() async {
        var board = AlertBoard(rules: rules)
        var downSince: MonotonicTime?
        while !Task.isCancelled {
            let connected = ami.map { $0.status.state == "connected" } ?? true
            if connected { downSince = nil } else if downSince == nil { downSince = .now() }
            let report = routing.report()
            let targets = { (queue: String) in routing.settings[queue]?.reportTarget ?? ReportSheets.Target() }
            let frame = wallboard.frame(report, targets: targets)
            let snapshot = AlertSnapshot(
                queues: frame.queues.map { AlertSnapshot.Queue(name: $0.name, longestWaitSeconds: $0.longestWaitSeconds, serviceLevel: $0.serviceLevel) },
                agents: report.agents.map { AlertSnapshot.Agent(id: $0.agent, activity: $0.activity.rawValue, secondsInState: $0.secondsInState) },
                amiDownSeconds: downSince.map(\.secondsElapsed), diskFree: Self.diskFree(recordingsFolder)
            )
            for change in board.evaluate(snapshot) { tell(change) }
            try? await Task.sleep(for: .seconds(1))
        }
    }

    private func tell(_ change: AlertChange) {
        if change.fired {
            logger.warning("alert: \(change.text)", ["rule": change.key])
            wallboard.notice("⚠ \(change.text)")
            if let call, let ami { ring(call, about: change, through: ami) }
        } else {
            logger.notice("alert cleared: \(change.text)", ["rule": change.key])
            wallboard.notice("cleared: \(change.text)")
        }
    }

    private func ring(_ phone: String, about change: AlertChange, through ami: AMIClient) {
        Task { [logger] in
            do {
                _ = try await ami.send(.originate(channel: phone, application: "Playback", data: Self.prompt, callerID: "\"Switchboard alert\" <0>", timeout: .seconds(30)), timeout: .seconds(45))
            } catch {
                logger.warning("alert call not placed: \(error)", ["phone": phone, "rule": change.key])
            }
        }
    }

    /// Free space out of all on the recordings' disk (statvfs), nil when it cannot be read.
    static func diskFree(_ folder: String) -> Double? {
        var stats = statvfs()
        guard statvfs(folder, &stats) == 0, stats.f_blocks > 0 else { return nil }
        return Double(stats.f_bavail) / Double(stats.f_blocks)
    }
}

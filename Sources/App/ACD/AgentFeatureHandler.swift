import AGI
import Core
import Store

/// Agents' phone feature codes: `agi://…/agent/<login|logout|pause|unpause>`, reached from
/// `[switchboard-features]` in the dialplan. The agent keys in their id and PIN; a pause asks
/// for a reason code (1 break, 2 lunch, 3 training, 4 meeting).
struct AgentFeatureHandler: Sendable {
    let routing: RoutingService
    let store: Store
    let logger: Logger

    static let reasons = ["1": "break", "2": "lunch", "3": "training", "4": "meeting"]

    func handle(_ session: AGISession) async throws {
        let action = session.environment.script.path.split(separator: "/").last.map(String.init) ?? ""
        guard let change = RoutingService.AgentChange(rawValue: action) else {
            _ = try await session.streamFile("invalid")
            try await session.hangup()
            return
        }
        try await session.answer()
        let id = try await session.getData("agent-user", timeout: .seconds(6), maxDigits: 10).digits
        let pin = try await session.getData("agent-pass", timeout: .seconds(6), maxDigits: 10, sensitive: true).digits
        guard !id.isEmpty, try await store.verifyPIN(agentID: id, pin: pin) else {
            logger.warning("agent feature refused: wrong id or PIN", ["agent": id, "feature": action])
            _ = try await session.streamFile("agent-incorrect")
            try await session.hangup()
            return
        }
        var reason: String?
        if change == .pause {
            let code = try await session.getData("custom/pause-reason", timeout: .seconds(6), maxDigits: 1).digits
            reason = Self.reasons[code] ?? "break"
        }
        if change == .login, let agent = try await store.agent(id: id) { routing.learn(agent) }
        if let problem = routing.change(id, change, reason: reason) {
            logger.notice("agent feature not applied: \(problem)", ["agent": id])
            _ = try await session.streamFile("invalid")
        } else {
            logger.info("agent \(change.rawValue)", ["agent": id, "reason": reason ?? ""])
            _ = try await session.streamFile(change == .login ? "agent-loginok" : change == .logout ? "agent-loggedoff" : "auth-thankyou")
        }
        try await session.hangup()
    }
}

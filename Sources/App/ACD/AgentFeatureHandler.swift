import AGI
import Core
import Store

/// Agents' phone feature codes: `agi://…/agent/<login|logout|pause|unpause|wrapup>`, reached
/// from `[switchboard-features]` in the dialplan. The agent keys in their id and PIN; a pause
/// asks for a reason code (1 break, 2 lunch, 3 training, 4 meeting), a wrap-up for the code
/// (the tickets file's `[wrapup]`) that applies to the ticket of the call they just handled.
struct AgentFeatureHandler: Sendable {
    let routing: RoutingService
    let store: Store
    let tickets: TicketDesk?
    let logger: Logger

    static let reasons = ["1": "break", "2": "lunch", "3": "training", "4": "meeting"]

    /// Every prompt the feature codes play (`flows check` looks for each).
    public enum Prompt {
        static let agentID = "agent-user"
        static let pin = "agent-pass"
        static let refused = "agent-incorrect"
        static let pauseReason = "custom/pause-reason"
        static let wrapUpCode = "custom/wrapup-code"
        static let notApplied = "invalid"
        static let loggedIn = "agent-loginok"
        static let loggedOut = "agent-loggedoff"
        static let done = "auth-thankyou"
        public static let all = [agentID, pin, refused, pauseReason, wrapUpCode, notApplied, loggedIn, loggedOut, done]
    }

    func handle(_ session: AGISession) async throws {
        let action = session.environment.script.path.split(separator: "/").last.map(String.init) ?? ""
        let change = RoutingService.AgentChange(rawValue: action)
        guard change != nil || action == "wrapup" else {
            _ = try await session.play(Prompt.notApplied, escapeDigits: "", logger: logger)
            try await session.hangup()
            return
        }
        try await session.answer()
        let id = try await session.prompt(Prompt.agentID, timeout: .seconds(6), maxDigits: 10, logger: logger).digits
        let pin = try await session.sensitive { try await session.prompt(Prompt.pin, timeout: .seconds(6), maxDigits: 10, logger: logger).digits }
        guard !id.isEmpty, try await store.verifyPIN(agentID: id, pin: pin) else {
            logger.warning("agent feature refused: wrong id or PIN", ["agent": id, "feature": action])
            _ = try await session.play(Prompt.refused, escapeDigits: "", logger: logger)
            try await session.hangup()
            return
        }
        guard let change else { return try await wrapUp(id, session) }
        var reason: String?
        if change == .pause {
            let code = try await session.prompt(Prompt.pauseReason, timeout: .seconds(6), maxDigits: 1, logger: logger).digits
            reason = Self.reasons[code] ?? "break"
        }
        if change == .login, let agent = try await store.agent(id: id) { routing.learn(agent) }
        let problem = routing.change(id, change, reason: reason)
        await audit(id, "agent \(change.rawValue)", arguments: reason.map { "--reason \($0)" } ?? "", result: problem.map { "failed: \($0)" } ?? "ok")
        if let problem {
            logger.notice("agent feature not applied: \(problem)", ["agent": id])
            _ = try await session.play(Prompt.notApplied, escapeDigits: "", logger: logger)
        } else {
            logger.info("agent \(change.rawValue)", ["agent": id, "reason": reason ?? ""])
            _ = try await session.play(change == .login ? Prompt.loggedIn : change == .logout ? Prompt.loggedOut : Prompt.done, escapeDigits: "", logger: logger)
        }
        try await session.hangup()
    }

    /// An agent's change from their phone, in the audit trail as `phone:AGENT`.
    private func audit(_ agent: String, _ command: String, arguments: String, result: String) async {
        do {
            try await store.audit(AuditEntry(user: "phone:\(agent)", role: Role.agent.rawValue, command: command, arguments: arguments, result: result))
        } catch {
            logger.error("audit row not written: \(error)", ["agent": agent, "command": command])
        }
    }

    /// `*55`: the code keyed applies to the ticket of the agent's last call.
    private func wrapUp(_ agent: String, _ session: AGISession) async throws {
        let code = try await session.prompt(Prompt.wrapUpCode, timeout: .seconds(6), maxDigits: 4, logger: logger).digits
        do {
            guard let tickets else { throw TicketError("no tickets file ([tickets] rules) with wrap-up codes") }
            let ticket = try await tickets.wrapUp(agent: agent, code: code)
            await audit(agent, "tickets wrapup", arguments: "\(agent) \(code)", result: "ok: \(ticket.number) \(ticket.status.rawValue)")
            logger.info("wrap-up code applied", ["agent": agent, "code": code, "ticket": ticket.number, "status": ticket.status.rawValue])
            _ = try await session.play(Prompt.done, escapeDigits: "", logger: logger)
        } catch {
            logger.notice("wrap-up code not applied: \(error)", ["agent": agent, "code": code])
            _ = try await session.play(Prompt.notApplied, escapeDigits: "", logger: logger)
        }
        try await session.hangup()
    }
}

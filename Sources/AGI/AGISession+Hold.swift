/// How a wait that `wake` can end came out.
public enum HoldResult: Sendable, Equatable {
    /// The caller pressed a key (one of the escape digits, for a prompt).
    case key(Character)
    /// The wait ran out, or the prompt played to its end.
    case timedOut
    /// `wake` ended it.
    case woken
}

/// Waits that another task can end at once through `wake` (AGIWake): holding a caller until the
/// ACD has an agent for them.
extension AGISession {
    /// WAIT FOR DIGIT for up to `timeout` (nil: for ever), ended early by a key or `wake`.
    public func hold(timeout: Duration?) async throws -> HoldResult {
        let milliseconds = timeout.map(Self.milliseconds) ?? -1
        let command = AGICommand("WAIT FOR DIGIT", [.bare(String(milliseconds))], replyTime: .media)
        return try await outcome(of: runWakeable(consume command, .waitForDigit))
    }

    /// STREAM FILE `file`, stopped by a key in `escapeDigits` or by `wake`.
    public func announce(_ file: String, escapeDigits: String) async throws -> HoldResult {
        let command = AGICommand("STREAM FILE", [.bare(file), .quoted(escapeDigits)], replyTime: .media)
        return try await outcome(of: runWakeable(consume command, .streamFile))
    }

    /// A key that came with the wake still counts (the caller's choice wins); `result=1` is
    /// Asterisk saying the wait was ended by the command a wake wrote.
    private func outcome(of run: (reply: AGIReply?, woken: Bool, command: String)) async throws -> HoldResult {
        guard let reply = run.reply else { return .woken }
        let result = try await failedOrHungUp(checked(reply, for: run.command), for: run.command).resultCode ?? 0
        if result > 1, let key = Self.digit(fromASCII: result) { return .key(key) }
        return run.woken ? .woken : .timedOut
    }

    /// Runs `command` so that a wake can end it: its reply (nil when Asterisk sent none, as
    /// STREAM FILE does when stopped by a new command), whether a wake came, and the command's
    /// name. The NOOP a wake wrote is answered after the command; that reply is read here and
    /// dropped.
    private func runWakeable(_ command: consuming AGICommand, _ kind: AGIWake.Command) async throws -> (reply: AGIReply?, woken: Bool, command: String) {
        let sent = try await write(command)
        wake.started(kind)
        var reply: AGIReply?
        do {
            let first = try await read(for: sent)
            // A stopped STREAM FILE sends no reply: a 200 with no endpos is the NOOP's.
            let isNoopReply = kind == .streamFile && wake.isInjected && first.code == 200 && first.endpos == nil && first.data == nil
            if !isNoopReply { reply = first }
            let pending = wake.finished() - (isNoopReply ? 1 : 0)
            for _ in 0..<pending { _ = try await read(for: Pending(name: "NOOP", replyTime: .immediate)) }
            return (reply, isNoopReply || pending > 0, sent.name)
        } catch {
            _ = wake.finished()
            throw error
        }
    }
}

import AGI
import Core
import Foundation
import IVR

/// A flow's call over FastAGI: prompts with STREAM FILE and GET DATA, transfers with EXEC Dial,
/// voicemail with RECORD FILE, recordings with MixMonitor (`CallRecorder`). A hang-up (or an AMI Redirect, which looks the same) becomes
/// `FlowError.callerHungUp`; a missing prompt is skipped and logged.
struct AGIFlowChannel: CallChannel {
    let session: AGISession
    let caller: CallerInfo
    let recorder: CallRecorder
    let logger: Logger

    init(session: AGISession, recorder: CallRecorder, logger: Logger) {
        self.session = session
        self.recorder = recorder
        self.logger = logger
        let environment = session.environment
        caller = CallerInfo(
            number: environment.callerIDNumber, name: environment.callerIDName,
            dnis: environment.dnid ?? environment.extensionName, uniqueID: environment.uniqueID, language: environment.language,
            channel: environment.channel
        )
    }

    func answer() async throws {
        try await guarded { try await session.answer() }
    }

    func play(_ prompts: [String], interruptingDigits: String) async throws -> Character? {
        for prompt in prompts {
            if let digit = try await guarded({ try await session.play(prompt, escapeDigits: interruptingDigits, logger: logger) }) { return digit }
        }
        return nil
    }

    /// The whole session masked in logs: for a sensitive input, the key that stops a prompt,
    /// GET DATA's reply, each WAIT FOR DIGIT; for a step with a sensitive value, its command.
    /// And left out of the call's recording.
    func sensitive<T>(_ body: () async throws -> T) async throws -> T {
        try await session.sensitive { try await recorder.leavingOut(body) }
    }

    func readDigits(prompts: [String], maxDigits: Int, timeoutSeconds: Double, terminator: Character?) async throws -> (digits: String, timedOut: Bool) {
        var digits = ""
        // Every prompt but the last may be cut short by the first digit, which then counts.
        if let first = try await play(Array(prompts.dropLast()), interruptingDigits: "0123456789*#") {
            if first == terminator { return ("", false) }
            digits.append(first)
        }
        if digits.isEmpty, let last = prompts.last {
            let input = try await guarded { try await session.prompt(last, timeout: .milliseconds(Int(timeoutSeconds * 1000)), maxDigits: maxDigits, logger: logger) }
            return (input.digits, input.timedOut)
        }
        while digits.count < maxDigits {
            guard let digit = try await guarded({ try await session.waitForDigit(timeout: .milliseconds(Int(timeoutSeconds * 1000))) }) else { return (digits, true) }
            if digit == terminator { break }
            digits.append(digit)
        }
        return (digits, false)
    }

    func say(_ what: Node.Say.What, _ value: String) async throws {
        _ = try await guarded { () -> Character? in
            switch what {
            case .number: return try await session.sayNumber(Int(value) ?? 0)
            case .digits: return try await session.sayDigits(value.filter(\.isNumber))
            case .date: return try await session.sayDate(Date(timeIntervalSince1970: Double(value) ?? 0))
            case .time: return try await session.sayTime(Date(timeIntervalSince1970: Double(value) ?? 0))
            }
        }
    }

    func setLanguage(_ language: String) async throws {
        try await guarded { try await session.setVariable("CHANNEL(language)", language) }
    }

    func setVariable(_ name: String, _ value: String) async throws {
        try await guarded { try await session.setVariable(name, value) }
    }

    func setMusic(_ on: Bool, musicClass: String) async throws {
        try await guarded { try await session.setMusic(on, musicClass: musicClass) }
    }

    var wake: (@Sendable () -> Void)? {
        let wake = session.wake
        return { wake.wake() }
    }

    func hold(seconds: Double) async throws -> Held {
        Self.held(try await guarded { try await session.hold(timeout: .milliseconds(Int(seconds * 1000))) })
    }

    func announce(_ prompts: [String], keys: String) async throws -> Held {
        for prompt in prompts {
            let result = try await guarded { try await session.announce(prompt, escapeDigits: keys, logger: logger) }
            if result != .timedOut { return Self.held(result) }
        }
        return .timedOut
    }

    static func held(_ result: HoldResult) -> Held {
        switch result {
        case .key(let key): .key(key)
        case .timedOut: .timedOut
        case .woken: .woken
        }
    }

    func startRecording(_ path: String, bridgedOnly: Bool, legs: Bool) async throws {
        try await guarded { try await recorder.start(path, bridgedOnly: bridgedOnly, legs: legs) }
    }

    func stopRecording() async throws {
        try await guarded { try await recorder.stop() }
    }

    var recording: String? { recorder.path }

    func transfer(_ target: String, timeoutSeconds: Int, continuing: Bool) async throws -> TransferOutcome {
        // `t`: the answering side may transfer the call (its own *2, or a supervisor's Atxfer).
        let result = try await guarded { try await session.dial(target, timeout: timeoutSeconds, options: continuing ? "gt" : "t") }
        switch result.rawStatus {
        case "ANSWER": return .answered(by: result.dialedPeerName, talkSeconds: result.answeredSeconds.map(Double.init))
        case "BUSY": return .busy
        case "NOANSWER": return .noAnswer
        case "CHANUNAVAIL", "CONGESTION": return .unavailable
        case "CANCEL": throw FlowError.callerHungUp
        default: return .failed(result.rawStatus ?? "no DIALSTATUS")
        }
    }

    func record(_ path: String, maxSeconds: Int) async throws -> Double {
        let result = try await guarded { try await session.recordFile(path, maxDuration: .seconds(maxSeconds), beep: false, silence: .seconds(5)) }
        return Double(result.endpos ?? 0) / 8000
    }

    func hangup() async throws {
        try await guarded { try await session.hangup() }
    }

    /// AGI's hang-up, in the flow's terms.
    private func guarded<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch AGIError.hangup, AGIError.connectionClosed {
            throw FlowError.callerHungUp
        } catch let error as AGIError {
            if case .protocolViolation = error { throw FlowError.channelLost("\(error)") }
            throw error
        }
    }
}

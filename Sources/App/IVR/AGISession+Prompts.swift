import AGI
import Core

/// Prompts that survive a missing sound file. Asterisk answers STREAM FILE and GET DATA with
/// `result=-1` at once when the file does not exist, the channel still up; a caller must never
/// lose their call over a prompt nobody recorded. The prompt is skipped (and logged), and keys
/// are still read.
extension AGISession {
    /// STREAM FILE; nil when interrupted by no digit or when the prompt does not exist.
    func play(_ prompt: String, escapeDigits: String, logger: Logger) async throws -> Character? {
        do {
            return try await streamFile(prompt, escapeDigits: escapeDigits).digit
        } catch AGIError.commandFailed(command: "STREAM FILE", _) {
            Self.missing(prompt, logger: logger)
            return nil
        }
    }

    /// `announce` (a wake can stop it); `.timedOut` when the prompt does not exist.
    func announce(_ prompt: String, escapeDigits: String, logger: Logger) async throws -> HoldResult {
        do {
            return try await announce(prompt, escapeDigits: escapeDigits)
        } catch AGIError.commandFailed(command: "STREAM FILE", _) {
            Self.missing(prompt, logger: logger)
            return .timedOut
        }
    }

    /// GET DATA; when the prompt does not exist, the digits are read one by one with WAIT FOR
    /// DIGIT (each within `timeout`, `#` ending early), as GET DATA would after its prompt.
    func prompt(_ prompt: String, timeout: Duration, maxDigits: Int, logger: Logger) async throws -> DigitInput {
        do {
            return try await getData(prompt, timeout: timeout, maxDigits: maxDigits)
        } catch AGIError.commandFailed(command: "GET DATA", _) {
            Self.missing(prompt, logger: logger)
        }
        var digits = ""
        while digits.count < maxDigits {
            guard let digit = try await waitForDigit(timeout: timeout) else { return DigitInput(digits: digits, timedOut: true) }
            if digit == "#" { break }
            digits.append(digit)
        }
        return DigitInput(digits: digits, timedOut: false)
    }

    private static func missing(_ prompt: String, logger: Logger) {
        logger.warning("prompt missing from Asterisk's sounds; skipped (switchboard flows check lists them)", ["prompt": prompt])
    }
}

import AGI
import Foundation
import Synchronization

/// The commands, as res_agi.c answers them.
extension SimulatedAGIChannel {
    /// Commands res_agi.c lets run on a dead channel (its `dead` flag).
    static let allowedWhenDead: Set<String> = [
        "exec", "database get", "database put", "database del", "database deltree",
        "get variable", "get full variable", "noop", "set variable", "verbose",
    ]

    static let known: [String] = [
        "answer", "channel status", "control stream file", "database del", "database deltree", "database get",
        "database put", "exec", "get data", "get full variable", "get option", "get variable", "hangup", "noop",
        "record file", "say alpha", "say date", "say digits", "say number", "say time", "set autohangup",
        "set callerid", "set context", "set extension", "set music", "set priority", "set variable",
        "stream file", "verbose", "wait for digit",
    ]

    func execute(_ line: String) async throws -> String {
        let words = parseAGIArguments(line)
        let lowered = words.map { $0.lowercased() }
        guard let name = Self.known.filter({ lowered.starts(with: $0.split(separator: " ").map(String.init)) })
            .max(by: { $0.count < $1.count }) else {
            return "510 Invalid or unknown command\n"
        }
        if state.withLock({ $0.dead }), !Self.allowedWhenDead.contains(name) { return Self.deadChannel }
        let arguments = Array(words.dropFirst(name.split(separator: " ").count))
        guard let reply = try await run(name, arguments) else { return usage(name) }
        return reply.isEmpty ? "" : reply + "\n"
    }

    /// Commands that play something to the caller; each stops music on hold for good
    /// ("it will be automatically stopped and will not be restarted after completion").
    static let playing: Set<String> = [
        "stream file", "control stream file", "get option", "get data", "record file",
        "say alpha", "say date", "say digits", "say number", "say time",
    ]

    /// The reply, or nil for wrong arguments (answered with the usage block).
    private func run(_ name: String, _ arguments: [String]) async throws -> String? {
        let count = arguments.count
        if Self.playing.contains(name) {
            state.withLock { state in
                state.musicPlaying = false
                if state.answeredAt == nil { state.outcome.unheardPrompts += 1 }
            }
        }
        switch name {
        case "answer":
            answer()
            return "200 result=0"
        case "noop":
            return "200 result=0"
        case "hangup":
            state.withLock { state in
                state.dead = true
                state.hangupReason = "app"
            }
            announceHangup(after: 0.04)
            return "200 result=1"
        case "channel status":
            return "200 result=6"
        case "verbose":
            return count >= 1 ? "200 result=1" : nil
        case "set variable":
            guard count == 2 else { return nil }
            state.withLock { $0.variables[arguments[0]] = arguments[1] }
            return "200 result=1"
        case "get variable":
            guard count == 1 else { return nil }
            return state.withLock { $0.variables[arguments[0]] }.map { "200 result=1 (\($0))" } ?? "200 result=0"
        case "get full variable":
            guard count >= 1 else { return nil }
            return "200 result=1 (\(substitute(arguments[0])))"
        case "set callerid":
            return count == 1 ? "200 result=1" : nil
        case "set music":
            guard count >= 1 else { return nil }
            let on = arguments[0].lowercased() == "on"
            state.withLock { state in
                state.musicWanted = on
                state.musicPlaying = on
            }
            return "200 result=0"
        case "set context", "set extension", "set priority":
            return count >= 1 ? "200 result=0" : nil
        case "set autohangup":
            guard count == 1, let seconds = Double(arguments[0]) else { return nil }
            if seconds > 0 { state.withLock { $0.hangupAt = min($0.hangupAt ?? .infinity, $0.time + seconds) } }
            return "200 result=0"
        case "database get":
            guard count == 2 else { return nil }
            return AstDB.shared.get(arguments[0], arguments[1]).map { "200 result=1 (\($0))" } ?? "200 result=0"
        case "database put":
            guard count == 3 else { return nil }
            AstDB.shared.put(arguments[0], arguments[1], arguments[2])
            return "200 result=1"
        case "database del":
            guard count == 2 else { return nil }
            return AstDB.shared.delete(arguments[0], arguments[1]) ? "200 result=1" : "200 result=0"
        case "database deltree":
            guard count >= 1 else { return nil }
            return "200 result=1"
        case "stream file":
            guard count >= 2 else { return nil }
            // res_agi's STREAM FILE watches the socket; stopped by a new command it sends no reply.
            let (result, endpos) = try await watchingSocket { try await play(arguments[0], escape: arguments[1]) }
            return result == Self.stoppedByCommand ? "" : "200 result=\(result) endpos=\(endpos)"
        case "control stream file":
            guard count >= 2 else { return nil }
            return "200 result=\(try await play(arguments[0], escape: arguments[1]).result)"
        case "get option":
            guard count >= 2 else { return nil }
            let (result, endpos) = try await play(arguments[0], escape: arguments[1])
            guard result == 0, endpos > 0 else { return "200 result=\(result) endpos=\(endpos)" }
            let timeout = count >= 3 ? (Double(arguments[2]) ?? 5000) / 1000 : 5
            switch try await nextDigit(until: now() + timeout, accepting: Set(arguments[1])) {
            case .digit(let digit): return "200 result=\(digit.asciiValue ?? 0) endpos=\(endpos)"
            case .timeout, .command: return "200 result=0 endpos=\(endpos)"
            case .hangup: return "200 result=-1 endpos=\(endpos)"
            }
        case "wait for digit":
            guard count == 1, let milliseconds = Double(arguments[0]) else { return nil }
            state.withLock { state in
                if state.musicWanted && !state.musicPlaying { state.outcome.silentHoldWaits += 1 }
            }
            let deadline = milliseconds < 0 ? Double.infinity : now() + milliseconds / 1000
            // ast_waitfordigit_full returns 1 when the AGI socket it watches has data.
            switch try await watchingSocket({ try await nextDigit(until: deadline, accepting: nil) }) {
            case .digit(let digit): return "200 result=\(digit.asciiValue ?? 0)"
            case .timeout: return "200 result=0"
            case .hangup: return "200 result=-1"
            case .command: return "200 result=1"
            }
        case "get data":
            guard count >= 1 else { return nil }
            return try await getData(file: arguments[0], timeout: count >= 2 ? Double(arguments[1]) : nil, maxDigits: count >= 3 ? Int(arguments[2]) : nil)
        case "say digits", "say number":
            guard count >= 1, Int(arguments[0]) != nil else { return nil }
            let spoken = name == "say digits" ? arguments[0].count : max(1, arguments[0].count * 2 - 1)
            return try await say(seconds: Double(spoken) * 0.825, escape: count >= 2 ? arguments[1] : "")
        case "say alpha":
            guard count >= 1 else { return nil }
            return try await say(seconds: Double(arguments[0].count) * 0.6, escape: count >= 2 ? arguments[1] : "")
        case "say date", "say time":
            guard count >= 1, Int(arguments[0]) != nil else { return nil }
            return try await say(seconds: name == "say date" ? 2.4 : 1.8, escape: count >= 2 ? arguments[1] : "")
        case "record file":
            guard count >= 4 else { return nil }
            return try await record(file: arguments[0], format: arguments[1], escape: arguments[2], timeout: Double(arguments[3]) ?? -1)
        case "exec":
            guard count >= 1 else { return nil }
            return try await application(arguments[0], arguments.dropFirst().joined(separator: " "))
        default:
            return "510 Invalid or unknown command"
        }
    }

    private func usage(_ name: String) -> String {
        guard let text = AGIUsage.texts[name] else { return "520 Invalid command syntax.  Proper usage not available.\n" }
        return "520-Invalid command syntax.  Proper usage follows:\n" + text + "520 End of proper usage.\n"
    }

    /// `${NAME}` replaced by the variable's value (empty when unset), as GET FULL VARIABLE does.
    func substitute(_ text: String) -> String {
        var result = ""
        var rest = Substring(text)
        while let open = rest.range(of: "${") {
            result += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].firstIndex(of: "}") else {
                result += rest[open.lowerBound...]
                return result
            }
            let name = String(rest[open.upperBound..<close])
            result += state.withLock { $0.variables[name] } ?? ""
            rest = rest[rest.index(after: close)...]
        }
        return result + rest
    }
}

import Foundation
import Synchronization

/// Time passing on the channel: prompts, digits, waits, dials, recordings.
extension SimulatedAGIChannel {
    enum Wait {
        case digit(Character)
        case timeout
        case hangup
        /// The app sent a line while the command watched the AGI socket.
        case command
    }

    /// Waits until `deadline` for a digit (any, or one of `accepting`; others are heard and
    /// dropped). Digits pressed before the wait began were dropped by Asterisk's idle loop.
    func nextDigit(until deadline: Double, accepting: Set<Character>?) async throws -> Wait {
        let began = now()
        state.withLock { state in state.digits.removeAll { $0.at < began } }
        while true {
            let (time, next, hangupAt) = state.withLock { ($0.time, $0.digits.first, $0.hangupAt) }
            if let hangupAt, hangupAt <= time, next.map({ $0.at > hangupAt }) ?? true {
                state.withLock { $0.dead = true }
                return .hangup
            }
            if let next, next.at <= time {
                state.withLock { state in
                    state.digits.removeFirst()
                    state.outcome.digitsHeard.append(next.digit)
                }
                setup.onEvent(.dtmf(next.digit))
                if accepting?.contains(next.digit) ?? true { return .digit(next.digit) }
                continue
            }
            if deadline <= time { return .timeout }
            if state.withLock({ $0.watchesSocket && $0.linesOnTheSocket > 0 }) { return .command }
            try await advance(to: min(deadline, next?.at ?? .infinity, hangupAt ?? .infinity))
        }
    }

    /// `play`'s result when a line from the app stopped it (only while watching the socket).
    static let stoppedByCommand = Int.min

    /// Runs `body` with the AGI socket watched: a line the app sends meanwhile ends its wait.
    func watchingSocket<T>(_ body: () async throws -> T) async throws -> T {
        state.withLock { $0.watchesSocket = true }
        defer { state.withLock { $0.watchesSocket = false } }
        return try await body()
    }

    /// Plays `file`, stopped by a digit in `escape`: (result, endpos) as STREAM FILE reports them.
    func play(_ file: String, escape: String) async throws -> (result: Int, endpos: Int) {
        guard let samples = setup.sounds.length(of: file) else { return (-1, 0) }
        let start = now()
        let end = start + Double(samples) / 8000
        let played = { min(samples, Int((self.now() - start) * 8000)) }
        switch try await nextDigit(until: end, accepting: Set(escape)) {
        case .digit(let digit): return (Int(digit.asciiValue ?? 0), played())
        case .timeout: return (0, samples)
        case .hangup: return (-1, played())
        case .command: return (Self.stoppedByCommand, played())
        }
    }

    /// Speaks for `seconds`, stopped by a digit in `escape`.
    func say(seconds: Double, escape: String) async throws -> String {
        switch try await nextDigit(until: now() + seconds, accepting: Set(escape)) {
        case .digit(let digit): return "200 result=\(digit.asciiValue ?? 0)"
        case .timeout, .command: return "200 result=0"
        case .hangup: return "200 result=-1"
        }
    }

    /// GET DATA: the prompt (any digit interrupts it and counts), then digits until `#`, the
    /// maximum, or `timeout` ms without one (default 6 s; the wait restarts after each digit).
    func getData(file: String, timeout: Double?, maxDigits: Int?) async throws -> String {
        let limit = maxDigits.map { $0 > 0 ? $0 : 1024 } ?? 1024
        let wait = (timeout.map { $0 > 0 ? $0 : 6000 } ?? 6000) / 1000
        var digits = ""
        // A prompt that does not exist ends GET DATA at once (app.c's getdata stops on a failed stream).
        guard let samples = setup.sounds.length(of: file) else { return "200 result=-1" }
        switch try await nextDigit(until: now() + Double(samples) / 8000, accepting: nil) {
        case .hangup: return "200 result=-1"
        case .digit("#"): return "200 result="
        case .digit(let digit): digits.append(digit)
        case .timeout, .command: break
        }
        while digits.count < limit {
            switch try await nextDigit(until: now() + wait, accepting: nil) {
            case .hangup: return "200 result=-1"
            case .digit("#"): return "200 result=\(digits)"
            case .digit(let digit): digits.append(digit)
            case .timeout, .command: return "200 result=\(digits) (timeout)"
            }
        }
        return "200 result=\(digits)"
    }

    /// RECORD FILE: silence-free speech until an escape digit, the timeout, or hang-up.
    func record(file: String, format: String, escape: String, timeout: Double) async throws -> String {
        let start = now()
        let deadline = timeout < 0 ? start + 3600 : start + timeout / 1000
        let wait = try await nextDigit(until: deadline, accepting: Set(escape))
        let seconds = now() - start
        if let target = setup.recordingPath(file + "." + format) {
            let folder = (target as NSString).deletingLastPathComponent
            try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            if FileManager.default.createFile(atPath: target, contents: Data(WAVFile.speechLike(seconds: seconds, seed: setup.seed))) {
                state.withLock { $0.outcome.recordings.append(target) }
            }
        }
        let endpos = Int(seconds * 8000)
        switch wait {
        case .digit(let digit): return "200 result=\(digit.asciiValue ?? 0) endpos=\(endpos)"
        case .timeout, .command: return "200 result=0 endpos=\(endpos)"
        case .hangup: return "200 result=-1 endpos=\(endpos)"
        }
    }

    /// EXEC of a dialplan application.
    func application(_ name: String, _ data: String) async throws -> String {
        let dead = state.withLock { $0.dead }
        switch name.lowercased() {
        case "dial":
            return dead ? "200 result=-1" : try await dial(data)
        case "mixmonitor":
            let parts = data.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let options = parts.count > 1 ? parts[1] : ""
            let caller = Self.optionArgument("r", in: options), agent = Self.optionArgument("t", in: options)
            startRecording(parts.first ?? "", bridgedOnly: Self.flags(options).contains("b"), legs: caller.flatMap { caller in agent.map { (caller, $0) } })
            return "200 result=0"
        case "stopmixmonitor":
            finishRecording()
            return "200 result=0"
        case "wait":
            let seconds = Double(data) ?? 0
            if case .hangup = try await nextDigit(until: now() + seconds, accepting: []) { return "200 result=-1" }
            return "200 result=0"
        case "playback":
            state.withLock { state in
                state.musicPlaying = false
                if state.answeredAt == nil { state.outcome.unheardPrompts += 1 }
            }
            let (result, _) = try await play(data.split(separator: ",").first.map(String.init) ?? "", escape: "")
            return "200 result=\(result == -1 && !state.withLock({ $0.dead }) ? 0 : result)"
        case "musiconhold", "startmusiconhold":
            if case .hangup = try await nextDigit(until: .infinity, accepting: []) { return "200 result=-1" }
            return "200 result=0"
        case "hangup":
            state.withLock { state in
                state.dead = true
                state.hangupReason = "app"
            }
            return "200 result=-1"
        case "answer":
            answer()
            return "200 result=0"
        case "noop", "set", "verbose", "ringing", "progress", "stopmusiconhold", "log", "userevent":
            if name.lowercased() == "set", let equals = data.firstIndex(of: "=") {
                state.withLock { $0.variables[String(data[..<equals])] = String(data[data.index(after: equals)...]) }
            }
            return "200 result=0"
        default:
            return "200 result=-2"
        }
    }

    /// Dial(targets,timeout,options) as app_dial ends it: BUSY, NOANSWER, CHANUNAVAIL return 0;
    /// an answered call returns -1 when the peer hangs up unless option `g`, and -1 when the
    /// caller hangs up or `S(n)` ends it. DIALSTATUS, ANSWEREDTIME, DIALEDTIME, DIALEDPEERNAME are set.
    func dial(_ data: String) async throws -> String {
        let parts = data.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let target = parts.first?.split(separator: "&").first.map(String.init) ?? ""
        let ringLimit = parts.count > 1 ? Double(parts[1]).flatMap { $0 > 0 ? $0 : nil } : nil
        let options = parts.count > 2 ? parts[2] : ""
        let continueAfter = options.contains("g")
        let talkLimit = Self.durationLimit(options)
        let started = now()
        func finish(_ status: String, answered: Double? = nil, peer: String? = nil) {
            let now = now()
            state.withLock { state in
                state.variables["DIALSTATUS"] = status
                state.variables["DIALEDTIME"] = String(Int(now - started))
                state.variables["ANSWEREDTIME"] = answered.map { String(Int($0)) } ?? ""
                if let peer { state.variables["DIALEDPEERNAME"] = peer }
                state.outcome.dialStatuses.append(status)
            }
        }
        let behaviour = setup.endpoints[target] ?? .unavailable
        if behaviour == .unavailable {
            finish("CHANUNAVAIL")
            return "200 result=0"
        }
        // A channel for the dialled side, ringing (or refusing) from now.
        let peer = setup.nextChannelName(target)
        setup.onEvent(.dialBegin(target: target, peer: peer))
        func ended(_ status: String, answered: Double? = nil) {
            finish(status, answered: answered, peer: status == "ANSWER" ? peer : nil)
            setup.onEvent(.dialEnd(target: target, peer: peer, status: status))
        }
        switch behaviour {
        case .unavailable:
            return "200 result=0"
        case .busy:
            ended("BUSY")
            setup.onEvent(.peerGone(target: target, peer: peer, bridged: false, callerLeft: false))
            return "200 result=0"
        case .noAnswer:
            let cancelled: Bool
            if case .hangup = try await nextDigit(until: started + (ringLimit ?? .infinity), accepting: []) { cancelled = true } else { cancelled = false }
            ended(cancelled ? "CANCEL" : "NOANSWER")
            setup.onEvent(.peerGone(target: target, peer: peer, bridged: false, callerLeft: false))
            return cancelled ? "200 result=-1" : "200 result=0"
        case .answers(let after, let talk):
            let ringsUntil = started + min(after, ringLimit ?? .infinity)
            if case .hangup = try await nextDigit(until: ringsUntil, accepting: []) {
                ended("CANCEL")
                setup.onEvent(.peerGone(target: target, peer: peer, bridged: false, callerLeft: false))
                return "200 result=-1"
            }
            if let ringLimit, after > ringLimit {
                ended("NOANSWER")
                setup.onEvent(.peerGone(target: target, peer: peer, bridged: false, callerLeft: false))
                return "200 result=0"
            }
            let answeredAt = now()
            state.withLock { state in
                if state.outcome.answeredBy == nil {
                    state.outcome.answeredBy = target
                    state.outcome.answeredAt = answeredAt
                }
            }
            // app_dial answers the caller's channel when the peer answers, and reports it then
            // (DialEnd ANSWER, then the bridge), not when the call ends.
            answer()
            setup.onEvent(.dialEnd(target: target, peer: peer, status: "ANSWER"))
            setup.onEvent(.bridged(peer: peer))
            let limited = talkLimit.map { $0 < talk } ?? false
            let end = answeredAt + min(talk, talkLimit ?? .infinity)
            let callerLeft: Bool
            if case .hangup = try await nextDigit(until: end, accepting: []) { callerLeft = true } else { callerLeft = false }
            let talked = now() - answeredAt
            finish("ANSWER", answered: talked, peer: peer)
            // MixMonitor with `b` hears only this: the bridged talk.
            state.withLock { state in state.mixMonitor?.bridged += talked }
            setup.onEvent(.peerGone(target: target, peer: peer, bridged: true, callerLeft: callerLeft))
            return continueAfter && !callerLeft && !limited ? "200 result=0" : "200 result=-1"
        }
    }

    /// An application option's argument: `r(/x/a.wav)` → `/x/a.wav`.
    static func optionArgument(_ letter: Character, in options: String) -> String? {
        guard let open = options.range(of: "\(letter)("), let close = options[open.upperBound...].firstIndex(of: ")") else { return nil }
        return String(options[open.upperBound..<close])
    }

    /// The option letters without their arguments: `br(/x)t(/y)` → `brt`.
    static func flags(_ options: String) -> String {
        var letters = "", depth = 0
        for character in options {
            if character == "(" { depth += 1 } else if character == ")" { depth -= 1 } else if depth == 0 { letters.append(character) }
        }
        return letters
    }

    /// `S(n)`: the call is cut after n seconds of talk.
    static func durationLimit(_ options: String) -> Double? {
        guard let open = options.range(of: "S("), let close = options[open.upperBound...].firstIndex(of: ")") else { return nil }
        return Double(options[open.upperBound..<close])
    }
}

/// Asterisk's own small database (DATABASE GET/PUT/DEL), one per simulated PBX process.
final class AstDB: Sendable {
    static let shared = AstDB()
    private let values = Mutex<[String: String]>([:])

    func get(_ family: String, _ key: String) -> String? { values.withLock { $0["/\(family)/\(key)"] } }
    func put(_ family: String, _ key: String, _ value: String) { values.withLock { $0["/\(family)/\(key)"] = value } }
    func delete(_ family: String, _ key: String) -> Bool { values.withLock { $0.removeValue(forKey: "/\(family)/\(key)") != nil } }
}

import AGI
import Core
import Foundation
import Synchronization
import Wire

/// One simulated Asterisk channel running `AGI(agi://host/script,args…)`: it connects to the
/// FastAGI server, sends the environment as Asterisk 20 does, and answers each command as
/// res_agi.c does — prompts that take time, the caller's DTMF arriving during them, timeouts,
/// Dial outcomes with the DIALSTATUS family, MixMonitor recordings, and a bare `HANGUP` line
/// whenever the channel hangs up, between commands or right after a reply; 511 on a dead channel
/// for everything but variables, EXEC, DATABASE and VERBOSE; AGIEXITONHANGUP closing the socket.
public final class SimulatedAGIChannel: Sendable {
    public struct Setup: Sendable {
        public var identity: ChannelIdentity
        /// `host:port` as written in the dialplan's agi:// URL.
        public var host: String
        /// The script path with its query (`ivr/main`, `inbound?tenant=lab`).
        public var script: String
        public var arguments: [String] = []
        public var caller = CallerScript()
        /// The dialplan ran `Answer()` before `AGI()`. Otherwise the channel rings, as AGI()
        /// leaves it, until ANSWER, EXEC Answer or an answered Dial: until then a trunk sends
        /// the caller no audio and no key reaches the channel (the caller's script starts at
        /// the answer).
        public var answered = false
        /// What each dialled target does (`Local/1010@agents` → answers after 2 s, talks 30 s).
        public var endpoints: [String: EndpointBehaviour] = [:]
        public var sounds = SoundLibrary()
        public var clock = SimulationClock()
        /// Where a recording that Asterisk would write to `path` goes; nil writes none.
        public var recordingPath: @Sendable (String) -> String? = { $0 }
        /// Names the next Local channel a Dial creates (`Local/1010@agents-0000000c;1`).
        public var nextChannelName: @Sendable (String) -> String = { "\($0)-00000001;1" }
        public var seed: UInt64 = 1
        /// Real time the app may take between commands before the caller's time runs on, so a
        /// caller does not wait forever on a stuck app. Long, because a loaded machine (a test
        /// suite on two cores) can hold a working app back for a second or more, and the
        /// caller's key presses and hang-up must not move with it.
        public var idleGrace = Duration.seconds(10)
        /// Told of every command as it starts (reply nil) and again with its reply as it ends; the
        /// PBX turns them into AGIExecStart and AGIExecEnd events, at the moments Asterisk raises them.
        public var onCommand: @Sendable (_ command: String, _ reply: String?) -> Void = { _, _ in }
        /// Told of what happens on the line: digits, dials, bridges (the PBX raises AMI events).
        public var onEvent: @Sendable (ChannelEvent) -> Void = { _ in }

        public init(identity: ChannelIdentity, host: String, script: String) {
            self.identity = identity
            self.host = host
            self.script = script
        }
    }

    /// What happened on the call, for summaries and tests.
    public struct Outcome: Sendable, Equatable {
        public var commands: [String] = []
        /// `caller`, `app` (the handler hung up), `redirect`, `hangup` (AMI), or nil if the app just closed.
        public var endedBy: String?
        public var dialStatuses: [String] = []
        public var recordings: [String] = []
        public var variables: [String: String] = [:]
        public var digitsHeard = ""
        /// The dialled target that answered, and when (simulated seconds into the call).
        public var answeredBy: String?
        public var answeredAt: Double?
        /// Simulated seconds from the start to the end of the session.
        public var duration: Double = 0
        /// When the channel itself was answered (simulated seconds); nil if it never was.
        public var channelAnsweredAt: Double?
        /// Prompts played while the channel was not answered: the caller heard none of them.
        public var unheardPrompts = 0
        /// WAIT FOR DIGITs run in silence after the app asked for music on hold: a prompt played
        /// since stopped the music, and Asterisk does not start it again by itself.
        public var silentHoldWaits = 0
    }

    /// Things on the line that Asterisk reports as manager events.
    public enum ChannelEvent: Sendable, Equatable {
        case dtmf(Character)
        /// The channel went Up (ANSWER, EXEC Answer, or an answered Dial).
        case answered
        case dialBegin(target: String, peer: String)
        case dialEnd(target: String, peer: String, status: String)
        /// The dialled peer answered and the two are bridged.
        case bridged(peer: String)
        /// The peer's side ended: it was refused or not answered (`bridged` false), or the
        /// bridged call ended, the caller hanging up first or the peer.
        case peerGone(target: String, peer: String, bridged: Bool, callerLeft: Bool)
    }

    struct State {
        /// The channel's own simulated time. It moves while a command waits (prompts, digits,
        /// rings) and, while the app is idle, only towards a hang-up that is due: so what a
        /// command returns depends on the caller's script alone, never on how busy the machine is.
        var time: Double = 0
        /// An AMI Hangup or Redirect that the running wait has not seen yet.
        var interrupted = false
        /// When the channel hangs up (simulated time); it can be moved earlier from outside.
        var hangupAt: Double?
        var hangupReason = "caller"
        var answeredAt: Double?
        var dead = false
        var announced = false
        var inCommand = false
        /// Lines the app has sent, not yet taken by a command, that reached the socket on their
        /// own: res_agi reads commands with fgets through a buffered stream, so a line that came
        /// in the same read as the one before it is already in that buffer, and the socket a
        /// running command watches stays quiet.
        var linesOnTheSocket = 0
        /// The running command watches the AGI socket, as WAIT FOR DIGIT and STREAM FILE do
        /// (res_agi hands them its fd): a line arriving ends it.
        var watchesSocket = false
        var digits: [(at: Double, digit: Character)] = []
        var variables: [String: String] = [:]
        /// MixMonitor running.
        var mixMonitor: MixMonitor?
        var outcome = Outcome()
        /// Music on hold: asked for with SET MUSIC on, and whether it still plays (any prompt stops it).
        var musicWanted = false
        var musicPlaying = false
        /// The running wait's sleep, which news from outside (a received digit, an AMI hang-up)
        /// cuts short: Asterisk reacts to those at once, not at the end of a slice.
        var sleeper: Task<Void, Never>?
    }

    let setup: Setup
    let state: Mutex<State>
    let outgoing: AsyncStream<[UInt8]>.Continuation
    private let stream: AsyncStream<[UInt8]>
    static let deadChannel = "511 Command Not Permitted on a dead channel or intercept routine\n"

    public init(_ setup: Setup) {
        self.setup = setup
        var initial = State()
        initial.variables = [
            "CHANNEL": setup.identity.channel, "UNIQUEID": setup.identity.uniqueID,
            "CALLERID(num)": setup.identity.callerIDNumber ?? "", "CALLERID(name)": setup.identity.callerIDName ?? "",
            "EXTEN": setup.identity.exten, "CONTEXT": setup.identity.context, "CHANNEL(language)": setup.identity.language,
        ]
        if setup.caller.exitOnHangup { initial.variables["AGIEXITONHANGUP"] = "yes" }
        state = Mutex(initial)
        (stream, outgoing) = AsyncStream.makeStream(of: [UInt8].self)
    }

    /// Hangs the channel up from outside (an AMI Hangup, or a Redirect, which the AGI socket
    /// cannot tell from a hangup).
    public func hangUp(reason: String) {
        state.withLock { state in
            guard !state.dead else { return }
            state.hangupReason = reason
            if state.inCommand {
                state.interrupted = true
                state.sleeper?.cancel()
            } else if state.hangupAt.map({ $0 > state.time }) ?? true {
                state.hangupAt = state.time
            }
        }
    }

    /// A digit the channel receives now from outside, as AMI PlayDTMF with `Receive: yes`
    /// queues it: a running WAIT FOR DIGIT or prompt hears it at once.
    public func receive(digit: Character) {
        state.withLock { state in
            let at = state.time
            let index = state.digits.firstIndex { $0.at > at } ?? state.digits.count
            state.digits.insert((at, digit), at: index)
            state.sleeper?.cancel()
        }
    }

    /// Whether the channel is up (answered).
    var isAnswered: Bool { state.withLock { $0.answeredAt != nil } }

    /// The channel's simulated time.
    func now() -> Double { state.withLock { $0.time } }

    /// Lets simulated time pass until `target` (real time divided by the clock's scale), in short
    /// slices; an AMI hang-up during it stops time there.
    func advance(to target: Double) async throws {
        let slice = 0.02 * setup.clock.scale
        while true {
            let done = state.withLock { state -> Bool in
                if state.interrupted {
                    state.interrupted = false
                    state.hangupAt = min(state.hangupAt ?? .infinity, state.time)
                    return true
                }
                // A digit received from outside (AMI PlayDTMF) is due now.
                if let digit = state.digits.first, digit.at <= state.time { return true }
                if state.watchesSocket && state.linesOnTheSocket > 0 { return true }
                return state.time >= target
            }
            if done { return }
            let step = min(slice, target - now())
            let started = ContinuousClock.now
            let sleeper = Task<Void, Never> { [clock = setup.clock] in _ = try? await clock.sleep(step) }
            state.withLock { $0.sleeper = sleeper }
            await withTaskCancellationHandler { await sleeper.value } onCancel: { sleeper.cancel() }
            try Task.checkCancellation()
            let real = ContinuousClock.now - started
            let passed = min(step, (Double(real.components.seconds) + Double(real.components.attoseconds) * 1e-18) * setup.clock.scale)
            state.withLock { state in
                state.sleeper = nil
                state.time = min(target, state.time + passed)
            }
        }
    }

    /// The channel goes Up: from now the caller hears it, and their keys (timed from this
    /// moment by their script) reach it.
    func answer() {
        let answered = state.withLock { state -> Bool in
            guard state.answeredAt == nil else { return false }
            let at = state.time
            state.answeredAt = at
            state.outcome.channelAnsweredAt = at
            let keys = setup.caller.digits.map { (at: $0.at + at, digit: $0.digit) }
            state.digits = (state.digits + keys).sorted { $0.at < $1.at }
            return true
        }
        if answered { setup.onEvent(.answered) }
    }

    /// A running MixMonitor: its file, since when, with `b` only the bridged time it has heard,
    /// the files of its `r()` and `t()` legs, and the stretches it was muted (MixMonitorMute
    /// writes silence, so the file keeps time).
    struct MixMonitor {
        var path: String
        var since: Double
        var bridgedOnly: Bool
        var bridged = 0.0
        var legs: (caller: String, agent: String)?
        var muted: [(from: Double, to: Double?)] = []
    }

    /// Starts recording the call to `path`, as MixMonitor does: the file is there at once with
    /// a header whose sizes are still 0, and its audio and sizes are written when it stops or
    /// the call ends. `bridgedOnly` (option `b`): only while the channel is bridged; `legs`
    /// (options `r()` and `t()`): what the caller says and what they hear, each in its own file.
    public func startRecording(_ path: String, bridgedOnly: Bool = false, legs: (caller: String, agent: String)? = nil) {
        state.withLock { state in
            state.mixMonitor = MixMonitor(path: path, since: state.time, bridgedOnly: bridgedOnly, legs: legs)
            state.variables["MIXMONITOR_FILENAME"] = path
        }
        for file in [path] + (legs.map { [$0.caller, $0.agent] } ?? []) {
            guard let target = setup.recordingPath(file) else { continue }
            try? FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            _ = FileManager.default.createFile(atPath: target, contents: Data(WAVFile.unfinishedHeader))
        }
    }

    /// MixMonitorMute: false when no MixMonitor runs (Asterisk's "Cannot set mute flag").
    public func muteRecording(_ muted: Bool) -> Bool {
        state.withLock { state in
            guard var recording = state.mixMonitor else { return false }
            let at = state.time - recording.since
            if muted, recording.muted.last.map({ $0.to != nil }) ?? true {
                recording.muted.append((at, nil))
            } else if !muted, let last = recording.muted.indices.last, recording.muted[last].to == nil {
                recording.muted[last].to = at
            }
            state.mixMonitor = recording
            return true
        }
    }

    /// Stops a recording started by MixMonitor and writes its file.
    public func stopRecording() { finishRecording() }

    /// A channel variable, as AMI Getvar reads it.
    public func variable(_ name: String) -> String? { state.withLock { $0.variables[name] } }

    /// Sets a channel variable, as AMI Setvar does.
    public func setVariable(_ name: String, _ value: String) { state.withLock { $0.variables[name] = value } }

    /// Runs the call against the FastAGI server at `server` until either side ends it.
    public func run(server: SocketAddress) async throws -> Outcome {
        let connection = try await Connection.connect(to: server, deadline: .after(.seconds(10)))
        defer { connection.close() }
        state.withLock { state in
            if let after = setup.caller.hangupAfter { state.hangupAt = min(state.hangupAt ?? .infinity, after) }
        }
        if setup.answered { answer() }
        let writer = Task(executorPreference: connection.loop) { [stream] in
            for await bytes in stream { try await connection.write(bytes) }
            connection.shutdownWrite()
        }
        let watcher = Task { await watchForHangup() }
        outgoing.yield(setup.identity.environment(host: setup.host, script: setup.script, arguments: setup.arguments))
        // Lines are read as they arrive, not only between commands: a line that comes while a
        // command watches the socket ends that command.
        let (lines, arriving) = AsyncStream.makeStream(of: (line: String, onTheSocket: Bool).self)
        let reading = Task(executorPreference: connection.loop) { [self] in
            var reader = FramedReader(connection: connection, framer: Framer(maxLineLength: 8192))
            var buffered = false
            while let line = try? await reader.readLine() {
                let onTheSocket = !buffered
                buffered = reader.framer.pendingByteCount > 0
                state.withLock { state in
                    if onTheSocket { state.linesOnTheSocket += 1 }
                    if state.watchesSocket && onTheSocket { state.sleeper?.cancel() }
                }
                arriving.yield((line, onTheSocket))
            }
            arriving.finish()
        }
        do {
            for await (line, onTheSocket) in lines {
                if onTheSocket { state.withLock { $0.linesOnTheSocket -= 1 } }
                guard state.withLock({ state in
                    if state.announced && setup.caller.exitOnHangup { return false }
                    state.inCommand = true
                    return true
                }) else { break }
                setup.onCommand(line, nil)
                let reply = try await execute(line)
                let hungUpDuring = state.withLock { state -> Bool in
                    state.inCommand = false
                    state.outcome.commands.append(line)
                    return state.dead && !state.announced
                }
                // A command stopped by the next one may send no reply (STREAM FILE).
                if !reply.isEmpty { outgoing.yield(Array(reply.utf8)) }
                setup.onCommand(line, reply)
                // Asterisk's hangup line follows the reply ~40 ms later (agi-caller-hangup.log).
                if hungUpDuring { announceHangup(after: setup.caller.exitOnHangup ? 0 : 0.04) }
            }
        } catch is CancellationError {
        } catch {
            // The server went away mid-command: as Asterisk, end the session.
        }
        watcher.cancel()
        reading.cancel()
        outgoing.finish()
        _ = await writer.result
        finishRecording()
        return state.withLock { state in
            state.outcome.variables = state.variables
            state.outcome.duration = state.time
            return state.outcome
        }
    }

    /// Sends the bare HANGUP line (twice and then closes, with AGIEXITONHANGUP) when the channel
    /// hangs up while no command runs; a command that is running reports it itself.
    private func watchForHangup() async {
        let slice = 0.02 * setup.clock.scale
        var idleSince: ContinuousClock.Instant?
        while !Task.isCancelled {
            let now = ContinuousClock.now
            let due = state.withLock { state -> Bool? in
                guard !state.inCommand, !state.announced, let hangupAt = state.hangupAt else {
                    idleSince = nil
                    return nil
                }
                if hangupAt <= state.time {
                    state.dead = true
                    return true
                }
                // An app that answers within the grace is working, not idle: that time does not
                // count, so a busy machine does not change what the caller does. Past it, the
                // caller's clock runs towards the hang-up.
                let began = idleSince ?? now
                idleSince = began
                if now - began >= setup.idleGrace { state.time = min(hangupAt, state.time + slice) }
                return false
            }
            if due == true {
                announceHangup(after: 0)
                return
            }
            try? await setup.clock.sleep(slice)
        }
    }

    /// Marks the hang-up reported and sends it, `delay` simulated seconds from now.
    func announceHangup(after delay: Double) {
        guard state.withLock({ state -> Bool in
            if state.announced { return false }
            state.announced = true
            state.dead = true
            if state.outcome.endedBy == nil { state.outcome.endedBy = state.hangupReason }
            return true
        }) else { return }
        let exit = setup.caller.exitOnHangup
        Task { [outgoing, clock = setup.clock] in
            if delay > 0 { try? await clock.sleep(delay) }
            outgoing.yield(Array((exit ? "HANGUP\nHANGUP\n" : "HANGUP\n").utf8))
            if exit { outgoing.finish() }
        }
    }

    /// Writes the MixMonitor recording, if one is running.
    func finishRecording() {
        let now = now()
        guard let recording = state.withLock({ state in
            defer { state.mixMonitor = nil }
            return state.mixMonitor
        }) else { return }
        guard let target = setup.recordingPath(recording.path) else { return }
        let seconds = recording.bridgedOnly ? recording.bridged : now - recording.since
        // Muted stretches are silence; the bridged-only time is not tracked live, so there
        // they are left as heard (a flow never mutes while bridged).
        let silent = recording.bridgedOnly ? [] : recording.muted.map { $0.from...($0.to ?? seconds) }
        var files = [(target, WAVFile.speechLike(seconds: seconds, seed: setup.seed, silent: silent))]
        if let legs = recording.legs, let caller = setup.recordingPath(legs.caller), let agent = setup.recordingPath(legs.agent) {
            let sides = WAVFile.conversation(seconds: seconds, seed: setup.seed, silent: silent)
            files = [(target, WAVFile.encode(sides.mixed)), (caller, WAVFile.encode(sides.caller)), (agent, WAVFile.encode(sides.agent))]
        }
        for (file, bytes) in files {
            try? FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            if FileManager.default.createFile(atPath: file, contents: Data(bytes)), file == target {
                state.withLock { $0.outcome.recordings.append(target) }
            }
        }
    }
}

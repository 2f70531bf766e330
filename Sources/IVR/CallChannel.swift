import Core
import Foundation

/// The caller's side of a call, as a flow needs it: over FastAGI for live calls, over the
/// terminal for `flows try`. The same interpreter drives both. One task uses a channel.
public protocol CallChannel {
    var caller: CallerInfo { get }
    /// Answers the call. `AGI()` leaves a channel ringing, and until it is answered a trunk
    /// sends the caller none of the prompts and the channel none of their keys.
    func answer() async throws
    /// Plays the prompts in order; a digit in `interruptingDigits` stops them and is returned.
    /// A prompt that does not exist is skipped (and logged): the rest plays, keys still count.
    func play(_ prompts: [String], interruptingDigits: String) async throws -> Character?
    /// Runs `body` with what it sends and hears masked in logs: a caller's input the flow
    /// marks sensitive, or a step that carries such a value.
    func sensitive<T>(_ body: () async throws -> T) async throws -> T
    /// Plays the prompts (any digit interrupts and counts), then reads up to `maxDigits`
    /// digits, each within `timeoutSeconds`, ending early on `terminator`.
    func readDigits(prompts: [String], maxDigits: Int, timeoutSeconds: Double, terminator: Character?) async throws -> (digits: String, timedOut: Bool)
    func say(_ what: Node.Say.What, _ value: String) async throws
    func setLanguage(_ language: String) async throws
    func setVariable(_ name: String, _ value: String) async throws
    /// Music on hold on or off (it plays while the channel waits for keys).
    func setMusic(_ on: Bool, musicClass: String) async throws
    /// Ends a running `hold` or `announce` at once, from any task; nil when the channel has no
    /// such way (a holding flow then looks every second).
    var wake: (@Sendable () -> Void)? { get }
    /// Waits up to `seconds` for a key, ending early when woken.
    func hold(seconds: Double) async throws -> Held
    /// Plays the prompts until one is stopped by a key in `keys` or a wake; `.timedOut` when all
    /// played to the end. A prompt that does not exist is skipped.
    func announce(_ prompts: [String], keys: String) async throws -> Held
    /// Records the call into `path` from now (MixMonitor): everything, or with `bridgedOnly`
    /// only what is said while the caller is bridged to someone; `legs` also writes each side
    /// to a file of its own. A later start to the same path writes the file anew. While a
    /// whole-call recording runs, `sensitive` steps are left out of it.
    func startRecording(_ path: String, bridgedOnly: Bool, legs: Bool) async throws
    /// Stops the running recording (StopMixMonitor).
    func stopRecording() async throws
    /// The running recording's file, if any.
    var recording: String? { get }
    /// Dials `target` and bridges the caller to whoever answers.
    /// `continuing`: when the answered party hangs up first, the call goes on in the flow
    /// (Dial's `g` option) instead of ending.
    func transfer(_ target: String, timeoutSeconds: Int, continuing: Bool) async throws -> TransferOutcome
    /// Records the caller into `path` (without extension); returns the seconds recorded.
    func record(_ path: String, maxSeconds: Int) async throws -> Double
    func hangup() async throws
}

/// Who is calling, as the channel knows it.
public struct CallerInfo: Sendable, Equatable {
    public var number: String?
    public var name: String?
    public var dnis: String?
    public var uniqueID: String
    public var language: String
    /// Asterisk's channel name (`PJSIP/trunk-00000007`), for AMI actions on the call.
    public var channel: String?

    public init(number: String?, name: String?, dnis: String?, uniqueID: String, language: String, channel: String? = nil) {
        self.number = number
        self.name = name
        self.dnis = dnis
        self.uniqueID = uniqueID
        self.language = language
        self.channel = channel
    }
}

/// How a hold or an announcement came out.
public enum Held: Sendable, Equatable {
    case key(Character)
    /// The wait ran out, or the prompts played to their end.
    case timedOut
    /// The channel's `wake` ended it.
    case woken
}

public enum TransferOutcome: Sendable, Equatable {
    /// Answered (by the peer Asterisk names), talking for `talkSeconds` when Asterisk says
    /// (Dial's ANSWEREDTIME, whole seconds).
    case answered(by: String?, talkSeconds: Double? = nil)
    case busy
    case noAnswer
    case unavailable
    case failed(String)
}

public enum FlowError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The caller hung up (or the call was taken away, as an AMI Redirect does).
    case callerHungUp
    /// The call can no longer be spoken to (its AGI session broke: Asterisk sent something that
    /// is not AGI): nothing more is tried on it.
    case channelLost(String)
    case unknownNode(String)
    case unknownFlow(String)
    case loop(steps: Int)
    case noValidInput(tries: Int)
    case failed(String)

    var isChannelLost: Bool {
        if case .channelLost = self { true } else { false }
    }

    public var description: String {
        switch self {
        case .callerHungUp: "the caller hung up"
        case .channelLost(let why): "the call's channel is lost: \(why)"
        case .unknownNode(let name): "no node [\(name)]"
        case .unknownFlow(let name): "no flow '\(name)'"
        case .loop(let steps): "\(steps) steps without caller input: the flow is looping"
        case .noValidInput(let tries): "no valid input after \(tries) tries"
        case .failed(let why): why
        }
    }
}

public enum QueueOutcome: Sendable, Equatable {
    /// An agent took the call; the flow is done.
    case connected(agent: String)
    /// Nobody could take it: the flow goes on at the queue node's `next`.
    case gaveUp(String)
    /// The caller asked to be called back; their place in line is kept and the call ends.
    case callbackRequested
}

/// What a flow needs from the rest of Switchboard: customers, the queues, storage, the clock.
public protocol FlowServices: Sendable {
    func customer(number: String) async throws -> Customer?
    /// The caller's most recent earlier call that has ended.
    func lastCall(number: String, before uniqueID: String) async throws -> CallRecord?
    func enqueue(_ queue: Node.Queue, caller: CallerInfo, variables: [String: String], channel: any CallChannel) async throws -> QueueOutcome
    /// Where a voicemail for this call is recorded (without extension).
    func voicemailPath(uniqueID: String) -> String
    /// Where a recording of this call made for `owner` (a queue, or a flow) goes.
    func recordingPath(owner: String, uniqueID: String, agent: String?) -> String
    func saveSurvey(uniqueID: String, answers: [Int]) async throws
    /// One step of the call's timeline (digits already masked where sensitive); stamped with
    /// the time by whoever keeps the timeline.
    func record(uniqueID: String, _ event: CallEvent)
    func flow(named name: String) -> Flow?
    func now() -> Date
    /// The call center's time zone: conditions on days and hours are read in it.
    var timeZone: TimeZone { get }
    /// The operator a flow transfers to when it names none (`${OPERATOR}` in flows).
    var operatorTarget: String { get }
    /// A new ticket (a flow's `ticket` node); nil where tickets are not kept, or when this call
    /// has one from this node already.
    func createTicket(_ draft: TicketDraft) async throws -> Ticket?
    /// The ticket keyed when it is the caller's (same number), else the caller's newest open one.
    func ticket(keyed: String?, callerNumber: String?) async throws -> Ticket?
}

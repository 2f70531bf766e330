import Foundation

/// One step of a call's journey: a kind from a closed set and the fields that kind carries, so
/// that a query can count steps by kind, queue, agent or node. Digits a flow marks sensitive
/// arrive here already masked.
public struct CallEvent: Sendable, Codable, Equatable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// FastAGI: the flow started (`detail`: the flow) and answered the channel.
        case arrived, answered
        /// A flow node entered (`node`: `flow:node`), a menu key (`node`, `digits`), collected
        /// input (`node`, `detail`: the variable, `digits`).
        case node, choice, input
        /// Queue steps: joined (`queue`), position told (`detail`), an exit offer told (`detail`:
        /// the prompt), moved by a rule (`queue`: the new one, `detail`: the old one).
        case queued, position
        case queueOffer = "queue-offer"
        case overflowed
        /// The ACD chose `agent`; Asterisk rang the agent's leg (`detail`: its channel); the agent
        /// did not answer (`detail`: Dial's status); the agent answered.
        case offered, ringing
        case ringNoAnswer = "ring-no-answer"
        case connected
        /// The caller's channel entered or left the bridge with the agent (AMI); `unbridged`'s
        /// `detail` names who left first (`caller`, `agent`).
        case bridged, unbridged
        /// The agent put the caller on hold, and took them off it (AMI Hold/Unhold).
        case held, unheld
        /// The caller left the queue without an agent: by a key or the queue's time limit
        /// (`exited`, `detail`: `key`/`timeout`), by hanging up (`abandoned`).
        case exited, abandoned
        case callbackRequested = "callback-requested"
        case callbackConnected = "callback-connected"
        case callbackRingNoAnswer = "callback-ring-no-answer"
        case callbackParked = "callback-parked"
        /// Files: a voicemail left (`detail`: path and seconds), the call's recording (`detail`: path).
        case voicemail, recording
        /// A stretch left out of the recording for sensitive input (`detail`: `FROM-TO` seconds
        /// into the file; `FROM-` when the recording was stopped there for good).
        case recordingGap = "recording-gap"
        /// Handed on: to a flow's transfer target, or to the operator (`detail`: the target); or
        /// by the agent (AMI BlindTransfer, `detail`: `exten@context`; AttendedTransfer,
        /// `detail`: `attended to bridge ID`, `… app NAME`, `… link A B`).
        case transferred
        case `operator`
        /// A flow error (`node`, `detail`: what went wrong).
        case error
        /// The call ended (`cause`: Asterisk's hangup cause when AMI said; `detail`: who hung up).
        case hangup
        /// Survey answers given (`digits`).
        case survey
        /// A ticket made, or told to the caller, by the flow (`detail`: its number and what).
        case ticket
        /// Free text (`detail`): a supervisor's change to a waiting call, or a step from before
        /// timelines were typed, kept as it was written.
        case note
    }

    public var kind: Kind
    public var at: Date
    public var queue: String?
    public var agent: String?
    public var node: String?
    public var digits: String?
    public var cause: Int?
    public var detail: String?

    public init(
        _ kind: Kind, at: Date = Date(), queue: String? = nil, agent: String? = nil, node: String? = nil, digits: String? = nil,
        cause: Int? = nil, detail: String? = nil
    ) {
        self.kind = kind
        self.at = at
        self.queue = queue
        self.agent = agent
        self.node = node
        self.digits = digits
        self.cause = cause
        self.detail = detail
    }

    /// The step in words, as `calls show` prints it.
    public var summary: String {
        func part(_ label: String, _ value: String?) -> String? { value.map { "\(label) \($0)" } }
        let fields: [String?]
        switch kind {
        case .arrived: fields = [part("flow", detail)]
        case .node: fields = [node]
        case .choice: fields = [node, part("key", digits)]
        case .input: fields = [node, detail.map { "\($0) = \(digits ?? "")" }]
        case .queued, .exited, .abandoned, .position, .queueOffer: fields = [queue, detail]
        case .overflowed: fields = [detail.map { "from \($0)" }, part("to", queue)]
        case .offered, .connected, .ringNoAnswer, .ringing: fields = [queue, part("agent", agent), detail]
        case .unbridged: fields = [part("agent", agent), detail.map { "\($0) left first" }]
        case .hangup: fields = [detail.map { "by \($0)" }, cause.map { "cause \($0) (\(Self.causeText($0)))" }]
        default: fields = [queue, part("agent", agent), node, digits, detail]
        }
        return fields.compactMap { $0 }.joined(separator: ", ")
    }

    /// Q.850 cause numbers as Asterisk names them, for the common ones.
    public static func causeText(_ cause: Int) -> String {
        switch cause {
        case 0: "unknown"
        case 1: "unallocated number"
        case 16: "normal clearing"
        case 17: "user busy"
        case 18: "no user responding"
        case 19: "no answer"
        case 21: "call rejected"
        case 27: "destination out of order"
        case 34: "no circuit available"
        case 38: "network out of order"
        case 127: "interworking"
        default: "cause \(cause)"
        }
    }
}

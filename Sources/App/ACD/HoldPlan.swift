import Core
/// What a caller held in a queue hears and when: the hold as a state machine. It is told the
/// time (seconds on the caller's clock since they joined) and whether an agent was chosen, and
/// answers with the next thing to do; `QueueHold` does it over the channel. The wait is
/// measured on that clock, so keys pressed and prompts played count as waiting too.
struct HoldPlan {
    /// The queue's rules for holding, from its settings.
    struct Rules: Equatable {
        var maxWait: Double
        /// 0: position and estimated wait are never told.
        var announceEvery: Double
        /// From how long a wait `*` leaves the queue, told with `exitPrompt`; nil: from the start, untold.
        var exitAfter: Double?
        var exitPrompt: String
        var callbackKey: Character?
        var callbackAfter: Double?
        var callbackPrompt: String
        /// Whether the channel can be woken when an agent is chosen; if not, it is looked at every second.
        var canWake: Bool
    }

    enum Step: Equatable {
        /// Ring the agent chosen for the call.
        case ring
        /// Tell the caller their position and estimated wait.
        case announcePosition
        /// Tell the caller an offer that opened (leave for voicemail, be called back).
        case tell(String)
        /// Start the music on hold.
        case music
        /// Wait (to music) for a key, a wake, or this many seconds.
        case wait(Double)
        /// Leave the queue without an agent.
        case leave(QueueExit)
        /// Ask to be called back.
        case callBack
    }

    let rules: Rules
    private var nextAnnouncement: Double
    private var untold: [(after: Double, prompt: String)]
    /// Anything played stops the music, and Asterisk does not start it again by itself.
    private(set) var musicOn = false

    /// The longest single wait: well inside the FastAGI session's limit for a media command.
    static let longestWait = 300.0

    init(_ rules: Rules) {
        self.rules = rules
        nextAnnouncement = rules.announceEvery > 0 ? rules.announceEvery / 2 : .infinity
        untold = [rules.exitAfter.map { ($0, rules.exitPrompt) }, rules.callbackAfter.map { ($0, rules.callbackPrompt) }].compactMap { $0 }
    }

    /// The next step, `waited` seconds after joining; `offered` when an agent was chosen.
    mutating func next(waited: Double, offered: Bool) -> Step {
        if offered {
            musicOn = false
            return .ring
        }
        if waited >= rules.maxWait { return .leave(.timeout) }
        if waited >= nextAnnouncement {
            // One announcement however late it comes; the next one a whole period on.
            while nextAnnouncement <= waited { nextAnnouncement += rules.announceEvery }
            musicOn = false
            return .announcePosition
        }
        if let due = untold.firstIndex(where: { waited >= $0.after }) {
            musicOn = false
            return .tell(untold.remove(at: due).prompt)
        }
        if !musicOn {
            musicOn = true
            return .music
        }
        let nextChange = ([nextAnnouncement, rules.maxWait] + untold.map(\.after)).min()!
        let left = max(0.02, nextChange - waited)
        return .wait(rules.canWake ? min(Self.longestWait, left) : min(1, left))
    }

    /// What a key the caller pressed does: leave for the flow's next node (`*`, once the exit
    /// offer was told), ask for a callback (the queue's key, once that offer was told); nil when
    /// it does nothing now. An offer counts from when the caller heard it, not from when it was
    /// due: a key pressed before is not an answer to it, however late it is read.
    func heard(_ key: Character) -> Step? {
        if key == "*", !untold.contains(where: { $0.prompt == rules.exitPrompt }) { return .leave(.key) }
        if key == rules.callbackKey, !untold.contains(where: { $0.prompt == rules.callbackPrompt }) { return .callBack }
        return nil
    }

    /// The keys that matter while something plays.
    var keys: String { "*" + (rules.callbackKey.map { String($0) } ?? "") }
}

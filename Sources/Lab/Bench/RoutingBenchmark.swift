import App
import ACD
import Core

/// `switchboard bench routing`: the routing engine under a busy center's load — agents, waiting
/// calls and skills as the options say, random arrivals, answers, misses, hang-ups and
/// completions — timing every decision.
public struct RoutingBenchmark: Sendable {
    public struct Options: Sendable {
        public var agents = 1000
        public var waitingCalls = 10_000
        public var skills = 50
        public var operations = 200_000
        public var seed: UInt64 = 1

        public init() {}
    }

    public struct Report: Codable, Sendable {
        public var agents: Int
        public var waitingCalls: Int
        public var skills: Int
        public var queues: Int
        public var decisions: Int
        public var offers: Int
        public var decisionsPerSecond: Double
        /// Every step but the once-a-second review.
        public var decision: LatencySummary
        /// The tick that re-offers every free agent once a second (all of them, together).
        public var review: LatencySummary
        /// Per kind of step: arrival, answer, miss, end, abandon, tick, review; and `per-looker`, a
        /// tick's or review's time divided among the agents who looked for a call in it.
        public var byKind: [String: LatencySummary]
    }

    public var options: Options

    public init(options: Options) {
        self.options = options
    }

    public func run() -> Report {
        var random = SeededGenerator(seed: options.seed)
        let skillNames = (0..<options.skills).map { "skill\($0)" }
        // A queue per skill, some asking for a second skill; rules relax and widen over time.
        let queues = skillNames.enumerated().map { index, skill in
            var skills = [skill: Int.random(in: 1...3, using: &random)]
            if index % 3 == 0 { skills[skillNames[(index + 7) % skillNames.count]] = 1 }
            return QueueDefinition(
                name: "q\(index)", skills: skills, strategy: QueueDefinition.Strategy.allCases[index % 4],
                rules: [.init(after: 30, .relax(skill: skill, level: 1)), .init(after: 60, .raisePriority(by: 1))]
            )
        }
        let agents = (0..<options.agents).map { index in
            RoutingAgent(id: "agent\(index)", skills: Dictionary(uniqueKeysWithValues: skillNames.shuffled(using: &random).prefix(5).map { ($0, Int.random(in: 1...5, using: &random)) }))
        }
        var engine = RoutingEngine(queues: queues, agents: agents)
        var now = 0.0
        for agent in agents { _ = engine.login(agent.id, now: now) }
        var nextCall = 1
        var offers = 0
        while engine.calls.count < options.waitingCalls {
            offers += engine.enqueue(WaitingCall(id: nextCall, queue: queues.randomElement(using: &random)!.name, arrivedAt: now, extraPriority: Int.random(in: 0...2, using: &random)), now: now).count
            nextCall += 1
        }

        var samples: [String: [UInt64]] = [:]
        var ringing = Set(engine.calls.values.filter { $0.offeredTo != nil }.map(\.id))
        var talking: [String] = engine.agents.values.filter { if case .onCall = $0.state { true } else { false } }.map(\.id)
        let started = MonotonicTime.now()
        for _ in 0..<options.operations {
            now += 0.01
            // What to do, and to whom, is drawn before the clock starts: only the engine is timed.
            let roll = Int.random(in: 0..<100, using: &random)
            let ringingCall = ringing.first
            let talkingIndex = talking.isEmpty ? nil : Int.random(in: 0..<talking.count, using: &random)
            let leaving = Int.random(in: max(1, nextCall - options.waitingCalls)..<nextCall, using: &random)
            let queue = queues.randomElement(using: &random)!.name
            let extra = Int.random(in: 0...2, using: &random)
            let review = Int(now) != Int(now - 0.01)
            let freeBeforeReview = review ? engine.agents.values.filter(\.canTakeCall).count : 0
            let begin = MonotonicTime.now()
            var decisions: [RoutingDecision] = []
            let kind: String
            if roll < 30 || engine.calls.count < options.waitingCalls / 2 {
                kind = "arrival"
                decisions = engine.enqueue(WaitingCall(id: nextCall, queue: queue, arrivedAt: now, extraPriority: extra), now: now)
                nextCall += 1
            } else if roll < 55, let call = ringingCall, let agent = engine.calls[call]?.offeredTo {
                ringing.remove(call)
                if roll < 52 {
                    kind = "answer"
                    engine.answered(call, now: now)
                    talking.append(agent)
                } else {
                    kind = "miss"
                    decisions = engine.notAnswered(call, now: now)
                }
            } else if roll < 80, let index = talkingIndex {
                kind = "end"
                decisions = engine.callEnded(agent: talking.remove(at: index), now: now)
            } else if roll < 90, engine.calls[leaving]?.offeredTo == nil {
                kind = "abandon"
                decisions = engine.abandoned(leaving, now: now)
            } else {
                kind = review ? "review" : "tick"
                decisions = engine.tick(now: now)
            }
            let elapsed = MonotonicTime.now().nanoseconds - begin.nanoseconds
            samples[kind, default: []].append(elapsed)
            if kind == "tick" || kind == "review" {
                // A tick is a batch: every agent it frees (and, in a review, every free agent) looks for a call.
                let lookers = freeBeforeReview + decisions.filter { if case .wrapUpEnded = $0 { true } else { false } }.count
                if lookers > 0 { samples["per-looker", default: []].append(elapsed / UInt64(lookers)) }
            }
            for case .offer(let call, _) in decisions {
                ringing.insert(call)
                offers += 1
            }
            for case .autoPaused(let agent) in decisions { _ = engine.unpause(agent, now: now) }
        }
        let seconds = started.secondsElapsed
        return Report(
            agents: options.agents, waitingCalls: engine.calls.count, skills: options.skills, queues: queues.count,
            decisions: options.operations, offers: offers, decisionsPerSecond: Double(options.operations) / seconds,
            decision: LatencySummary(nanoseconds: samples.filter { $0.key != "review" && $0.key != "per-looker" }.values.flatMap { $0 }),
            review: LatencySummary(nanoseconds: samples["review"] ?? []),
            byKind: samples.mapValues { LatencySummary(nanoseconds: $0) }
        )
    }
}

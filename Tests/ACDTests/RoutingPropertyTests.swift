import ACD
import Core
import Testing

/// The engine's promises, checked after every step of seeded random traffic: agents join,
/// pause, answer or miss; callers arrive with priorities and languages, wait, abandon.
@Suite struct RoutingPropertyTests {
    @Test(arguments: [1, 2, 3, 4, 5] as [UInt64])
    func invariantsHoldUnderRandomTraffic(seed: UInt64) {
        var random = SeededGenerator(seed: seed)
        let skills = ["support", "sales", "billing", "lang:zh", "lang:en"]
        let queues = [
            QueueDefinition(name: "support", skills: ["support": 3], rules: [.init(after: 40, .relax(skill: "support", level: 2))]),
            QueueDefinition(name: "sales", skills: ["sales": 2], strategy: .fewestCalls, rules: [.init(after: 30, .raisePriority(by: 2))]),
            QueueDefinition(name: "billing", skills: ["billing": 4], strategy: .bestSkill, rules: [.init(after: 60, .alternative(["support": 4]))]),
        ]
        let agents = (0..<12).map { index in
            RoutingAgent(id: "a\(index)", skills: Dictionary(uniqueKeysWithValues: skills.shuffled(using: &random).prefix(3).map { ($0, Int.random(in: 1...5, using: &random)) }))
        }
        var engine = RoutingEngine(queues: queues, agents: agents)
        var now = 0.0
        var nextCall = 1
        var offered = 0
        var lastReview = -Double.infinity
        for _ in 0..<3000 {
            now += Double.random(in: 0...3, using: &random)
            let before = engine
            var decisions: [RoutingDecision] = []
            // The agent this step frees (logs in, unpauses, releases from a ring), who may be offered a call at once.
            var freed: String?
            var ticked = false
            switch Int.random(in: 0..<10, using: &random) {
            case 0, 1:
                let queue = queues.randomElement(using: &random)!.name
                let language = Bool.random(using: &random) ? ["lang:zh": 2] : [:]
                decisions = engine.enqueue(WaitingCall(id: nextCall, queue: queue, arrivedAt: now, extraPriority: Int.random(in: 0...2, using: &random), extraSkills: language), now: now)
                nextCall += 1
            case 2:
                freed = agents.randomElement(using: &random)!.id
                decisions = engine.login(freed!, now: now)
            case 3:
                let id = agents.randomElement(using: &random)!.id
                if Bool.random(using: &random) { engine.pause(id, reason: "break", now: now) } else {
                    freed = id
                    decisions = engine.unpause(id, now: now)
                }
            case 4, 5:
                if let (call, _) = ringing(engine).randomElement(using: &random) {
                    if Int.random(in: 0..<4, using: &random) == 0 { decisions = engine.notAnswered(call, now: now) } else { engine.answered(call, now: now) }
                }
            case 6:
                if let agent = engine.agents.values.filter({ if case .onCall = $0.state { true } else { false } }).randomElement(using: &random) {
                    freed = agent.id
                    decisions = engine.callEnded(agent: agent.id, now: now)
                }
            case 7:
                if let call = engine.calls.keys.randomElement(using: &random) {
                    freed = engine.calls[call]?.offeredTo
                    decisions = engine.abandoned(call, now: now)
                }
            case 8:
                freed = agents.randomElement(using: &random)!.id
                decisions = engine.setDeviceBusy(freed!, Bool.random(using: &random), now: now)
            default:
                ticked = true
                decisions = engine.tick(now: now)
            }
            for decision in decisions {
                guard case .offer(let callID, let agentID) = decision else { continue }
                offered += 1
                let agent = engine.agents[agentID]!
                let call = engine.calls[callID]!
                // Never an agent lacking a required skill.
                #expect(engine.isEligible(agent, for: call, now: now), "offer of \(callID) to unqualified \(agentID)")
                // Never a busy or paused agent, never two offers at once.
                #expect(agent.state == .ringing(call: callID))
                #expect(!agent.deviceBusy)
                #expect(decisions.filter { if case .offer(_, agentID) = $0 { true } else { false } }.count == 1)
                if let earlier = before.agents[agentID], agentID != freed {
                    switch earlier.state {
                    case .available: #expect(!earlier.deviceBusy, "\(agentID)'s phone was busy when offered \(callID)")
                    case .wrapUp: #expect(ticked, "\(agentID) was wrapping up when offered \(callID)")
                    default: Issue.record("\(agentID) was \(earlier.state) when offered \(callID)")
                    }
                }
                // No call the agent could take is skipped for one of lower or equal priority.
                let rank = { (c: WaitingCall) in (-engine.priority(of: c, now: now), c.arrivedAt, c.sequence) }
                let skipped = engine.calls.values.filter { other in
                    other.id != callID && other.offeredTo == nil && rank(other) < rank(call) && engine.isEligible(agent, for: other, now: now)
                }
                #expect(skipped.isEmpty, "call \(callID) offered to \(agentID) ahead of \(skipped.map(\.id))")
            }
            // After a review (once a second of ticks) no free agent is left idle while a call fits them.
            if ticked, now - lastReview >= 1 {
                lastReview = now
                for agent in engine.agents.values where agent.canTakeCall {
                    let fitting = engine.calls.values.filter { $0.offeredTo == nil && engine.isEligible(agent, for: $0, now: now) }
                    #expect(fitting.isEmpty, "\(agent.id) idle after a review while \(fitting.map(\.id)) wait")
                }
            }
            // A caller's place is what counting every better-ranked call of their queue gives.
            if let call = engine.calls.values.randomElement(using: &random) {
                let rank = { (c: WaitingCall) in (-engine.priority(of: c, now: now), c.arrivedAt, c.sequence) }
                let counted = engine.calls.values.filter { $0.queue == call.queue && rank($0) < rank(call) }.count + 1
                #expect(engine.position(of: call.id, now: now) == counted)
            }
            // The fast eligibility test agrees with the requirement sets it stands for.
            if let call = engine.calls.values.first, let agent = engine.agents.values.randomElement(using: &random) {
                let bySets = engine.requirements(of: call, now: now).contains { set in set.allSatisfy { (agent.skills[$0.key] ?? 0) >= $0.value } }
                #expect(engine.isEligible(agent, for: call, now: now) == bySets)
            }
            // At most one call rings any agent.
            let rung = engine.calls.values.compactMap(\.offeredTo)
            #expect(Set(rung).count == rung.count)
        }
        #expect(offered > 100)
    }

    func ringing(_ engine: RoutingEngine) -> [(Int, String)] {
        engine.calls.values.compactMap { call in call.offeredTo.map { (call.id, $0) } }
    }
}

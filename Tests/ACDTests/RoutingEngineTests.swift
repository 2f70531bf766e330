import ACD
import Testing

@Suite struct RoutingEngineTests {
    static let support = QueueDefinition(name: "support", skills: ["support": 3], wrapUpSeconds: 10)
    static let sales = QueueDefinition(name: "sales", skills: ["sales": 2])

    func engine(_ agents: [RoutingAgent], queues: [QueueDefinition] = [support, sales], now: Double = 0) -> RoutingEngine {
        var engine = RoutingEngine(queues: queues, agents: agents)
        for agent in agents { _ = engine.login(agent.id, now: now) }
        return engine
    }

    @Test func theLongestIdleSkilledAgentGetsTheCall() {
        var engine = RoutingEngine(queues: [Self.support], agents: [
            RoutingAgent(id: "a", skills: ["support": 5]), RoutingAgent(id: "b", skills: ["support": 3]), RoutingAgent(id: "c", skills: ["support": 2]),
        ])
        _ = engine.login("b", now: 1)
        _ = engine.login("a", now: 2)
        _ = engine.login("c", now: 0)
        #expect(engine.enqueue(WaitingCall(id: 1, queue: "support", arrivedAt: 5), now: 5) == [.offer(call: 1, agent: "b")])
        // c lacks the level; a is the only one left.
        #expect(engine.enqueue(WaitingCall(id: 2, queue: "support", arrivedAt: 6), now: 6) == [.offer(call: 2, agent: "a")])
        #expect(engine.enqueue(WaitingCall(id: 3, queue: "support", arrivedAt: 7), now: 7) == [])
    }

    /// A supervisor's move keeps the caller's arrival: in the new queue they go before later
    /// callers; a free agent of that queue is offered the call at once; a call being rung stays.
    @Test func aMovedCallerKeepsTheirArrivalAndARaisedOneGoesFirst() {
        var engine = engine([RoutingAgent(id: "s", skills: ["sales": 2]), RoutingAgent(id: "t", skills: ["support": 3])])
        #expect(engine.enqueue(WaitingCall(id: 1, queue: "support", arrivedAt: 0), now: 0) == [.offer(call: 1, agent: "t")])
        #expect(engine.move(1, to: "sales", now: 1) == nil)  // being rung
        engine.answered(1, now: 1)
        _ = engine.enqueue(WaitingCall(id: 2, queue: "support", arrivedAt: 2), now: 2)
        _ = engine.logout("s", now: 3)
        _ = engine.enqueue(WaitingCall(id: 3, queue: "sales", arrivedAt: 5), now: 5)
        #expect(engine.move(2, to: "nowhere", now: 6) == nil)
        #expect(engine.move(2, to: "sales", now: 6) == [.overflowed(call: 2, to: "sales")])
        #expect(engine.calls[2]?.arrivedAt == 2 && engine.position(of: 2, now: 6) == 1 && engine.position(of: 3, now: 6) == 2)
        // A raised caller goes first.
        #expect(engine.raisePriority(3, by: 5) && !engine.raisePriority(42, by: 1))
        #expect(engine.position(of: 3, now: 7) == 1)
        // With a free sales agent, a move is offered at once.
        var other = self.engine([RoutingAgent(id: "s", skills: ["sales": 2])])
        _ = other.enqueue(WaitingCall(id: 7, queue: "support", arrivedAt: 0), now: 0)
        #expect(other.move(7, to: "sales", now: 1) == [.overflowed(call: 7, to: "sales"), .offer(call: 7, agent: "s")])
    }

    @Test func aFreedAgentTakesTheBestCallAcrossQueuesAndVIPsJumpTheLine() {
        var engine = engine([RoutingAgent(id: "a", skills: ["support": 4, "sales": 4])])
        _ = engine.enqueue(WaitingCall(id: 1, queue: "support", arrivedAt: 0), now: 0)  // offered to a
        engine.answered(1, now: 1)
        _ = engine.enqueue(WaitingCall(id: 2, queue: "sales", arrivedAt: 2), now: 2)
        _ = engine.enqueue(WaitingCall(id: 3, queue: "support", arrivedAt: 3), now: 3)
        _ = engine.enqueue(WaitingCall(id: 4, queue: "support", arrivedAt: 4, extraPriority: 5), now: 4)  // VIP
        engine.callEnded(agent: "a", now: 10)
        #expect(engine.tick(now: 15) == [])  // still wrapping up
        #expect(engine.tick(now: 20) == [.wrapUpEnded(agent: "a"), .offer(call: 4, agent: "a")])
        engine.answered(4, now: 21)
        #expect(engine.agents["a"]?.callsToday == 2)
        engine.resetDailyCounts()
        #expect(engine.agents["a"]?.callsToday == 0)
        engine.callEnded(agent: "a", now: 30)
        #expect(engine.tick(now: 40) == [.wrapUpEnded(agent: "a"), .offer(call: 2, agent: "a")])  // sales waited longer than support's 3
    }

    @Test func ringNoAnswerKeepsThePlaceAndPausesAfterMisses() {
        var engine = engine([RoutingAgent(id: "a", skills: ["support": 3]), RoutingAgent(id: "b", skills: ["support": 3])])
        _ = engine.enqueue(WaitingCall(id: 1, queue: "support", arrivedAt: 0), now: 1)   // → a (longest idle: tie broken by id)
        _ = engine.enqueue(WaitingCall(id: 2, queue: "support", arrivedAt: 1), now: 1)   // → b
        // a does not answer: nobody else is free, so call 1 waits, still first in line.
        #expect(engine.notAnswered(1, now: 16) == [])
        #expect(engine.position(of: 1, now: 16) == 1)
        // A newcomer makes routing look again: a is offered the caller who waited longest, not the newcomer.
        #expect(engine.enqueue(WaitingCall(id: 3, queue: "support", arrivedAt: 17), now: 17) == [.offer(call: 1, agent: "a")])
        #expect(engine.position(of: 3, now: 17) == 3)
        #expect(engine.notAnswered(1, now: 33) == [.autoPaused(agent: "a")])
        #expect(engine.agents["a"]?.state == .paused(reason: "missed 2 calls"))
        #expect(engine.position(of: 1, now: 34) == 1)
    }

    @Test func rulesRelaxRequirementsAndOverflowWhileTheCallerWaits() {
        let patient = QueueDefinition(name: "vip", skills: ["support": 5], rules: [
            .init(after: 30, .relax(skill: "support", level: 3)),
            .init(after: 60, .alternative(["sales": 4])),
            .init(after: 120, .overflow(to: "support")),
        ])
        var engine = engine([RoutingAgent(id: "s3", skills: ["support": 3]), RoutingAgent(id: "x", skills: ["sales": 4])], queues: [patient, Self.support])
        engine.logout("s3", now: 0)
        _ = engine.enqueue(WaitingCall(id: 1, queue: "vip", arrivedAt: 0), now: 0)
        #expect(engine.tick(now: 20) == [])
        #expect(engine.tick(now: 61) == [.offer(call: 1, agent: "x")])  // the alternative skill set
        _ = engine.notAnswered(1, now: 62)
        engine.pause("x", reason: "lunch", now: 62)
        _ = engine.login("s3", now: 63)  // relaxed to support 3 by now
        #expect(engine.agents["s3"]?.state == .ringing(call: 1))
        _ = engine.notAnswered(1, now: 70)
        #expect(engine.tick(now: 121).contains(.overflowed(call: 1, to: "support")))
    }

    @Test func aLanguageCountsOnlyWhileSomeAgentSpeaksIt() {
        var engine = engine([RoutingAgent(id: "a", skills: ["support": 3, "lang:zh": 5]), RoutingAgent(id: "b", skills: ["lang:zh": 5])])
        #expect(engine.anyAgentHas("lang:zh"))
        #expect(!engine.anyAgentHas("lang:fr"))
        engine.define(RoutingAgent(id: "a", skills: ["support": 3]))
        #expect(engine.anyAgentHas("lang:zh"))
        engine.define(RoutingAgent(id: "b", skills: ["sales": 2, "lang:fr": 5]))
        #expect(!engine.anyAgentHas("lang:zh"))
        #expect(engine.anyAgentHas("lang:fr"))
    }

    @Test func aPhoneBusyOutsideRoutingIsNeverOffered() {
        var engine = engine([RoutingAgent(id: "a", skills: ["support": 4])])
        _ = engine.setDeviceBusy("a", true, now: 1)
        #expect(engine.enqueue(WaitingCall(id: 1, queue: "support", arrivedAt: 2), now: 2) == [])
        #expect(engine.setDeviceBusy("a", false, now: 3) == [.offer(call: 1, agent: "a")])
    }

    @Test func languageIsASkillOfTheCall() {
        var engine = engine([RoutingAgent(id: "en", skills: ["support": 4, "lang:en": 5]), RoutingAgent(id: "zh", skills: ["support": 4, "lang:zh": 5])])
        #expect(engine.enqueue(WaitingCall(id: 1, queue: "support", arrivedAt: 0, extraSkills: ["lang:zh": 3]), now: 0) == [.offer(call: 1, agent: "zh")])
    }

    @Test func strategiesPickAmongFittingAgents() {
        for (strategy, expected) in [(QueueDefinition.Strategy.bestSkill, "expert"), (.fewestCalls, "fresh"), (.longestIdle, "idle")] {
            let queue = QueueDefinition(name: "q", skills: ["support": 2], strategy: strategy)
            var agents = [RoutingAgent(id: "expert", skills: ["support": 5]), RoutingAgent(id: "fresh", skills: ["support": 2]), RoutingAgent(id: "idle", skills: ["support": 3])]
            agents[0].callsToday = 9
            agents[2].callsToday = 4
            var engine = RoutingEngine(queues: [queue], agents: agents)
            _ = engine.login("idle", now: 0)
            _ = engine.login("expert", now: 1)
            _ = engine.login("fresh", now: 2)
            #expect(engine.enqueue(WaitingCall(id: 1, queue: "q", arrivedAt: 3), now: 3) == [.offer(call: 1, agent: expected)], "\(strategy)")
        }
    }

    @Test func anAbandonedCallFreesItsAgentAndLeavesTheLine() {
        var engine = engine([RoutingAgent(id: "a", skills: ["support": 4])])
        _ = engine.enqueue(WaitingCall(id: 1, queue: "support", arrivedAt: 0), now: 0)
        _ = engine.enqueue(WaitingCall(id: 2, queue: "support", arrivedAt: 1), now: 1)
        #expect(engine.abandoned(1, now: 5) == [.offer(call: 2, agent: "a")])
        #expect(engine.calls[1] == nil)
    }
}

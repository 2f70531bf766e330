/// The ACD's decisions. When an agent becomes free, they get the highest-priority,
/// longest-waiting call across every queue they are eligible for (every required skill at the
/// required level, the call's own language). When a call arrives and several agents fit, the
/// queue's strategy picks one. Queue rules (relax a level, accept other skills, raise
/// priority, overflow) are applied by how long the caller has waited — re-evaluated as they
/// wait, not frozen at join. A ring-no-answer puts the caller back at the same place and
/// counts a miss against the agent; too many in a row pause the agent.
///
/// A value type with no I/O and no clock: the caller passes `now` (seconds) to every change
/// and carries out the decisions it returns.
public struct RoutingEngine: Sendable {
    public private(set) var queues: [String: QueueDefinition] = [:]
    public private(set) var agents: [String: RoutingAgent] = [:]
    public private(set) var calls: [Int: WaitingCall] = [:]
    /// Per queue, per class of caller: waiting calls in arrival order. Calls of one class
    /// differ only in how long they have waited, and waiting only loosens what a call needs and
    /// raises its priority, so the first call of a class not being offered is the only one an
    /// agent need look at: if it does not fit them, none after it does.
    private var lines: [String: [LineClass: [Int]]] = [:]
    /// Per skill: agents who can take a call now.
    private var freeBySkill: [String: Set<String>] = [:]
    /// Agents who can take a call now.
    private var free: Set<String> = []
    /// Per agent, the queues whose loosest requirements they meet: the only lines they look at.
    private var reachable: [String: [String]] = [:]
    /// Per skill, how many agents (logged in or not) have it.
    private var holders: [String: Int] = [:]
    private var nextSequence = 0
    private var turns: [String: Int] = [:]
    /// Wrap-up each agent on a call will have, from the queue the call came from.
    private var wrapUps: [String: Double] = [:]
    /// When wrap-ups end, soonest first. An entry whose agent is no longer in that wrap-up
    /// (paused, logged out, or wrapping up another call since) is stale and skipped.
    private var wrapUpEnds: [(until: Double, agent: String)] = []
    /// When free agents last looked again at every line (rules change calls by the second).
    private var lastReview = -Double.infinity

    /// Per queue, the most any waiting call can ask for once every rule applies: an agent who
    /// meets none of these sets can skip the queue without looking at its calls.
    private var loosest: [String: [[String: Int]]] = [:]
    /// Queues with an overflow rule: after how long, and where to.
    private var overflows: [String: (after: Double, to: String)] = [:]

    /// Waiting calls that are served alike: same queue, same extra priority, same extra skills.
    private struct LineClass: Hashable {
        var extraPriority: Int
        var extraSkills: [String: Int]
    }

    public init(queues: [QueueDefinition], agents: [RoutingAgent]) {
        for queue in queues {
            self.queues[queue.name] = queue
            loosest[queue.name] = Self.loosest(queue)
            overflows[queue.name] = Self.overflow(queue)
        }
        for agent in agents {
            self.agents[agent.id] = agent
            reachable[agent.id] = reachableQueues(for: agent)
            for skill in agent.skills.keys { holders[skill, default: 0] += 1 }
        }
        for agent in agents where agent.canTakeCall { markFree(agent.id) }
    }

    /// Adds (or replaces) a queue.
    public mutating func define(_ queue: QueueDefinition) {
        queues[queue.name] = queue
        loosest[queue.name] = Self.loosest(queue)
        overflows[queue.name] = Self.overflow(queue)
        for agent in agents.values { reachable[agent.id] = reachableQueues(for: agent) }
    }

    /// Adds an agent (logged out), or updates a known agent's skills.
    public mutating func define(_ agent: RoutingAgent) {
        if var known = agents[agent.id] {
            markBusy(agent.id)
            for skill in known.skills.keys { holders[skill, default: 1] -= 1 }
            known.skills = agent.skills
            agents[agent.id] = known
        } else {
            agents[agent.id] = agent
        }
        reachable[agent.id] = reachableQueues(for: agent)
        for skill in agent.skills.keys { holders[skill, default: 0] += 1 }
        markFree(agent.id)
    }

    /// A new day: "fewest calls today" counts from zero again.
    public mutating func resetDailyCounts() {
        for id in agents.keys { agents[id]!.callsToday = 0 }
    }

    // MARK: agents

    public mutating func login(_ id: String, now: Double) -> [RoutingDecision] {
        guard var agent = agents[id], agent.state == .loggedOut else { return [] }
        agent.enter(.available, at: now)
        agent.misses = 0
        agents[id] = agent
        return becameFree(id, now: now)
    }

    public mutating func logout(_ id: String, now: Double) {
        guard var agent = agents[id], agent.state != .loggedOut else { return }
        markBusy(id)
        agent.enter(.loggedOut, at: now)
        agents[id] = agent
    }

    /// Pauses an agent who is free or wrapping up (one on a call pauses after it).
    public mutating func pause(_ id: String, reason: String, now: Double) {
        guard var agent = agents[id] else { return }
        switch agent.state {
        case .available, .wrapUp: break
        default: return
        }
        markBusy(id)
        agent.enter(.paused(reason: reason), at: now)
        agents[id] = agent
    }

    public mutating func unpause(_ id: String, now: Double) -> [RoutingDecision] {
        guard var agent = agents[id], case .paused = agent.state else { return [] }
        agent.enter(.available, at: now)
        agent.misses = 0
        agents[id] = agent
        return becameFree(id, now: now)
    }

    /// The phone's own state from AMI: an agent busy on a call routing did not place is never offered one.
    public mutating func setDeviceBusy(_ id: String, _ busy: Bool, now: Double) -> [RoutingDecision] {
        guard var agent = agents[id], agent.deviceBusy != busy else { return [] }
        agent.deviceBusy = busy
        agents[id] = agent
        if busy {
            markBusy(id)
            return []
        }
        return agent.state == .available ? becameFree(id, now: now) : []
    }

    // MARK: calls

    /// A caller joins a queue.
    public mutating func enqueue(_ call: WaitingCall, now: Double) -> [RoutingDecision] {
        guard queues[call.queue] != nil, calls[call.id] == nil else { return [] }
        var call = call
        call.sequence = nextSequence
        nextSequence += 1
        insertInLine(call)
        calls[call.id] = call
        // An agent for it, by the queue's strategy; that agent then takes the best call they can
        // (an older one of higher or equal priority goes first).
        guard let agent = chooseAgent(for: call, now: now) else { return [] }
        return offerBest(to: agent, now: now)
    }

    /// The agent answered: the call leaves the line.
    public mutating func answered(_ callID: Int, now: Double) {
        guard let call = calls[callID], let agentID = call.offeredTo, var agent = agents[agentID] else { return }
        removeFromLine(call)
        calls[callID] = nil
        agent.enter(.onCall(call: callID), at: now)
        agent.misses = 0
        agent.callsToday += 1
        agents[agentID] = agent
        wrapUps[agentID] = queues[call.queue]?.wrapUpSeconds ?? 0
    }

    /// Ring-no-answer (or busy): the caller keeps their place; the agent counts a miss.
    public mutating func notAnswered(_ callID: Int, now: Double) -> [RoutingDecision] {
        guard var call = calls[callID], let agentID = call.offeredTo, var agent = agents[agentID] else { return [] }
        call.offeredTo = nil
        calls[callID] = call
        agent.misses += 1
        var decisions: [RoutingDecision] = []
        let limit = queues[call.queue]?.maxMisses ?? 2
        if agent.misses >= limit {
            agent.enter(.paused(reason: "missed \(agent.misses) calls"), at: now)
            agents[agentID] = agent
            decisions.append(.autoPaused(agent: agentID))
        } else {
            agent.enter(.available, at: now)
            agents[agentID] = agent
            markFree(agentID)
        }
        // The caller is offered to another free agent at once; the one who missed gets calls again from the next tick.
        if let next = chooseAgent(for: call, now: now, excluding: agentID) {
            decisions += offerBest(to: next, now: now)
        }
        return decisions
    }

    /// The caller left the queue (hung up, or pressed the key for voicemail or a callback).
    public mutating func abandoned(_ callID: Int, now: Double) -> [RoutingDecision] {
        guard let call = calls[callID] else { return [] }
        removeFromLine(call)
        calls[callID] = nil
        guard let agentID = call.offeredTo, var agent = agents[agentID] else { return [] }
        agent.enter(.available, at: now)
        agents[agentID] = agent
        return becameFree(agentID, now: now)
    }

    /// A connected call ended: the agent wraps up, or with no wrap-up takes the next call now.
    @discardableResult
    public mutating func callEnded(agent id: String, now: Double) -> [RoutingDecision] {
        guard var agent = agents[id], case .onCall = agent.state else { return [] }
        let wrapUp = wrapUps.removeValue(forKey: id) ?? 0
        if wrapUp <= 0 {
            agent.enter(.available, at: now)
            agents[id] = agent
            return becameFree(id, now: now)
        }
        agent.enter(.wrapUp(until: now + wrapUp), at: now)
        agents[id] = agent
        let until = now + wrapUp
        let place = wrapUpEnds.lastIndex { $0.until <= until }.map { $0 + 1 } ?? 0
        wrapUpEnds.insert((until, id), at: place)
        return []
    }

    /// Time passing: wrap-ups end, rules change what waiting calls need, overflows happen.
    public mutating func tick(now: Double) -> [RoutingDecision] {
        var decisions: [RoutingDecision] = []
        let ended = wrapUpEnds.prefix { $0.until <= now }.count
        let due = Array(wrapUpEnds[..<ended])
        wrapUpEnds.removeFirst(ended)
        var wrapped: [String] = []
        for (until, id) in due {
            // Paused (or logged out) during wrap-up: stays so.
            guard case .wrapUp(until) = agents[id]?.state else { continue }
            wrapped.append(id)
            agents[id]!.enter(.available, at: now)
            markFree(id)
            decisions.append(.wrapUpEnded(agent: id))
        }
        // Overflow rules: only queues that have one, only their waiting calls, oldest first.
        for (queue, overflow) in overflows {
            let to = overflow.to
            guard queues[to] != nil, to != queue else { continue }
            // Lines are in arrival order: the calls due are at their fronts.
            var due: [WaitingCall] = []
            for ids in (lines[queue] ?? [:]).values {
                for id in ids {
                    let call = calls[id]!
                    guard now - call.arrivedAt >= overflow.after else { break }
                    if call.offeredTo == nil { due.append(call) }
                }
            }
            due.sort { $0.sequence < $1.sequence }
            for call in due {
                removeFromLine(call)
                var moved = call
                moved.queue = to
                calls[call.id] = moved
                insertInLine(moved)
                decisions.append(.overflowed(call: call.id, to: to))
            }
        }
        // Rules (in whole seconds) may have made calls reachable: once a second, every free agent
        // looks again, longest idle first. Agents freed by this tick look now.
        let lookers = now - lastReview >= 1 ? free : Set(wrapped)
        if now - lastReview >= 1 { lastReview = now }
        for id in lookers.sorted(by: { (agents[$0]!.availableSince, $0) < (agents[$1]!.availableSince, $1) }) {
            decisions += offerBest(to: id, now: now)
        }
        return decisions
    }

    /// A supervisor moves a waiting call to `queue`. It keeps when it arrived, so its place
    /// there is by its first arrival, and the new queue's rules and agents apply from now.
    /// Nil when there is no such call or queue, or an agent is being rung for it.
    public mutating func move(_ callID: Int, to queue: String, now: Double) -> [RoutingDecision]? {
        guard let call = calls[callID], queues[queue] != nil, call.offeredTo == nil else { return nil }
        guard call.queue != queue else { return [] }
        removeFromLine(call)
        var moved = call
        moved.queue = queue
        calls[callID] = moved
        insertInLine(moved)
        // A free agent of the new queue takes the best call they can at once.
        guard let agent = chooseAgent(for: moved, now: now) else { return [.overflowed(call: callID, to: queue)] }
        return [.overflowed(call: callID, to: queue)] + offerBest(to: agent, now: now)
    }

    /// A supervisor raises (or lowers) a waiting call's priority; false when there is no such call.
    public mutating func raisePriority(_ callID: Int, by step: Int) -> Bool {
        guard var call = calls[callID] else { return false }
        removeFromLine(call)
        call.extraPriority += step
        calls[callID] = call
        insertInLine(call)
        return true
    }

    // MARK: questions

    /// Whether any agent, logged in or not, has `skill` (a caller's language is asked for only then).
    public func anyAgentHas(_ skill: String) -> Bool {
        (holders[skill] ?? 0) > 0
    }

    /// The queues whose calls `agentID` could take once every rule applies.
    public func queues(servedBy agentID: String) -> [String] {
        reachable[agentID] ?? []
    }

    /// The call's place in its queue (1 = next), counting calls that would be served first.
    public func position(of callID: Int, now: Double) -> Int? {
        guard let call = calls[callID], let queue = queues[call.queue] else { return nil }
        let mine = rank(call, now: now)
        // Along a class's line the rank only grows (earlier callers have waited longer), so the
        // calls ahead in each class are a prefix, found by binary search.
        var ahead = 0
        for line in (lines[call.queue] ?? [:]).values {
            var low = 0
            var high = line.count
            while low < high {
                let middle = (low + high) / 2
                let other = calls[line[middle]]!
                if (-priority(of: other, in: queue, now: now), other.arrivedAt, other.sequence) < mine { low = middle + 1 } else { high = middle }
            }
            ahead += low
        }
        return ahead + 1
    }

    /// Priority the call has now: the queue's, the call's own, and what rules have added.
    public func priority(of call: WaitingCall, now: Double) -> Int {
        guard let queue = queues[call.queue] else { return call.extraPriority }
        return priority(of: call, in: queue, now: now)
    }

    private func priority(of call: WaitingCall, in queue: QueueDefinition, now: Double) -> Int {
        let raised = queue.rules.reduce(0) { total, rule in
            if case .raisePriority(let by) = rule.change, rule.after <= now - call.arrivedAt { return total + by }
            return total
        }
        return queue.priority + call.extraPriority + raised
    }

    /// The skill sets that qualify an agent for the call now (any one of them, all its skills).
    public func requirements(of call: WaitingCall, now: Double) -> [[String: Int]] {
        guard let queue = queues[call.queue] else { return [] }
        let waited = now - call.arrivedAt
        var base = queue.skills
        var sets: [[String: Int]] = []
        for rule in queue.rules where rule.after <= waited {
            switch rule.change {
            case .relax(let skill, let level): if base[skill] != nil { base[skill] = min(base[skill]!, level) }
            case .alternative(let skills): sets.append(skills)
            default: break
            }
        }
        return ([base] + sets).map { $0.merging(call.extraSkills) { max($0, $1) } }
    }

    /// Whether `agent` meets one of the call's requirement sets now. The same answer as
    /// `requirements(of:now:)` gives, without building the sets (it runs for every look at a line).
    public func isEligible(_ agent: RoutingAgent, for call: WaitingCall, now: Double) -> Bool {
        guard let queue = queues[call.queue] else { return false }
        return isEligible(agent, for: call, in: queue, now: now)
    }

    private func isEligible(_ agent: RoutingAgent, for call: WaitingCall, in queue: QueueDefinition, now: Double) -> Bool {
        for (skill, level) in call.extraSkills where (agent.skills[skill] ?? 0) < level { return false }
        let waited = now - call.arrivedAt
        func has(_ skill: String, _ level: Int) -> Bool {
            (agent.skills[skill] ?? 0) >= max(level, call.extraSkills[skill] ?? 0)
        }
        var meetsBase = true
        for (skill, level) in queue.skills {
            var required = level
            for rule in queue.rules where rule.after <= waited {
                if case .relax(skill, let relaxed) = rule.change { required = min(required, relaxed) }
            }
            if !has(skill, required) {
                meetsBase = false
                break
            }
        }
        if meetsBase { return true }
        for rule in queue.rules where rule.after <= waited {
            if case .alternative(let skills) = rule.change, skills.allSatisfy({ has($0.key, $0.value) }) { return true }
        }
        return false
    }

    // MARK: inside

    private static func overflow(_ queue: QueueDefinition) -> (after: Double, to: String)? {
        for rule in queue.rules { if case .overflow(let to) = rule.change { return (rule.after, to) } }
        return nil
    }

    private static func loosest(_ queue: QueueDefinition) -> [[String: Int]] {
        var base = queue.skills
        var sets: [[String: Int]] = []
        for rule in queue.rules {
            switch rule.change {
            case .relax(let skill, let level): if base[skill] != nil { base[skill] = min(base[skill]!, level) }
            case .alternative(let skills): sets.append(skills)
            default: break
            }
        }
        return [base] + sets
    }

    /// Order of service within a queue: higher priority first, then earlier arrival.
    private func rank(_ call: WaitingCall, now: Double) -> (Int, Double, Int) {
        (-priority(of: call, now: now), call.arrivedAt, call.sequence)
    }

    /// Offers `agentID` the best call they are eligible for, if any.
    private mutating func offerBest(to agentID: String, now: Double) -> [RoutingDecision] {
        guard let agent = agents[agentID], agent.canTakeCall, let callID = bestCall(for: agent, now: now) else { return [] }
        calls[callID]!.offeredTo = agentID
        var ringing = agent
        ringing.enter(.ringing(call: callID), at: now)
        agents[agentID] = ringing
        markBusy(agentID)
        return [.offer(call: callID, agent: agentID)]
    }

    /// The highest-priority, longest-waiting call across every queue the agent can serve.
    private func bestCall(for agent: RoutingAgent, now: Double) -> Int? {
        var best: (rank: (Int, Double, Int), id: Int)?
        for name in reachable[agent.id] ?? [] {
            guard let queue = queues[name] else { continue }
            for ids in (lines[name] ?? [:]).values {
                // The first call of a class not being offered is the best of it, and if it does not
                // fit the agent, no later one does.
                guard let call = ids.lazy.map({ self.calls[$0]! }).first(where: { $0.offeredTo == nil }) else { continue }
                let rank = (-priority(of: call, in: queue, now: now), call.arrivedAt, call.sequence)
                // The rank is cheaper than the skills: look at those only for a better call.
                if best.map({ rank < $0.rank }) ?? true, isEligible(agent, for: call, in: queue, now: now) { best = (rank, call.id) }
            }
        }
        return best?.id
    }

    /// Among free agents eligible for `call`, the one the queue's strategy picks.
    private mutating func chooseAgent(for call: WaitingCall, now: Double, excluding: String? = nil) -> String? {
        guard let queue = queues[call.queue] else { return nil }
        let required = requirements(of: call, now: now)
        // Candidates: free agents with every skill of one requirement set (start from its rarest skill).
        var candidates: Set<String> = []
        for set in required {
            guard let pivot = set.keys.min(by: { (freeBySkill[$0]?.count ?? 0) < (freeBySkill[$1]?.count ?? 0) }) else {
                candidates.formUnion(free)
                continue
            }
            for id in freeBySkill[pivot] ?? [] where set.allSatisfy({ (agents[id]!.skills[$0.key] ?? 0) >= $0.value }) {
                candidates.insert(id)
            }
        }
        if let excluding { candidates.remove(excluding) }
        guard !candidates.isEmpty else { return nil }
        switch queue.strategy {
        case .longestIdle:
            return candidates.min { (agents[$0]!.availableSince, $0) < (agents[$1]!.availableSince, $1) }
        case .bestSkill:
            func score(_ id: String) -> Int { queue.skills.keys.reduce(0) { $0 + (agents[id]!.skills[$1] ?? 0) } }
            return candidates.min { (-score($0), agents[$0]!.availableSince, $0) < (-score($1), agents[$1]!.availableSince, $1) }
        case .fewestCalls:
            return candidates.min { (agents[$0]!.callsToday, agents[$0]!.availableSince, $0) < (agents[$1]!.callsToday, agents[$1]!.availableSince, $1) }
        case .roundRobin:
            let ordered = candidates.sorted()
            let turn = turns[queue.name, default: 0]
            turns[queue.name] = turn + 1
            return ordered[turn % ordered.count]
        }
    }

    private mutating func becameFree(_ id: String, now: Double) -> [RoutingDecision] {
        markFree(id)
        return offerBest(to: id, now: now)
    }

    /// Queues whose loosest requirements `agent` meets.
    private func reachableQueues(for agent: RoutingAgent) -> [String] {
        loosest.filter { _, sets in sets.contains { set in set.allSatisfy { (agent.skills[$0.key] ?? 0) >= $0.value } } }.keys.sorted()
    }

    private mutating func markFree(_ id: String) {
        guard let agent = agents[id], agent.canTakeCall else { return }
        free.insert(id)
        for skill in agent.skills.keys { freeBySkill[skill, default: []].insert(id) }
    }

    private mutating func markBusy(_ id: String) {
        guard let agent = agents[id] else { return }
        free.remove(id)
        for skill in agent.skills.keys { freeBySkill[skill]?.remove(id) }
    }

    private mutating func insertInLine(_ call: WaitingCall) {
        let lineClass = LineClass(extraPriority: call.extraPriority, extraSkills: call.extraSkills)
        var line = lines[call.queue, default: [:]].removeValue(forKey: lineClass) ?? []
        // Arrival order; an overflowed call keeps its place by its first arrival (binary search).
        func key(_ id: Int) -> (Double, Int) { (calls[id]?.arrivedAt ?? .infinity, calls[id]?.sequence ?? .max) }
        var low = 0
        var high = line.count
        if let last = line.last, key(last) <= (call.arrivedAt, call.sequence) { low = high }
        while low < high {
            let middle = (low + high) / 2
            if key(line[middle]) <= (call.arrivedAt, call.sequence) { low = middle + 1 } else { high = middle }
        }
        line.insert(call.id, at: low)
        lines[call.queue, default: [:]][lineClass] = line
    }

    private mutating func removeFromLine(_ call: WaitingCall) {
        let lineClass = LineClass(extraPriority: call.extraPriority, extraSkills: call.extraSkills)
        lines[call.queue]?[lineClass]?.removeAll { $0 == call.id }
        if lines[call.queue]?[lineClass]?.isEmpty == true { lines[call.queue]?[lineClass] = nil }
    }
}

import Core
import Foundation
import IVR
import Store
import Synchronization

/// What flows need from Switchboard, backed by the store. Queues are served here by ringing
/// the agents who have the queue's skills in turn, until the ACD takes queues over.
struct StoreFlowServices: FlowServices {
    let store: Store
    let library: FlowLibrary
    let recordingsFolder: String
    let logger: Logger
    /// Where each queue's next turn starts, so the same agent is not always rung first.
    let turns: QueueTurns
    /// What time conditions see (tests fix it).
    var clock: @Sendable () -> Date = { Date() }

    func customer(number: String) async throws -> CustomerInfo? {
        guard let customer = try await store.customers(phone: number).first else { return nil }
        return CustomerInfo(id: customer.id, name: customer.name, tier: customer.vipTier, language: customer.language)
    }

    func lastCall(number: String, before uniqueID: String) async throws -> (outcome: String, at: Date)? {
        guard let call = try await store.callHistory(number: number, limit: 5).first(where: { $0.uniqueID != uniqueID && $0.outcome != nil }) else { return nil }
        return (call.outcome ?? "", call.arrivedAt)
    }

    func enqueue(_ queue: Node.Queue, caller: CallerInfo, variables: [String: String], channel: any CallChannel) async throws -> QueueOutcome {
        let eligible = try await store.agents().filter { agent in queue.skills.allSatisfy { (agent.skills[$0.key] ?? 0) >= $0.value } }
        guard !eligible.isEmpty else { return .gaveUp("no agent has the skills \(queue.skills.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: ","))") }
        let first = turns.next(queue.name, count: eligible.count)
        for offset in 0..<eligible.count {
            let agent = eligible[(first + offset) % eligible.count]
            if case .answered = try await channel.transfer(agent.endpoint, timeoutSeconds: 20) {
                return .connected(agent: agent.id)
            }
        }
        return .gaveUp("no agent answered")
    }

    func voicemailPath(uniqueID: String) -> String { recordingsFolder + "/voicemail-" + uniqueID }

    func saveSurvey(uniqueID: String, answers: [Int]) async throws {
        try await store.saveSurvey(uniqueID: uniqueID, answers: answers)
    }

    func event(uniqueID: String, kind: String, data: String) async {
        do {
            try await store.appendCallEvents(uniqueID: uniqueID, [CallEvent(kind: kind, data: data)])
        } catch {
            logger.warning("call event not stored: \(error)", ["uniqueid": uniqueID, "kind": kind])
        }
    }

    func flow(named name: String) -> Flow? { library.flow(named: name) }

    func now() -> Date { clock() }
}

/// Round-robin starting points per queue.
final class QueueTurns: Sendable {
    private let turns = Mutex<[String: Int]>([:])

    func next(_ queue: String, count: Int) -> Int {
        turns.withLock { turns in
            defer { turns[queue, default: 0] += 1 }
            return turns[queue, default: 0] % max(count, 1)
        }
    }
}

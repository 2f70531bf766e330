import ACD
import Core
import Foundation
import Store
import Synchronization
import Testing
@testable import App

/// Callback requests in the routing service: kept in the journal, and put back in line at their
/// place after a restart.
@Suite struct CallbackRoutingTests {
    final class Recorder: Sendable {
        let requests = Mutex<[RoutingService.CallbackRequest]>([])
        let journal = Mutex<[RoutingService.JournalEntry]>([])
    }

    @Test func aRestoredRequestKeepsItsPlaceAheadOfLaterCallers() throws {
        let recorder = Recorder()
        let routing = RoutingService(
            agents: [Agent(id: "1001", name: "1001", endpoint: "PJSIP/1001", skills: ["support": 3])], queues: [:], loggedIn: false, logger: .silent,
            journal: { entry in recorder.journal.withLock { $0.append(entry) } }
        )
        routing.setCallbackExecutor { request in recorder.requests.withLock { $0.append(request) } }
        let support = QueueDefinition(name: "support", skills: ["support": 2])
        let later = routing.join(queue: support, extraPriority: 0, language: nil, uniqueID: "1795460400.9")
        let waiting = PendingCallback(
            uniqueID: "1795460306.1", number: "13800138000", queue: "support", queueSkills: ["support": 2], queuePriority: 0,
            extraPriority: 0, extraSkills: [:], waitingSince: Date(timeIntervalSinceNow: -300), requestedAt: Date(timeIntervalSinceNow: -200)
        )
        #expect(routing.restore([waiting]) == 1)
        #expect(routing.restore([waiting]) == 0)  // already in line
        #expect(routing.report().waiting.count == 2)

        #expect(routing.change("1001", .login) == nil)
        // The agent's phone is originated for the callback; the later caller keeps waiting.
        let request = try #require(recorder.requests.withLock { $0.first })
        #expect(routing.report().waiting.map(\.callback) == [true, false])
        #expect(request.number == "13800138000")
        #expect(request.endpoint == "PJSIP/1001")
        #expect(routing.takeOffer(later) == nil)

        routing.callbackResult(request.call, .connected)
        #expect(routing.report().waiting.map(\.call) == [later])
        #expect(recorder.journal.withLock { $0 }.contains(.callbackTaken(uniqueID: "1795460306.1", agent: "1001")))
        // On the callback until the phone is free again; then the queue's wrap-up.
        routing.deviceState("PJSIP/1001", "INUSE")
        #expect(routing.report().agents.first?.state == "on call \(request.call)")
        routing.deviceState("PJSIP/1001", "NOT_INUSE")
        #expect(routing.report().agents.first?.state == "wrap-up")
        #expect(routing.takeOffer(later) == nil)
    }

    @Test func onlyADialableNumberCanBeCalledBack() throws {
        let recorder = Recorder()
        let routing = RoutingService(
            agents: [], queues: [:], loggedIn: false, logger: .silent,
            journal: { entry in recorder.journal.withLock { $0.append(entry) } }
        )
        routing.setCallbackExecutor { _ in }
        let call = routing.join(queue: QueueDefinition(name: "support", skills: ["support": 2]), extraPriority: 1, language: nil, uniqueID: "1795460400.3")
        #expect(!routing.requestCallback(call, number: "anonymous"))
        #expect(!routing.requestCallback(call, number: "12"))
        #expect(routing.requestCallback(call, number: "+86 138-0013-8000"))
        let kept = try #require(recorder.journal.withLock { $0 }.compactMap { entry -> PendingCallback? in
            if case .callbackRequested(let request) = entry { request } else { nil }
        }.first)
        #expect(kept.number == "+8613800138000")
        #expect(kept.uniqueID == "1795460400.3")
        #expect(kept.extraPriority == 1)
        #expect(kept.queueSkills == ["support": 2])
    }

    /// AMI down: no Originate can be placed, so a callback whose turn comes waits out of line,
    /// and its agent is not charged a miss; back at its place when AMI is up.
    @Test func whileAMIIsDownACallbackWaitsAndNoAgentIsCharged() throws {
        let recorder = Recorder()
        let up = Mutex(true)
        let routing = RoutingService(
            agents: [Agent(id: "1001", name: "1001", endpoint: "PJSIP/1001", skills: ["support": 3])], queues: [:], loggedIn: false, logger: .silent,
            amiReady: { up.withLock { $0 } }
        )
        routing.setCallbackExecutor { request in recorder.requests.withLock { $0.append(request) } }
        let waiting = PendingCallback(
            uniqueID: "1795460306.1", number: "13800138000", queue: "support", queueSkills: ["support": 2], queuePriority: 0,
            extraPriority: 0, extraSkills: [:], waitingSince: Date(timeIntervalSinceNow: -300), requestedAt: Date(timeIntervalSinceNow: -200)
        )
        #expect(routing.restore([waiting]) == 1)
        up.withLock { $0 = false }
        #expect(routing.change("1001", .login) == nil)
        #expect(recorder.requests.withLock { $0 }.isEmpty)
        #expect(routing.report().agents.first?.state == "available")
        #expect(routing.report().waiting.map(\.parked) == [true])

        up.withLock { $0 = true }
        routing.resumeParked()
        let request = try #require(recorder.requests.withLock { $0.first })
        // The Originate fails with AMI gone: parked again, and the agent is free, not paused.
        routing.callbackResult(request.call, .notPlaced)
        #expect(routing.report().agents.first?.state == "available")
        routing.resumeParked()
        #expect(recorder.requests.withLock { $0.count } == 2)
        // A phone that does not answer is a ring-no-answer: the caller stays in line.
        routing.callbackResult(request.call, .notAnswered)
        #expect(routing.report().waiting.map(\.ringing) == [nil])
    }

    @Test func withoutAnExecutorNothingIsRestored() {
        let routing = RoutingService(agents: [], queues: [:], loggedIn: false, logger: .silent)
        let waiting = PendingCallback(
            uniqueID: "1", number: "1", queue: "q", queueSkills: ["a": 1], queuePriority: 0, extraPriority: 0, extraSkills: [:],
            waitingSince: Date(), requestedAt: Date()
        )
        #expect(routing.restore([waiting]) == 0)
        #expect(routing.report().waiting.isEmpty)
    }
}

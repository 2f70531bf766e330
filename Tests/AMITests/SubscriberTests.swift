@testable import AMI
import Synchronization
import Testing

/// A subscriber's buffer on its own: when the reader wakes it, and what it holds back.
@Suite struct SubscriberTests {
    let event = AMIFeed.event(AMIEvent(AMIMessage([("Event", "VarSet"), ("Variable", "X")])))

    @Test func aReadWithoutWakeIsHeldUntilTheReaderCatchesUp() async {
        let subscriber = Subscriber(id: 1, name: "test", limit: 100)
        let taken = Mutex<Int?>(nil)
        let taking = Task { taken.withLock { $0 = -1 }; let count = await subscriber.take()?.count; taken.withLock { $0 = count } }
        while taken.withLock({ $0 }) == nil { await Task.yield() }
        try? await Task.sleep(for: .milliseconds(20))
        #expect(!subscriber.deliver([event, event], wake: false))
        try? await Task.sleep(for: .milliseconds(50))
        #expect(taken.withLock { $0 } == -1, "woken before the reader caught up")
        subscriber.wake()
        await taking.value
        #expect(taken.withLock { $0 } == 2)
    }

    @Test func halfABufferWakesTheSubscriberAtOnce() async {
        let subscriber = Subscriber(id: 1, name: "test", limit: 10)
        let taking = Task { await subscriber.take()?.count }
        try? await Task.sleep(for: .milliseconds(20))
        _ = subscriber.deliver(Array(repeating: event, count: 4), wake: false)
        _ = subscriber.deliver([event], wake: false)
        #expect(await taking.value == 5)
    }

    @Test func anOverflowIsReportedOnceAndResyncedWhenThereIsRoom() async {
        let subscriber = Subscriber(id: 1, name: "test", limit: 3)
        #expect(subscriber.deliver(Array(repeating: event, count: 5), wake: false))
        #expect(!subscriber.deliver([event], wake: false))
        let first = await subscriber.take() ?? []
        #expect(first.count == 3)
        _ = subscriber.deliver([event], wake: true)
        let second = await subscriber.take() ?? []
        guard case .resync(let missed) = second.first else {
            Issue.record("expected a resync first, got \(second)")
            return
        }
        #expect(missed == 3)
        #expect(second.count == 2)
    }

    @Test func finishingEndsAWaitingTake() async {
        let subscriber = Subscriber(id: 1, name: "test", limit: 10)
        let taking = Task { await subscriber.take() }
        try? await Task.sleep(for: .milliseconds(20))
        subscriber.finish()
        #expect(await taking.value == nil)
    }
}

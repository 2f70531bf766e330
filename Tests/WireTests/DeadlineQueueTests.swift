import Core
import Testing
@testable import Wire

@Suite struct DeadlineQueueTests {
    @Test func expiresInOrderAndForgetsRemovedKeys() {
        var queue = DeadlineQueue()
        for key in 0..<100 { queue.set(key, at: MonotonicTime(nanoseconds: UInt64((key * 37) % 100))) }
        for key in stride(from: 0, to: 100, by: 2) { queue.remove(key) }
        #expect(queue.count == 50)
        let expired = queue.popExpired(now: MonotonicTime(nanoseconds: 1_000))
        #expect(expired.count == 50)
        #expect(expired.allSatisfy { $0 % 2 == 1 })
        let times = expired.map { ($0 * 37) % 100 }
        #expect(times == times.sorted())
        #expect(queue.count == 0)
    }

    @Test func settingAKeyAgainMovesItsDeadline() {
        var queue = DeadlineQueue()
        queue.set(7, at: MonotonicTime(nanoseconds: 10))
        queue.set(3, at: MonotonicTime(nanoseconds: 20))
        queue.set(7, at: MonotonicTime(nanoseconds: 30))
        #expect(queue.earliest == MonotonicTime(nanoseconds: 20))
        #expect(queue.popExpired(now: MonotonicTime(nanoseconds: 25)) == [3])
        #expect(queue.count == 1)
    }
}

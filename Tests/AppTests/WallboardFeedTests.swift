import ACD
import Core
import Foundation
import Reports
import Synchronization
import Testing
@testable import App

/// What the wallboard is drawn from, without a server: today's tallies by the call center's
/// day, the frame for a routing report, and the change signal.
@Suite(.timeLimit(.minutes(1))) struct WallboardFeedTests {
    static let zone = TimeZone(identifier: "Asia/Shanghai")!
    /// 2026-12-07 10:00 in Shanghai.
    static let morning = Date(timeIntervalSince1970: 1_796_608_800)

    static func part(_ queue: String, _ at: Date, answered: Bool) -> CallTallies.Part<QueueTally> {
        var tally = QueueTally()
        tally.offered = 1
        if answered {
            tally.answered = 1
            tally.answeredInTime = 1
            tally.answerWaitSeconds = 12
        } else {
            tally.abandoned = 1
        }
        return CallTallies.Part(name: queue, start: ReportInterval.tallyStart(of: at), tally: tally)
    }

    static func report(waiting: [(String, Double)] = [], agents: [(String, AgentActivity, [String])] = []) -> QueueReport {
        QueueReport(
            queues: ["sales", "support"],
            waiting: waiting.enumerated().map { index, caller in
                QueueReport.Caller(call: index + 1, queue: caller.0, waitSeconds: caller.1, priority: 0, position: index + 1, callback: false, parked: false)
            },
            agents: agents.map { QueueReport.AgentLine(agent: $0.0, state: "\($0.1)", activity: $0.1, secondsInState: 5, callsToday: 0, phoneBusy: false, queues: $0.2) },
            dialLatency: LatencySummary(nanoseconds: [])
        )
    }

    @Test func todayIsTheCallCentersDayAndANewDayStartsAtZero() {
        let feed = WallboardFeed(zone: Self.zone, now: Self.morning)
        // 23:50 the day before, in Shanghai (15:50 UTC): yesterday's, not counted.
        let lateYesterday = Self.morning.addingTimeInterval(-(10 * 3600 + 600))
        // 00:05 today in Shanghai, still the day before in UTC: today's.
        let earlyToday = Self.morning.addingTimeInterval(-(9 * 3600 + 55 * 60))
        feed.add([
            Self.part("support", lateYesterday, answered: true), Self.part("support", earlyToday, answered: true),
            Self.part("support", Self.morning, answered: false), Self.part("sales", Self.morning, answered: true),
        ])
        let frame = feed.frame(Self.report(waiting: [("support", 30), ("support", 75)]), targets: { _ in ReportSheets.Target(seconds: 20, share: 0.8) }, now: Self.morning)
        #expect(frame.queues.map(\.name) == ["sales", "support"])
        let support = frame.queues[1]
        #expect((support.waiting, support.longestWaitSeconds, support.offered, support.answered, support.abandoned) == (2, 75, 2, 1, 1))
        #expect(support.serviceLevel == 0.5)
        #expect(support.asaSeconds == 12)
        // The next day in Shanghai: nothing counted yet.
        let tomorrow = feed.frame(Self.report(), targets: { _ in ReportSheets.Target() }, now: Self.morning.addingTimeInterval(14 * 3600 + 60))
        #expect(tomorrow.queues.map(\.offered) == [0, 0])
        #expect(tomorrow.queues.map(\.serviceLevel) == [nil, nil])
    }

    @Test func namedQueuesKeepTheirAgentsOnly() {
        let feed = WallboardFeed(zone: Self.zone, now: Self.morning)
        let report = Self.report(agents: [("1001", .onCall, ["sales", "support"]), ("1002", .available, ["sales"]), ("1003", .paused, ["support"])])
        let frame = feed.frame(report, targets: { _ in ReportSheets.Target() }, only: ["support"], now: Self.morning)
        #expect(frame.queues.map(\.name) == ["support"])
        #expect(frame.agents.map(\.agent) == ["1001", "1003"])
    }

    /// Routing tells the feed of each change as it happens, before returning: a wallboard is
    /// pushed the join, not left to find it at the next tick.
    @Test func routingSignalsEachChangeAsItHappens() async throws {
        let feed = WallboardFeed(zone: Self.zone)
        let agent = Agent(id: "1001", name: "Li", endpoint: "PJSIP/1001", skills: ["support": 3])
        let routing = RoutingService(agents: [agent], queues: [:], loggedIn: false, logger: .silent, changed: { feed.changed() })
        let stream = feed.subscribe()
        var signals = stream.makeAsyncIterator()
        _ = await signals.next()
        _ = routing.join(queue: QueueDefinition(name: "support", skills: ["support": 2]), extraPriority: 0, language: nil)
        // Buffered already: the join's own signal, taken without waiting on any clock.
        let joined = feed.frame(routing.report(), targets: { _ in ReportSheets.Target() })
        #expect(joined.queues.first { $0.name == "support" }?.waiting == 1)
        #expect(await signals.next() != nil)
        _ = routing.change("1001", .login)
        #expect(await signals.next() != nil)
    }

    @Test func noticesAreTodaysNewestFive() {
        let feed = WallboardFeed(zone: Self.zone, now: Self.morning)
        for index in 1...7 { feed.notice("T-00000\(index) escalated", at: Self.morning.addingTimeInterval(Double(index))) }
        let frame = feed.frame(Self.report(), targets: { _ in ReportSheets.Target() }, now: Self.morning.addingTimeInterval(10))
        #expect(frame.notices.map(\.text) == (3...7).map { "T-00000\($0) escalated" })
        #expect(feed.frame(Self.report(), targets: { _ in ReportSheets.Target() }, now: Self.morning.addingTimeInterval(86400)).notices.isEmpty)
    }

    /// A subscriber's buffer holds one signal: a burst while it draws costs one more frame, not a hundred.
    @Test func aBurstOfChangesIsOneSignal() async throws {
        let feed = WallboardFeed(zone: Self.zone)
        let stream = feed.subscribe()
        for _ in 0..<100 { feed.changed() }
        let seen = Mutex(0)
        let consumer = Task { for await _ in stream { seen.withLock { $0 += 1 } } }
        try await Task.sleep(for: .milliseconds(100))
        #expect(seen.withLock { $0 } == 1)
        feed.changed()
        let deadline = ContinuousClock.now + .seconds(5)
        while seen.withLock({ $0 }) < 2, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        #expect(seen.withLock { $0 } == 2)
        #expect(feed.subscriberCount == 1)
        consumer.cancel()
        _ = await consumer.value
        #expect(feed.subscriberCount == 0)
    }
}

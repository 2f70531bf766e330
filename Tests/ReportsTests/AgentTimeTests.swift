import Foundation
import Testing
@testable import Reports

@Suite struct AgentTimeTests {
    static let from = Date(timeIntervalSince1970: 1_796_169_600)
    static func at(_ minutes: Double) -> Date { from.addingTimeInterval(minutes * 60) }

    /// Logged in at 8:00 (from before the period), a 15-minute break and a 30-minute lunch,
    /// logged out at 17:00; the period is the whole day.
    @Test func timeInEachStateAndOccupancy() throws {
        var calls = AgentTally()
        calls.handled = 40
        calls.talkSeconds = 4 * 3600
        calls.holdSeconds = 600
        calls.wrapUpSeconds = 40 * 30
        let time = AgentTime(
            before: .init(state: "available", at: Self.from.addingTimeInterval(-3600)),
            changes: [
                .init(state: "paused", reason: "break", at: Self.at(10 * 60)),
                .init(state: "available", at: Self.at(10 * 60 + 15)),
                .init(state: "paused", reason: "lunch", at: Self.at(12 * 60)),
                .init(state: "available", at: Self.at(12 * 60 + 30)),
                .init(state: "logged out", at: Self.at(17 * 60)),
            ],
            from: Self.from, to: Self.at(24 * 60), now: Self.at(30 * 60), calls: calls
        )
        #expect(time.loggedInSeconds == 17 * 3600)
        #expect(time.pausedSeconds == ["break": 900, "lunch": 1800])
        #expect(time.onCallSeconds == 4 * 3600 + 600)
        #expect(time.wrapUpSeconds == 1200)
        let staffed: Double = 17 * 3600 - 2700
        let busy: Double = 4 * 3600 + 600 + 1200
        #expect(time.availableSeconds == staffed - busy)
        // (4 h talk + 10 min hold + 20 min wrap-up) / (17 h − 45 min).
        #expect(try #require(time.occupancy) == busy / staffed)
    }

    /// A state still running counts until now, not to the end of the period.
    @Test func aPeriodReachingIntoTheFutureStopsAtNow() {
        let time = AgentTime(
            before: nil, changes: [.init(state: "available", at: Self.at(60))],
            from: Self.from, to: Self.at(24 * 60), now: Self.at(90), calls: AgentTally()
        )
        #expect(time.loggedInSeconds == 1800)
        #expect(time.occupancy == 0)
    }

    @Test func neverLoggedInHasNoOccupancy() {
        let time = AgentTime(before: nil, changes: [], from: Self.from, to: Self.at(60), now: Self.at(120), calls: AgentTally())
        #expect(time.loggedInSeconds == 0)
        #expect(time.occupancy == nil)
    }

    @Test func intervalsFollowTheCallCentersZone() throws {
        let shanghai = try #require(TimeZone(identifier: "Asia/Shanghai"))
        let kolkata = try #require(TimeZone(identifier: "Asia/Kolkata"))
        // 2026-12-02 01:37 UTC is 09:37 in Shanghai and 07:07 in Kolkata.
        let time = Date(timeIntervalSince1970: 1_796_175_420)
        #expect(ReportInterval.hour.start(of: time, in: shanghai) == Date(timeIntervalSince1970: 1_796_173_200))
        #expect(ReportInterval.hour.start(of: time, in: kolkata) == Date(timeIntervalSince1970: 1_796_173_200 + 1800))
        #expect(ReportInterval.day.start(of: time, in: shanghai) == Date(timeIntervalSince1970: 1_796_140_800))
        #expect(ReportInterval.halfHour.start(of: time, in: kolkata) == Date(timeIntervalSince1970: 1_796_175_000))
        #expect(ReportInterval.tallyStart(of: time) == Date(timeIntervalSince1970: 1_796_175_000))
    }
}

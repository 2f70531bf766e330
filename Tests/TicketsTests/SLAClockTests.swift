import Core
import Foundation
import Testing
@testable import Tickets

/// Due times in open time, worked out by hand: weekdays 09:00–18:00 in Shanghai, closed on
/// 2026-12-25. 2026-12-07 is a Monday.
@Suite struct SLAClockTests {
    static let zone = TimeZone(identifier: "Asia/Shanghai")!
    static let hours = BusinessCalendar(zone: zone) { minute in
        (1...5).contains(minute.weekday) && (540..<1080).contains(minute.minuteOfDay) && minute.date != "2026-12-25"
    }

    /// `2026-12-07 17:00` (or with seconds) in Shanghai.
    static func at(_ text: String) -> Date {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = zone
        formatter.dateFormat = text.count > 16 ? "yyyy-MM-dd HH:mm:ss" : "yyyy-MM-dd HH:mm"
        return formatter.date(from: text)!
    }

    static func policy(response: Double? = nil, resolution: Double? = nil) -> SLAPolicy {
        SLAPolicy(name: "test", firstResponseSeconds: response, resolutionSeconds: resolution)
    }

    static let dueCases: [(start: String, seconds: Double, due: String)] = [
        // Into the next morning.
        ("2026-12-07 17:00", 14400, "2026-12-08 12:00"),
        // Over a weekend.
        ("2026-12-11 16:00", 14400, "2026-12-14 11:00"),
        // Over a holiday and a weekend.
        ("2026-12-24 17:00", 7200, "2026-12-28 10:00"),
        // Made at night: the clock starts at opening.
        ("2026-12-08 22:00", 1800, "2026-12-09 09:30"),
        // Made on a Saturday.
        ("2026-12-12 10:00", 60, "2026-12-14 09:01"),
        // To the second, across closing.
        ("2026-12-07 17:30:30", 1800, "2026-12-08 09:00:30"),
        // Exactly at closing: due at closing, not the next morning.
        ("2026-12-07 17:00", 3600, "2026-12-07 18:00"),
        // Nothing to wait.
        ("2026-12-07 10:00", 0, "2026-12-07 10:00"),
    ]

    @Test func dueTimesCountOpenTimeOnly() {
        for (start, seconds, due) in Self.dueCases {
            #expect(Self.hours.adding(seconds, to: Self.at(start)) == Self.at(due), "\(seconds) s after \(start)")
        }
    }

    @Test func openSecondsBetweenTwoMoments() {
        #expect(Self.hours.openSeconds(from: Self.at("2026-12-11 17:00"), to: Self.at("2026-12-14 10:00")) == 7200)
        #expect(Self.hours.openSeconds(from: Self.at("2026-12-24 08:00"), to: Self.at("2026-12-28 08:00")) == 9 * 3600)
        #expect(Self.hours.openSeconds(from: Self.at("2026-12-07 12:00"), to: Self.at("2026-12-07 11:00")) == 0)
        #expect(Self.hours.isOpen(at: Self.at("2026-12-07 09:00")))
        #expect(!Self.hours.isOpen(at: Self.at("2026-12-07 18:00")))
        #expect(!Self.hours.isOpen(at: Self.at("2026-12-25 10:00")))
    }

    @Test func aCalendarNeverOpenNeverComesDue() {
        let closed = BusinessCalendar(zone: Self.zone) { _ in false }
        #expect(closed.adding(60, to: Self.at("2026-12-07 10:00")) == .distantFuture)
    }

    @Test func pendingStopsTheClockAndOpenTimeLeftCarriesOver() {
        let start = Self.at("2026-12-07 09:00")
        let clock = SLAClock.start(Self.policy(response: 3600, resolution: 8 * 3600), at: start, calendar: Self.hours)
        #expect(clock.firstResponseDue == Self.at("2026-12-07 10:00"))
        #expect(clock.resolutionDue == Self.at("2026-12-07 17:00"))
        // Answered at 09:30, pending from 13:00 (four open hours left) until Wednesday 10:00.
        let stopped = clock.stopped(at: Self.at("2026-12-07 13:00"), responded: true, calendar: Self.hours)
        #expect(stopped.isStopped && stopped.resolutionDue == nil && stopped.resolutionLeft == 14_400.0)
        #expect(stopped.firstResponseLeft == nil)
        let resumed = stopped.resumed(at: Self.at("2026-12-09 10:00"), calendar: Self.hours)
        #expect(resumed.resolutionDue == Self.at("2026-12-09 14:00"))
        #expect(resumed.firstResponseDue == nil && !resumed.isStopped)
    }

    @Test func resumedOnAFridayAfternoonTheRestFallsAfterTheWeekend() {
        let clock = SLAClock.start(Self.policy(resolution: 8 * 3600), at: Self.at("2026-12-07 09:00"), calendar: Self.hours)
        let stopped = clock.stopped(at: Self.at("2026-12-07 10:00"), responded: false, calendar: Self.hours)
        #expect(stopped.resolutionLeft == 25_200.0)
        #expect(stopped.resumed(at: Self.at("2026-12-11 15:00"), calendar: Self.hours).resolutionDue == Self.at("2026-12-14 13:00"))
    }

    @Test func aDueTimeMissedBeforePendingStaysMissedByAsMuch() {
        let clock = SLAClock.start(Self.policy(resolution: 3600), at: Self.at("2026-12-07 09:00"), calendar: Self.hours)
        // Due 10:00; pending at 11:00, an open hour late.
        let stopped = clock.stopped(at: Self.at("2026-12-07 11:00"), responded: true, calendar: Self.hours)
        #expect(stopped.resolutionLeft == -3600.0)
        #expect(stopped.resumed(at: Self.at("2026-12-08 15:00"), calendar: Self.hours).resolutionDue == Self.at("2026-12-08 14:00"))
    }

    @Test func theFirstMatchingPolicyApplies() {
        var urgent = SLAPolicy(name: "urgent", resolutionSeconds: 3600)
        urgent.priorities = [.urgent, .high]
        var faults = SLAPolicy(name: "faults", resolutionSeconds: 4 * 3600)
        faults.categories = ["fault"]
        faults.queues = ["support"]
        let standard = SLAPolicy(name: "standard", resolutionSeconds: 16 * 3600)
        let policies = [urgent, faults, standard]
        #expect(SLAPolicy.first(in: policies, priority: .high, category: "fault", queue: "support")?.name == "urgent")
        #expect(SLAPolicy.first(in: policies, priority: .normal, category: "fault", queue: "support")?.name == "faults")
        #expect(SLAPolicy.first(in: policies, priority: .normal, category: "fault", queue: "sales")?.name == "standard")
        #expect(SLAPolicy.first(in: policies, priority: .normal, category: nil, queue: nil)?.name == "standard")
        #expect(SLAPolicy.first(in: [urgent], priority: .low, category: nil, queue: nil) == nil)
    }
}

import App
import Core
import Foundation
import Store

/// `switchboard bench tickets`: a large ticket store made up (seeded) in a real SQLite file —
/// most tickets closed, as in a call center that has run for years —, then the questions asked
/// of it timed: the open tickets by status and by queue, the overdue list (a page of 100 each,
/// as `tickets list` shows), and a caller's open tickets, which every call's start asks.
public struct TicketBenchmark: Sendable {
    public struct Options: Sendable {
        public var tickets = 1_000_000
        /// Distinct callers the tickets belong to.
        public var callers = 200_000
        public var queues = 5
        public var repeats = 50
        public var lookups = 10_000
        public var seed: UInt64 = 15
        public var database: String?

        public init() {}
    }

    public struct Report: Codable, Sendable {
        public var tickets: Int
        public var openTickets: Int
        public var overdueTickets: Int
        public var writtenPerSecond: Double
        public var databaseMegabytes: Double
        public var byStatus: LatencySummary
        public var byQueue: LatencySummary
        public var overdue: LatencySummary
        public var callerOpenTickets: LatencySummary
    }

    public var options: Options
    public var progress: @Sendable (String) -> Void

    public init(options: Options, progress: @escaping @Sendable (String) -> Void) {
        self.options = options
        self.progress = progress
    }

    public func run() async throws -> Report {
        let folder = NSTemporaryDirectory() + "switchboard-bench-tickets-\(getpid())"
        let path = options.database ?? folder + "/bench.db"
        if options.database == nil { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        defer { if options.database == nil { try? FileManager.default.removeItem(atPath: folder) } }
        let plan = PhoneNumberPlan(countryCode: "86", maximumNationalLength: 11)
        let store = try await Store.open(path: path, plan: plan)
        defer { store.close() }

        let now = Date()
        var random = SeededGenerator(seed: options.seed)
        progress("tickets: \(options.tickets) for \(options.callers) callers in \(options.queues) queues")
        let writing = MonotonicTime.now()
        var open = 0, overdue = 0
        let batch = 10_000
        for first in stride(from: 1, through: options.tickets, by: batch) {
            var tickets: [Ticket] = []
            for id in first..<min(options.tickets + 1, first + batch) {
                let ticket = Self.ticket(Int64(id), options: options, now: now, random: &random)
                if ticket.status.isOpen { open += 1 }
                if ticket.isOverdue(at: now) { overdue += 1 }
                tickets.append(ticket)
            }
            try await store.importTickets(tickets, who: "bench", at: now)
            if (first - 1) % 100_000 == 0 { progress("  \(first - 1 + tickets.count) tickets") }
        }
        let writtenPerSecond = Double(options.tickets) / writing.secondsElapsed

        progress("queries: \(options.repeats) pages of 100 by status, by queue and overdue; \(options.lookups) callers' open tickets")
        var byStatus: [UInt64] = [], byQueue: [UInt64] = [], overdueList: [UInt64] = [], lookups: [UInt64] = []
        for index in 0..<options.repeats {
            byStatus.append(try await Stopwatch.nanoseconds { _ = try await store.tickets(TicketFilter(statuses: [.new, .open, .pending])) })
            byQueue.append(try await Stopwatch.nanoseconds { _ = try await store.tickets(TicketFilter(statuses: [.new, .open, .pending], queue: "queue-\(index % options.queues)")) })
            overdueList.append(try await Stopwatch.nanoseconds { _ = try await store.tickets(TicketFilter(overdueAt: now)) })
        }
        for _ in 0..<options.lookups {
            let phone = Self.phone(Int.random(in: 0..<options.callers, using: &random))
            lookups.append(try await Stopwatch.nanoseconds { _ = try await store.openTickets(phone: phone) })
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        return Report(
            tickets: options.tickets, openTickets: open, overdueTickets: overdue, writtenPerSecond: writtenPerSecond,
            databaseMegabytes: Double(size) / 1_048_576, byStatus: LatencySummary(nanoseconds: byStatus),
            byQueue: LatencySummary(nanoseconds: byQueue), overdue: LatencySummary(nanoseconds: overdueList),
            callerOpenTickets: LatencySummary(nanoseconds: lookups)
        )
    }

    /// A caller's number, written as a caller id gives it.
    static func phone(_ caller: Int) -> String { String(format: "138%08d", caller) }

    /// 85% closed or solved, the rest open in some way; open ones are due from a week ago to a week ahead.
    static func ticket(_ id: Int64, options: Options, now: Date, random: inout SeededGenerator) -> Ticket {
        let created = now.addingTimeInterval(-Double.random(in: 0..<(3 * 365 * 86400), using: &random))
        let roll = Int.random(in: 0..<100, using: &random)
        let status: TicketStatus = roll < 70 ? .closed : roll < 85 ? .solved : roll < 92 ? .open : roll < 96 ? .new : .pending
        let due = status.isOpen && status != .pending ? now.addingTimeInterval(Double.random(in: -7 * 86400..<7 * 86400, using: &random)) : nil
        let queue = "queue-\(Int.random(in: 0..<options.queues, using: &random))"
        return Ticket(
            id: id, subject: "Call back about order \(id)", category: "abandoned", priority: .normal, status: status, customerID: nil,
            phone: phone(Int.random(in: 0..<options.callers, using: &random)), assignee: .queue(queue), queue: queue, slaPolicy: "standard",
            firstResponseDue: nil, resolutionDue: due, firstResponseLeft: nil, resolutionLeft: status == .pending ? 3600 : nil,
            firstResponseAt: created, createdAt: created, createdBy: "rule:abandoned", updatedAt: created,
            solvedAt: status == .solved || status == .closed ? created.addingTimeInterval(3600) : nil,
            closedAt: status == .closed ? created.addingTimeInterval(7200) : nil,
            calls: [TicketCall(uniqueID: "bench.\(id)", rule: "abandoned", at: created)], files: []
        )
    }
}

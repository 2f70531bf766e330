import Core
import Foundation

/// The reports `switchboard report` prints, built from kept tallies (queues, intervals,
/// agents) or from call records (calls).
public enum ReportSheets {
    /// A queue's service-level threshold (seconds) and target (share), as configured.
    public struct Target: Sendable {
        public var seconds: Double
        public var share: Double
        public init(seconds: Double = 20, share: Double = 0.8) {
            self.seconds = seconds
            self.share = share
        }
    }

    static let queueColumns: [(String, String)] = [
        ("OFFERED", "offered"), ("ANSWERED", "answered"), ("IN SL", "answered_in_sl"), ("ABANDONED", "abandoned"),
        ("SHORT", "short_abandoned"), ("KEY", "exits_key"), ("TIMEOUT", "exits_timeout"), ("CALLBACK", "exits_callback"),
        ("SL ANS", "service_level_answered"), ("SL INCL", "service_level_inclusive"), ("ABANDON", "abandon_rate"),
        ("ASA", "asa_seconds"), ("LONGEST", "longest_wait_seconds"), ("AHT", "aht_seconds"), ("TRANSFERS", "transfers"),
    ]

    static func queueValues(_ t: QueueTally) -> [ReportSheet.Value] {
        [
            .count(t.offered), .count(t.answered), .count(t.answeredInTime), .count(t.abandoned), .count(t.shortAbandoned),
            .count(t.exitsByKey), .count(t.exitsByTimeout), .count(t.exitsToCallback), .ratio(t.serviceLevelOfAnswered),
            .ratio(t.serviceLevelInclusive), .ratio(t.abandonRate), .seconds(t.averageSpeedOfAnswer),
            .seconds(t.offered == 0 ? nil : t.longestWaitSeconds), .seconds(t.averageHandleTime), .count(t.transfers),
        ]
    }

    /// One row per queue over the whole period, and a total when there are several.
    public static func queues(_ parts: [CallTallies.Part<QueueTally>], period: String) -> ReportSheet {
        var byQueue: [String: QueueTally] = [:]
        for part in parts { byQueue[part.name, default: QueueTally()] += part.tally }
        var rows = byQueue.sorted { $0.key < $1.key }.map { [ReportSheet.Value.text($0.key)] + queueValues($0.value) }
        if byQueue.count > 1 { rows.append([.text("all")] + queueValues(byQueue.values.reduce(QueueTally(), +))) }
        return ReportSheet(title: "Queues", period: period, columns: [("QUEUE", "queue")] + queueColumns, rows: rows)
    }

    /// One row per interval and queue, with the charts: calls per interval by how they ended,
    /// and the service level against its target.
    public static func intervals(
        _ parts: [CallTallies.Part<QueueTally>], interval: ReportInterval, zone: TimeZone, period: String, target: Target
    ) -> ReportSheet {
        var cells: [Date: [String: QueueTally]] = [:]
        for part in parts { cells[interval.start(of: part.start, in: zone), default: [:]][part.name, default: QueueTally()] += part.tally }
        let starts = cells.keys.sorted()
        let label = IntervalLabel(interval, zone)
        var rows: [[ReportSheet.Value]] = []
        for start in starts {
            for (queue, tally) in cells[start]!.sorted(by: { $0.key < $1.key }) {
                rows.append([.text(label.text(start)), .text(queue)] + queueValues(tally))
            }
        }
        let totals = starts.map { cells[$0]!.values.reduce(QueueTally(), +) }
        let labels = starts.map(label.text)
        let charts = [
            ReportChart(title: "Calls per interval, by how they ended", kind: .stackedBars, labels: labels, series: [
                ("answered in SL", totals.map { Double($0.answeredInTime) }),
                ("answered later", totals.map { Double($0.answered - $0.answeredInTime) }),
                ("abandoned", totals.map { Double($0.abandoned) }),
                ("short abandoned", totals.map { Double($0.shortAbandoned) }),
                ("other (voicemail, callback)", totals.map { Double($0.offered - $0.answered - $0.abandoned - $0.shortAbandoned) }),
            ], unit: .calls),
            ReportChart(
                title: "Service level (inclusive) against the \(Int(target.share * 100))% target, \(Int(target.seconds)) s threshold",
                kind: .shareAgainstTarget(target.share), labels: labels,
                series: [("service level", totals.map { $0.serviceLevelInclusive ?? 0 })], unit: .share
            ),
        ]
        return ReportSheet(
            title: "Queues by \(interval.rawValue)", period: period, columns: [("INTERVAL", "interval"), ("QUEUE", "queue")] + queueColumns,
            rows: rows, charts: charts
        )
    }

    /// One agent's figures over a period.
    public struct AgentFigures: Sendable {
        public var agent: String
        public var name: String
        public var time: AgentTime
        public var calls: AgentTally
        public var recordings: RecordingQuality
        public init(agent: String, name: String, time: AgentTime, calls: AgentTally, recordings: RecordingQuality = RecordingQuality()) {
            self.agent = agent
            self.name = name
            self.time = time
            self.calls = calls
            self.recordings = recordings
        }
    }

    /// An agent's recordings over the period, from the figures measured when each was indexed.
    public struct RecordingQuality: Sendable, Equatable {
        public var count = 0
        /// The average share of each recording that is talk.
        public var talkRatio: Double?
        /// Of the talk in two-leg recordings, the agent's share.
        public var agentShare: Double?
        /// Seconds of talking over each other per two-leg recording.
        public var overlapSeconds: Double?

        public init(count: Int = 0, talkRatio: Double? = nil, agentShare: Double? = nil, overlapSeconds: Double? = nil) {
            self.count = count
            self.talkRatio = talkRatio
            self.agentShare = agentShare
            self.overlapSeconds = overlapSeconds
        }
    }

    /// One row per agent, with a chart of their time by state.
    public static func agents(_ agents: [AgentFigures], period: String) -> ReportSheet {
        let rows: [[ReportSheet.Value]] = agents.map { a in
            [
                .text(a.agent), .text(a.name), .seconds(a.time.loggedInSeconds), .seconds(a.time.availableSeconds),
                .seconds(a.time.onCallSeconds), .seconds(a.time.wrapUpSeconds), .seconds(a.time.totalPausedSeconds),
                .text(a.time.pausedSeconds.sorted { $0.key < $1.key }.map { "\($0.key) \(ReportSheet.duration($0.value))" }.joined(separator: ", ")),
                .count(a.calls.handled), .seconds(a.calls.averageHandleTime), .count(a.calls.ringNoAnswers), .ratio(a.time.occupancy),
                .count(a.recordings.count), .ratio(a.recordings.talkRatio), .ratio(a.recordings.agentShare), .seconds(a.recordings.overlapSeconds),
            ]
        }
        let chart = ReportChart(title: "Agents' time by state", kind: .stackedBars, labels: agents.map(\.agent), series: [
            ("available", agents.map { $0.time.availableSeconds }),
            ("on call", agents.map { $0.time.onCallSeconds }),
            ("wrap-up", agents.map { $0.time.wrapUpSeconds }),
            ("paused", agents.map { $0.time.totalPausedSeconds }),
        ], unit: .seconds)
        return ReportSheet(title: "Agents", period: period, columns: [
            ("AGENT", "agent"), ("NAME", "name"), ("LOGGED IN", "logged_in_seconds"), ("AVAILABLE", "available_seconds"),
            ("ON CALL", "on_call_seconds"), ("WRAP-UP", "wrapup_seconds"), ("PAUSED", "paused_seconds"), ("PAUSES", "pauses"),
            ("HANDLED", "handled"), ("AHT", "aht_seconds"), ("RNA", "ring_no_answers"), ("OCCUPANCY", "occupancy"),
            ("RECORDED", "recordings"), ("TALK", "recorded_talk_ratio"), ("AGENT TALK", "agent_talk_share"), ("TALK-OVER", "talk_over_seconds"),
        ], rows: rows, charts: agents.isEmpty ? [] : [chart])
    }

    /// One row per call.
    public static func calls(_ calls: [CallRecord], zone: TimeZone, period: String) -> ReportSheet {
        let label = IntervalLabel(.quarterHour, zone, seconds: true)
        return ReportSheet(title: "Calls", period: period, columns: [
            ("ARRIVED", "arrived"), ("UNIQUEID", "uniqueid"), ("CALLER", "caller"), ("QUEUE", "queue"), ("AGENT", "agent"),
            ("OUTCOME", "outcome"), ("IN QUEUE", "queue_seconds"), ("TALK", "talk_seconds"), ("HOLD", "hold_seconds"), ("TOTAL", "total_seconds"),
        ], rows: calls.map { call in
            [
                .text(label.text(call.arrivedAt)), .text(call.uniqueID), .text(call.callerNumber ?? ""), .text(call.queue ?? ""),
                .text(call.agentID ?? ""), .text(call.outcome?.rawValue ?? "in progress"),
                .seconds(call.queuedAt == nil ? nil : QueueTally.secondsInQueue(call)), .seconds(call.talkSeconds), .seconds(call.holdSeconds),
                .seconds(call.totalSeconds),
            ]
        })
    }

    /// A period in words, in the call center's zone.
    public static func period(from: Date, to: Date, zone: TimeZone) -> String {
        let label = IntervalLabel(.hour, zone)
        return "\(label.text(from)) – \(label.text(to)) \(zone.identifier)"
    }
}

/// An interval's start as reports write it: a date for days, date and time otherwise.
struct IntervalLabel {
    let formatter: DateFormatter

    init(_ interval: ReportInterval, _ zone: TimeZone, seconds: Bool = false) {
        formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = zone
        formatter.dateFormat = interval == .day ? "yyyy-MM-dd" : seconds ? "yyyy-MM-dd HH:mm:ss" : "yyyy-MM-dd HH:mm"
    }

    func text(_ date: Date) -> String { formatter.string(from: date) }
}

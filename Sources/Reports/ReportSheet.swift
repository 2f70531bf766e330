import Foundation

/// A report as rows and columns, with the charts that go with it: what every output format
/// (table, CSV, JSON, HTML) is rendered from.
public struct ReportSheet: Sendable {
    public enum Value: Sendable, Equatable {
        case text(String)
        case count(Int)
        /// A duration; nil when there is nothing to measure.
        case seconds(Double?)
        /// A share (0…1); nil when there is nothing to divide by.
        case ratio(Double?)
    }

    public struct Column: Sendable {
        /// The heading in tables.
        public var title: String
        /// The field name in CSV and JSON.
        public var key: String
    }

    public var title: String
    /// The period, in words ("2026-12-01 00:00 – 2026-12-02 00:00 Asia/Shanghai").
    public var period: String
    public var columns: [Column]
    public var rows: [[Value]]
    public var charts: [ReportChart] = []

    public init(title: String, period: String, columns: [(String, String)], rows: [[Value]], charts: [ReportChart] = []) {
        self.title = title
        self.period = period
        self.columns = columns.map { Column(title: $0.0, key: $0.1) }
        self.rows = rows
        self.charts = charts
    }

    /// A value as a table cell: counts as they are, durations as m:ss, shares as percentages.
    public static func text(_ value: Value) -> String {
        switch value {
        case .text(let text): return text
        case .count(let count): return String(count)
        case .seconds(nil), .ratio(nil): return "-"
        case .seconds(let seconds?): return duration(seconds)
        case .ratio(let ratio?): return String(format: "%.1f%%", ratio * 100)
        }
    }

    /// A value as a CSV field or JSON number: seconds and shares unrounded to 3 places.
    public static func raw(_ value: Value) -> String {
        switch value {
        case .text(let text): return text
        case .count(let count): return String(count)
        case .seconds(nil), .ratio(nil): return ""
        case .seconds(let seconds?): return String(format: "%.3f", seconds)
        case .ratio(let ratio?): return String(format: "%.4f", ratio)
        }
    }

    /// `0:05`, `12:34`, `1:02:03`.
    public static func duration(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded())
        return whole >= 3600 ? String(format: "%d:%02d:%02d", whole / 3600, whole / 60 % 60, whole % 60) : String(format: "%d:%02d", whole / 60, whole % 60)
    }
}

/// A chart an HTML report draws under its table.
public struct ReportChart: Sendable {
    public enum Kind: Sendable {
        /// Bars per label, each stacked from its series' values.
        case stackedBars
        /// Bars per label of one share (0…1) each, against `target`.
        case shareAgainstTarget(Double)
    }

    public var title: String
    public var kind: Kind
    public var labels: [String]
    /// Series names, in stacking order, and their values per label.
    public var series: [(name: String, values: [Double])]
    /// How a value is written on the axis and in tooltips.
    public var unit: Unit

    public enum Unit: Sendable { case calls, seconds, share }

    public init(title: String, kind: Kind, labels: [String], series: [(name: String, values: [Double])], unit: Unit) {
        self.title = title
        self.kind = kind
        self.labels = labels
        self.series = series
        self.unit = unit
    }
}

import Foundation

/// Prometheus' text exposition format (version 0.0.4): each metric family with its HELP and
/// TYPE lines, then its samples, label values escaped.
struct PrometheusText {
    enum Kind: String { case gauge, counter, histogram }

    private(set) var text = ""

    mutating func family(_ name: String, _ kind: Kind, _ help: String, _ samples: [(labels: [(String, String)], value: Double)]) {
        text += "# HELP \(name) \(help)\n# TYPE \(name) \(kind.rawValue)\n"
        for sample in samples { self.sample(name, sample.labels, sample.value) }
    }

    /// One gauge or counter without labels.
    mutating func family(_ name: String, _ kind: Kind, _ help: String, _ value: Double) {
        family(name, kind, help, [([], value)])
    }

    /// A histogram from per-bucket counts (`counts` has one more entry than `bounds`: above the last).
    mutating func histogram(_ name: String, _ help: String, bounds: [Double], counts: [Int], sum: Double) {
        text += "# HELP \(name) \(help)\n# TYPE \(name) histogram\n"
        var cumulative = 0
        for (bound, count) in zip(bounds.map(Self.number) + ["+Inf"], counts) {
            cumulative += count
            sample(name + "_bucket", [("le", bound)], Double(cumulative))
        }
        sample(name + "_sum", [], sum)
        sample(name + "_count", [], Double(cumulative))
    }

    private mutating func sample(_ name: String, _ labels: [(String, String)], _ value: Double) {
        let rendered = labels.isEmpty ? "" : "{" + labels.map { "\($0.0)=\"\(Self.escape($0.1))\"" }.joined(separator: ",") + "}"
        text += "\(name)\(rendered) \(Self.number(value))\n"
    }

    static func escape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n")
    }

    static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        return value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}

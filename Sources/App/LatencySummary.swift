/// Percentiles of a set of durations, in microseconds.
public struct LatencySummary: Codable, Sendable {
    public var count: Int
    public var p50Microseconds: Double
    public var p99Microseconds: Double
    public var maxMicroseconds: Double

    public init(nanoseconds samples: [UInt64]) {
        let sorted = samples.sorted()
        count = sorted.count
        func percentile(_ fraction: Double) -> Double {
            guard !sorted.isEmpty else { return 0 }
            let index = min(sorted.count - 1, Int((Double(sorted.count) * fraction).rounded(.up)) - 1)
            return Double(sorted[max(0, index)]) / 1000
        }
        p50Microseconds = percentile(0.50)
        p99Microseconds = percentile(0.99)
        maxMicroseconds = Double(sorted.last ?? 0) / 1000
    }
}

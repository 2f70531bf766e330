/// Delays between reconnect attempts: doubling from `initial` up to `maximum`, each drawn at
/// random from its upper half, so that many clients cut off together do not return in step.
public struct Backoff: Sendable, Equatable {
    public var initial: Duration
    public var maximum: Duration

    public init(initial: Duration = .milliseconds(500), maximum: Duration = .seconds(30)) {
        self.initial = initial
        self.maximum = maximum
    }

    /// The delay before attempt `attempt` (1 = the first retry); `unit` in 0...1 picks the jitter.
    public func delay(attempt: Int, unit: Double = Double.random(in: 0...1)) -> Duration {
        let doublings = min(max(attempt - 1, 0), 30)
        let ceiling = min(initial * Double(1 << doublings), maximum)
        return ceiling * (0.5 + 0.5 * min(max(unit, 0), 1))
    }
}

/// Simulated time: `scale` simulated seconds pass per real second, so a day of prompts, rings
/// and talk can run in a test in moments. All simulator timings are in simulated seconds.
public struct SimulationClock: Sendable {
    public let scale: Double
    private let origin = ContinuousClock.now

    public init(scale: Double = 1) {
        precondition(scale > 0, "a clock runs forwards")
        self.scale = scale
    }

    /// Simulated seconds since the clock was made.
    public func now() -> Double {
        let elapsed = ContinuousClock.now - origin
        return (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18) * scale
    }

    /// Sleeps until simulated time `moment` (at once if it has passed).
    public func sleep(until moment: Double) async throws {
        let seconds = (moment - now()) / scale
        if seconds > 0 { try await Task.sleep(for: .nanoseconds(Int64(seconds * 1e9))) }
    }

    public func sleep(_ seconds: Double) async throws {
        try await sleep(until: now() + seconds)
    }
}

/// The pace of simulated time: `scale` simulated seconds pass per real second, so a day of
/// prompts, rings and talk can run in moments. Simulator timings are in simulated seconds;
/// each channel keeps its own simulated time (see `SimulatedAGIChannel`).
public struct SimulationClock: Sendable {
    public let scale: Double

    public init(scale: Double = 1) {
        precondition(scale > 0, "a clock runs forwards")
        self.scale = scale
    }

    /// Sleeps for `seconds` of simulated time.
    public func sleep(_ seconds: Double) async throws {
        let real = seconds / scale
        if real > 0 { try await Task.sleep(for: .nanoseconds(Int64(real * 1e9))) }
    }
}

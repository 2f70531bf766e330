import App
import Config
import Core
import Foundation
import Simulator
import Synchronization
import Wire

/// `switchboard bench wallboard`: how soon a wallboard sees a caller join. A server runs in this
/// process with one queue and no agent; a wallboard subscribes over the control socket; simulated
/// callers join one after another. Each frame carries the waits of the callers in it, so the
/// newest caller's wait in the first frame that shows them is the delay from their join to the
/// frame being made, by the server's own clock. What the frame then takes to reach the
/// wallboard is about one control-socket round trip, timed too.
public struct WallboardBenchmark: Sendable {
    public struct Options: Sendable {
        public var joins = 200
        public init() {}
    }

    public struct Report: Codable, Sendable {
        public var joins: Int
        public var seen: Int
        public var joinToFrame: LatencySummary
        /// `status` asked and answered over the control socket: the frame's way to the wallboard and back.
        public var controlRoundTrip: LatencySummary
    }

    public var options: Options
    public var progress: @Sendable (String) -> Void

    public init(options: Options, progress: @escaping @Sendable (String) -> Void) {
        self.options = options
        self.progress = progress
    }

    public func run() async throws -> Report {
        let folder = NSTemporaryDirectory() + "switchboard-bench-wallboard-\(getpid())"
        try FileManager.default.createDirectory(atPath: folder + "/flows", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "[flow]\nstart = wait\n[wait]\ntype = queue\nqueue = support\nskills = support:2\n"
            .write(toFile: folder + "/flows/q.conf", atomically: true, encoding: .utf8)
        try "[general]\ndatabase = sb.db\n[agi]\nport = 0\n[ivr]\nflows = flows\n[control]\nsocket = sb.ctl\n"
            .write(toFile: folder + "/sb.conf", atomically: true, encoding: .utf8)
        let config = try SwitchboardConfig.load(path: folder + "/sb.conf").0
        let (stop, stopping) = AsyncStream.makeStream(of: Int32.self)
        let server = SwitchboardServer(config: config, logger: .silent)
        let serving = Task { try await server.run(until: stop) }
        defer { stopping.finish() }
        let client = ControlClient(path: config.control.socketPath)
        var status: StatusReport?
        for _ in 0..<500 where status == nil {
            status = try? await client.send("status", as: StatusReport.self)
            if status == nil { try await Task.sleep(for: .milliseconds(10)) }
        }
        guard let status, let detail = status.agi.detail else { throw StartupError("the server did not start") }
        var configuration = SimulatedPBX.Configuration(agiServer: try SocketAddress(parsing: detail, defaultPort: 4573))
        configuration.script = "ivr/q"
        let pbx = SimulatedPBX(configuration)

        let samples = Samples()
        let watching = Task {
            var shown = 0
            try? await client.subscribe("wallboard", as: WallboardFrame.self) { _, frame in
                let waiting = frame.queues.first { $0.name == "support" }?.waiting ?? 0
                // One caller at a time: a frame with the caller, after one without, times the join.
                if waiting > shown { samples.add(frame.queues.first { $0.name == "support" }?.longestWaitSeconds ?? 0) }
                shown = waiting
            }
        }
        progress("\(options.joins) callers join the queue one after another; the wallboard's frames timed against each join")
        for index in 0..<options.joins {
            _ = try await pbx.call(from: String(format: "138%08d", index), dnis: "400", caller: CallerScript(hangupAfter: 0.15))
            if index % 50 == 49 { progress("  \(index + 1) callers") }
        }
        try await Task.sleep(for: .milliseconds(200))
        var trips: [UInt64] = []
        for _ in 0..<200 {
            let started = MonotonicTime.now()
            _ = try await client.send("status", as: StatusReport.self)
            trips.append(MonotonicTime.now().nanoseconds - started.nanoseconds)
        }
        watching.cancel()
        stopping.yield(SIGTERM)
        try await serving.value
        let delays = samples.all
        return Report(
            joins: options.joins, seen: delays.count, joinToFrame: LatencySummary(nanoseconds: delays.map { UInt64(max(0, $0) * 1e9) }),
            controlRoundTrip: LatencySummary(nanoseconds: trips)
        )
    }

    private final class Samples: Sendable {
        private let values = Mutex<[Double]>([])
        func add(_ value: Double) { values.withLock { $0.append(value) } }
        var all: [Double] { values.withLock { $0 } }
    }
}

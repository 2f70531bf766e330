import AGI
import AMI
import Core
import Foundation
import Wire

/// Switchboard as one of `../shared/perf`'s peers: the real FastAGI server serving the peers'
/// `bench` script until SIGTERM (`compare-agi.sh --extra`), and the whole AMI client reading
/// amifire's stream to `FireDone` (`compare-ami.sh --extra`).
public enum PerfPeers {
    /// Serves `bench` on 127.0.0.1:`port`: ANSWER, then `commands` − 2 commands alternating
    /// `STREAM FILE hello-world ""` and `GET VARIABLE CALLERID(num)`, then HANGUP; until
    /// `stop` yields.
    public static func serveAGI(port: UInt16, commands: Int, until stop: AsyncStream<Int32>) async throws {
        let router = AGIRouter()
        router.register("bench") { session in
            try await session.answer()
            for index in 0..<max(0, commands - 2) {
                if index % 2 == 0 {
                    _ = try await session.streamFile("hello-world", escapeDigits: "")
                } else {
                    _ = try await session.getVariable("CALLERID(num)")
                }
            }
            try await session.hangup()
        }
        var limits = AGIServer.Limits()
        limits.maxSessions = 20_000
        let server = AGIServer(
            // As `serve` listens: acknowledging every read at once, for Asterisk's FastAGI.
            listener: try Listener(bind: try SocketAddress(host: "127.0.0.1", port: port), backlog: 4096, quickAck: true),
            allow: [try AddressRange(parsing: "127.0.0.0/8")], router: router, limits: limits, logger: .silent
        )
        let serving = Task { await server.run() }
        for await _ in stop { break }
        server.stopAccepting()
        server.closeAll()
        await serving.value
    }

    /// What `connectAMI` measured: the line compare-ami.sh reads.
    public struct AMIRun: Codable, Sendable {
        public var events: Int
        public var events_per_s: Double
        public var lost: Int
        public var out_of_order: Int
        public var ok: Bool
        public var seconds: Double
        /// Events that came before the channel tracker was live (they were kept and applied
        /// to it then); nil if it never was during the run.
        public var tracked_from_event: Int?
    }

    /// Logs in to amifire with the whole client (reader, channel tracker, one subscriber) and
    /// counts events to `Event: FireDone`, checking each `X-Seq` follows the one before.
    /// Throws when no login succeeds within `loginLimit`.
    public static func connectAMI(host: String, port: UInt16, loginLimit: Duration = .seconds(10)) async throws -> AMIRun {
        var settings = AMIClient.Settings(host: host, port: port, username: "bench", secret: Secret("bench"))
        settings.pingInterval = nil
        let client = AMIClient(settings: settings, logger: .silent)
        let feed = client.subscribe(name: "perf")
        let running = Task { await client.run() }
        let watchdog = Task {
            try await Task.sleep(for: loginLimit)
            if client.status.connects == 0 { await client.stop() }
        }
        defer { watchdog.cancel() }
        var received = 0, lost = 0, outOfOrder = 0, expected = 1
        var started: MonotonicTime?
        var count: Int?
        var trackedFrom: Int?
        reading: for await item in feed {
            switch item {
            case .event(let event):
                if event.name == "FireDone" {
                    count = event["Count"].flatMap { Int($0) }
                    break reading
                }
                if started == nil { started = .now() }
                received += 1
                if let sequence = event["X-Seq"].flatMap({ Int($0) }) {
                    if sequence > expected { lost += sequence - expected } else if sequence < expected { outOfOrder += 1 }
                    expected = max(expected, sequence + 1)
                }
            case .resync(let missed): lost += missed
            case .connected: trackedFrom = received
            case .disconnected: break
            }
        }
        let seconds = started?.secondsElapsed ?? 0
        let status = client.status
        await client.stop()
        await running.value
        if status.connects == 0 { throw BenchmarkError("no AMI login at \(host):\(port) within \(loginLimit): \(status.detail)") }
        let ok = count == received && lost == 0 && outOfOrder == 0
        return AMIRun(events: received, events_per_s: seconds > 0 ? Double(received) / seconds : 0, lost: lost + max(0, (count ?? received) - received - lost), out_of_order: outOfOrder, ok: ok, seconds: seconds, tracked_from_event: trackedFrom)
    }
}

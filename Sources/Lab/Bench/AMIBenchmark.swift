import App
import AMI
import Core
import Foundation
import Simulator
import Wire

/// `switchboard bench ami`: how fast the AMI client takes events in, from memory and from a
/// firehose peer on 127.0.0.1, whether any is lost, and whether memory stays flat.
public struct AMIBenchmark: Sendable {
    public struct Options: Sendable {
        /// Events parsed from memory.
        public var memoryEvents = 2_000_000
        /// Events sent over loopback.
        public var socketEvents = 2_000_000
        /// Folder of the ami-*.asterisk.bin captures the events come from.
        public var transcripts = "Tests/Fixtures/asterisk-transcripts"
        /// Path of the panoramisk client script; nil skips the comparison.
        public var panoramiskScript: String?

        public init() {}
    }

    public struct MemoryRun: Codable, Sendable {
        public var events: Int
        public var megabytes: Double
        public var seconds: Double
        public var eventsPerSecond: Double
        public var megabytesPerSecond: Double
        /// Events per second when the channel tracker also applies each one.
        public var trackedEventsPerSecond: Double
    }

    public struct SocketRun: Codable, Sendable {
        public var client: String
        public var events: Int
        public var received: Int
        public var seconds: Double
        public var eventsPerSecond: Double
        public var megabytesPerSecond: Double
        /// Resident memory after each tenth of the run, in MiB (ours only).
        public var residentMiB: [Double]

        init(client: String, events: Int, received: Int, seconds: Double, chunk: [UInt8], residentMiB: [Double]) {
            self.client = client
            self.events = events
            self.received = received
            self.seconds = seconds
            eventsPerSecond = Double(received) / seconds
            megabytesPerSecond = Double(chunk.count) / Double(AMIBenchmark.eventsPerChunk) * eventsPerSecond / 1_000_000
            self.residentMiB = residentMiB
        }
    }

    public struct Report: Codable, Sendable {
        public var corpusEvents: Int
        public var averageEventBytes: Int
        public var memory: MemoryRun
        public var socket: SocketRun
        public var panoramisk: SocketRun?
    }

    public var options: Options
    public var progress: @Sendable (String) -> Void

    public init(options: Options, progress: @escaping @Sendable (String) -> Void) {
        self.options = options
        self.progress = progress
    }

    static let eventsPerChunk = 1000

    public func run() async throws -> Report {
        let corpus = try AMIEventCorpus(folder: options.transcripts)
        let chunk = corpus.encoded(count: Self.eventsPerChunk)
        progress("corpus: \(corpus.events.count) recorded events, \(chunk.count / Self.eventsPerChunk) bytes each on average")

        progress("from memory: \(options.memoryEvents) events")
        let memory = try parseFromMemory(chunk)
        progress(String(format: "  %.0f events/s, %.0f MB/s", memory.eventsPerSecond, memory.megabytesPerSecond))

        progress("over 127.0.0.1: \(options.socketEvents) events through the AMI client")
        let socket = try await overLoopback(chunk)
        progress(String(format: "  %.0f events/s, %d received", socket.eventsPerSecond, socket.received))

        var panoramisk: SocketRun?
        if let script = options.panoramiskScript {
            progress("panoramisk: the same firehose")
            panoramisk = try await runPanoramisk(script: script, chunk: chunk)
            if let panoramisk { progress(String(format: "  %.0f events/s", panoramisk.eventsPerSecond)) }
        }
        return Report(
            corpusEvents: corpus.events.count, averageEventBytes: chunk.count / Self.eventsPerChunk,
            memory: memory, socket: socket, panoramisk: panoramisk
        )
    }

    /// Frames and parses the buffer as the reader does, in 16 KiB reads.
    private func parseFromMemory(_ chunk: [UInt8]) throws -> MemoryRun {
        let rounds = max(1, options.memoryEvents / Self.eventsPerChunk)
        func pass(tracking: Bool) throws -> (events: Int, seconds: Double) {
            var framer = Framer()
            var tracker = ChannelTracker()
            var events = 0
            let started = MonotonicTime.now()
            for _ in 0..<rounds {
                var offset = 0
                while offset < chunk.count {
                    let end = min(chunk.count, offset + 16_384)
                    framer.append(Array(chunk[offset..<end]))
                    offset = end
                    while let block = try framer.nextBlock() {
                        let message = AMIMessage(block: block)
                        if message.kind == .event { events += 1 }
                        if tracking { tracker.apply(AMIEvent(message)) }
                    }
                }
            }
            return (events, started.secondsElapsed)
        }
        let plain = try pass(tracking: false)
        let tracked = try pass(tracking: true)
        let megabytes = Double(chunk.count * rounds) / 1_000_000
        return MemoryRun(
            events: plain.events, megabytes: megabytes, seconds: plain.seconds,
            eventsPerSecond: Double(plain.events) / plain.seconds, megabytesPerSecond: megabytes / plain.seconds,
            trackedEventsPerSecond: Double(tracked.events) / tracked.seconds
        )
    }

    /// The whole client path: reader, tracker, and one subscriber that counts.
    private func overLoopback(_ chunk: [UInt8]) async throws -> SocketRun {
        let (asterisk, serving, port) = try simulatedAsterisk()
        defer {
            asterisk.stop()
            serving.cancel()
        }
        let total = totalEvents
        var settings = AMIClient.Settings(host: "127.0.0.1", port: port, username: "bench", secret: Secret("bench"))
        settings.pingInterval = nil
        settings.subscriberBuffer = 100_000
        let client = AMIClient(settings: settings, logger: .silent)
        let feed = client.subscribe(name: "bench")
        let running = Task { await client.run() }
        var received = 0
        var missed = 0
        var started = MonotonicTime.now()
        var resident: [Double] = []
        let tenth = max(1, total / 10)
        for await item in feed {
            switch item {
            case .connected:
                started = MonotonicTime.now()
                Task { await asterisk.firehose(chunk, times: total / Self.eventsPerChunk) }
            case .event: received += 1
            case .resync(let count): missed += count
            case .disconnected: break
            }
            if received % tenth == 0, case .event = item {
                resident.append(Double(ProcessMemory.residentBytes()) / 1_048_576)
            }
            if received + missed >= total { break }
        }
        let seconds = started.secondsElapsed
        await client.stop()
        await running.value
        return SocketRun(client: "switchboard", events: total, received: received, seconds: seconds, chunk: chunk, residentMiB: resident)
    }

    /// `socketEvents`, in whole chunks.
    private var totalEvents: Int { max(1, options.socketEvents / Self.eventsPerChunk) * Self.eventsPerChunk }

    /// The simulator's manager interface on a free loopback port, with a `bench` account.
    private func simulatedAsterisk() throws -> (SimulatedAMIServer, Task<Void, Never>, port: UInt16) {
        let asterisk = SimulatedAMIServer(
            listener: try Listener(bind: try SocketAddress(host: "127.0.0.1", port: 0)), accounts: ["bench": "bench"], logger: .silent
        )
        guard case .ipv4(_, let port) = asterisk.localAddress else { throw BenchmarkError("no loopback port") }
        return (asterisk, Task { await asterisk.run() }, port)
    }

    private func runPanoramisk(script: String, chunk: [UInt8]) async throws -> SocketRun {
        let (asterisk, serving, port) = try simulatedAsterisk()
        defer {
            asterisk.stop()
            serving.cancel()
        }
        let total = totalEvents
        let peer = try PeerProcess(["python3", script, "--port", String(port), "--events", String(total)])
        defer { peer.stop() }
        let deadline = MonotonicTime.after(.seconds(20))
        while asterisk.eventSessions == 0 {
            guard MonotonicTime.now() < deadline else { throw BenchmarkError("the panoramisk client did not log in (is it installed? pip install panoramisk)") }
            try await Task.sleep(for: .milliseconds(10))
        }
        let firing = Task { await asterisk.firehose(chunk, times: total / Self.eventsPerChunk) }
        let output = await peer.wholeOutput()
        firing.cancel()
        guard let result = try? JSONDecoder().decode(PanoramiskResult.self, from: Data(output.utf8)) else {
            throw BenchmarkError("the panoramisk client failed: \(output.prefix(300))")
        }
        return SocketRun(client: "panoramisk", events: total, received: result.received, seconds: result.seconds, chunk: chunk, residentMiB: [])
    }

    private struct PanoramiskResult: Decodable {
        var received: Int
        var seconds: Double
    }
}

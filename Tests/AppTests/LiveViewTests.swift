import Config
import Core
import Foundation
import Simulator
import Synchronization
import Testing
import Wire
@testable import App
@testable import SwitchboardCLI

/// The wallboard's subscription and `/metrics` of a server running in this process, with a
/// simulated caller in a queue no agent serves.
@Suite(.timeLimit(.minutes(1))) struct LiveViewTests {
    final class Served {
        let folder: String
        let configPath: String
        let config: SwitchboardConfig
        private let stopping: AsyncStream<Int32>.Continuation
        private let serving: Task<Void, any Error>
        let client: ControlClient
        var status: StatusReport!

        /// `extraConfig` is added to the configuration; `files` (name → text) are written beside it.
        init(extraConfig: String = "", files: [String: String] = [:]) async throws {
            folder = temporaryPath("live")
            try FileManager.default.createDirectory(atPath: folder + "/flows", withIntermediateDirectories: true)
            for (name, text) in files { try text.write(toFile: folder + "/" + name, atomically: true, encoding: .utf8) }
            try "[flow]\nstart = wait\n[wait]\ntype = queue\nqueue = support\nskills = support:2\nnext = bye\n[bye]\ntype = hangup\n"
                .write(toFile: folder + "/flows/q.conf", atomically: true, encoding: .utf8)
            if files["queues.conf"] == nil {
                try "[support]\nskills = support:2\nshort_abandon = 1\nservice_level = 20\nservice_level_target = 90\n"
                    .write(toFile: folder + "/queues.conf", atomically: true, encoding: .utf8)
            }
            configPath = folder + "/sb.conf"
            try """
                [general]
                database = sb.db
                [agi]
                port = 0
                [ivr]
                flows = flows
                [acd]
                queues = queues.conf
                [control]
                socket = sb.ctl
                [metrics]
                listen = 127.0.0.1:0

                """.appending(extraConfig).write(toFile: configPath, atomically: true, encoding: .utf8)
            config = try SwitchboardConfig.load(path: configPath).0
            let (stop, stopping) = AsyncStream.makeStream(of: Int32.self)
            self.stopping = stopping
            let server = SwitchboardServer(config: config, logger: .silent)
            serving = Task { try await server.run(until: stop) }
            client = ControlClient(path: config.control.socketPath)
            for _ in 0..<500 where status == nil {
                status = try? await client.send("status", as: StatusReport.self)
                if status == nil { try await Task.sleep(for: .milliseconds(10)) }
            }
            #expect(status != nil)
        }

        /// `host:port` of a status line's detail (`127.0.0.1:4573`, `http://127.0.0.1:9273/metrics`).
        func address(_ detail: String?) throws -> SocketAddress {
            let text = (detail ?? "").replacingOccurrences(of: "http://", with: "").replacingOccurrences(of: "/metrics", with: "")
            let parts = text.split(separator: ":")
            return try SocketAddress(host: String(parts[0]), port: UInt16(parts[1]) ?? 0)
        }

        func run(_ words: [String]) async -> (code: Int32, out: String, err: String) {
            let capture = CapturedTerminal()
            let code = await Switchboard.run(words + ["--config", configPath], terminal: capture.terminal)
            return (code, capture.standardOutput, capture.standardError)
        }

        /// The body of `GET /metrics`.
        func scrape() async throws -> String {
            let connection = try await Connection.connect(to: try address(status.metrics.detail))
            defer { connection.close() }
            try await connection.write("GET /metrics HTTP/1.1\r\nHost: switchboard\r\n\r\n")
            var answer: [UInt8] = []
            while true {
                let bytes = try await connection.read(deadline: .after(.seconds(5)))
                if bytes.isEmpty { break }
                answer += bytes
            }
            let text = String(decoding: answer, as: UTF8.self)
            #expect(text.hasPrefix("HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4"))
            return String(text[text.range(of: "\r\n\r\n")!.upperBound...])
        }

        func stop() async throws {
            stopping.yield(SIGTERM)
            try await serving.value
            try? FileManager.default.removeItem(atPath: folder)
        }

        /// Stops the server, keeping its files, and serves them again.
        func restart() async throws -> Served {
            stopping.yield(SIGTERM)
            try await serving.value
            return try await Served(reusing: self)
        }

        private init(reusing old: Served) async throws {
            folder = old.folder
            configPath = old.configPath
            config = old.config
            let (stop, stopping) = AsyncStream.makeStream(of: Int32.self)
            self.stopping = stopping
            let server = SwitchboardServer(config: config, logger: .silent)
            serving = Task { try await server.run(until: stop) }
            client = old.client
            for _ in 0..<500 where status == nil {
                status = try? await client.send("status", as: StatusReport.self)
                if status == nil { try await Task.sleep(for: .milliseconds(10)) }
            }
        }

        /// A simulated Asterisk that runs the queue flow on this server, its phones behaving so.
        func pbx(_ endpoints: [String: EndpointBehaviour] = [:]) throws -> SimulatedPBX {
            var configuration = SimulatedPBX.Configuration(agiServer: try address(status.agi.detail))
            configuration.script = "ivr/q"
            configuration.endpoints = endpoints
            return SimulatedPBX(configuration)
        }
    }

    /// Frames as they arrive on a subscription, until cancelled.
    final class Frames: Sendable {
        private final class Received: Sendable {
            let frames = Mutex<[WallboardFrame]>([])
        }

        private let received = Received()
        let task: Task<Void, Never>

        init(_ client: ControlClient, queues: String? = nil) {
            let received = received
            task = Task {
                try? await client.subscribe("wallboard", arguments: queues.map { ["queues": $0] } ?? [:], as: WallboardFrame.self) { _, frame in
                    received.frames.withLock { $0.append(frame) }
                }
            }
        }

        /// The first frame that `matches`, waiting up to 10 s for it.
        func first(where matches: (WallboardFrame) -> Bool) async throws -> WallboardFrame? {
            let deadline = ContinuousClock.now + .seconds(10)
            while ContinuousClock.now < deadline {
                if let frame = received.frames.withLock({ $0.first(where: matches) }) { return frame }
                try await Task.sleep(for: .milliseconds(5))
            }
            return nil
        }
    }

    @Test func theWallboardIsPushedACallerAtTheJoinAndCountsItsEnd() async throws {
        let served = try await Served()
        let frames = Frames(served.client)
        defer { frames.task.cancel() }
        let idle = try await frames.first { $0.queues.contains { $0.name == "support" } }
        #expect(idle?.queues.first { $0.name == "support" }?.waiting == 0)
        #expect(idle?.queues.first?.serviceLevelTarget == 0.9)

        let pbx = try served.pbx()
        // Waits 2 s, past the queue's 1 s short-abandon threshold: an abandon.
        async let call = pbx.call(from: "13800000001", dnis: "400", caller: CallerScript(hangupAfter: 2))
        let joined = try await frames.first { $0.queues.first { $0.name == "support" }?.waiting == 1 }
        let waiting = try #require(joined?.queues.first { $0.name == "support" })
        // The frame was made this long after the caller joined: pushed at the join, not at the
        // next of the once-a-second frames. (Its speed is `switchboard bench wallboard`'s.)
        #expect(waiting.longestWaitSeconds < 0.9, "first frame with the caller came \(waiting.longestWaitSeconds) s after the join")
        _ = try await call
        let ended = try await frames.first { $0.queues.first { $0.name == "support" }?.abandoned == 1 }
        let today = try #require(ended?.queues.first { $0.name == "support" })
        #expect((today.waiting, today.offered, today.answered, today.abandoned) == (0, 1, 0, 1))
        #expect(today.serviceLevel == 0)

        let page = try await served.scrape()
        #expect(page.contains("\nswitchboard_calls_total{outcome=\"abandoned\"} 1\n"))
        #expect(page.contains("\nswitchboard_agi_sessions_total 1\n"))
        #expect(page.contains("\nswitchboard_queue_waiting{queue=\"support\"} 0\n"))
        try await served.stop()
    }

    /// Every line of the page is a comment of the text format or a sample of a family declared
    /// before it; histogram buckets grow and end at `_count`.
    @Test func theMetricsPageFollowsPrometheusTextFormat() async throws {
        let served = try await Served()
        #expect(served.status.metrics.state == "serving")
        let page = try await served.scrape()
        try await served.stop()
        #expect(page.hasSuffix("\n"))
        let name = "[a-zA-Z_:][a-zA-Z0-9_:]*"
        let label = "[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\[\\\\\"n])*\""
        let value = "(?:[-+]?[0-9]*\\.?[0-9]+(?:[eE][-+]?[0-9]+)?|[-+]Inf|NaN)"
        let sample = try Regex("^(\(name))(?:\\{\(label)(?:,\(label))*\\})? \(value)$")
        let type = try Regex("^# TYPE (\(name)) (counter|gauge|histogram|summary|untyped)$")
        let help = try Regex("^# HELP \(name) .*$")
        var families: [String: String] = [:]
        var buckets: [Double] = []
        for line in page.split(separator: "\n").map(String.init) {
            if let match = line.wholeMatch(of: type) {
                let family = String(match.output[1].substring!)
                #expect(families[family] == nil, "\(family) declared twice")
                families[family] = String(match.output[2].substring!)
            } else if line.wholeMatch(of: help) == nil {
                let match = try #require(line.wholeMatch(of: sample), "not a sample line: \(line)")
                let metric = String(match.output[1].substring!)
                let family = families.keys.first { family in
                    metric == family || (families[family] == "histogram" && ["_bucket", "_sum", "_count"].contains { metric == family + $0 })
                }
                #expect(family != nil, "\(metric) has no TYPE before it")
                let number = Double(line.split(separator: " ").last!.replacingOccurrences(of: "+Inf", with: "inf"))!
                if metric.hasSuffix("_bucket") { buckets.append(number) }
                if metric == "switchboard_store_write_seconds_count" { #expect(buckets.last == number) }
            }
        }
        #expect(buckets == buckets.sorted() && !buckets.isEmpty)
        try await Self.promtool(page)
        for family in ["switchboard_queue_waiting", "switchboard_agents", "switchboard_calls_total", "switchboard_agi_sessions", "switchboard_store_write_seconds"] {
            #expect(families[family] != nil, "\(family) missing")
        }
    }

    /// Prometheus' own checker (Debian's prometheus package), when it is installed.
    static func promtool(_ page: String) async throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/promtool") else {
            return print("skipped: no promtool to check the metrics page with (apt-get install prometheus)")
        }
        let input = temporaryPath("metrics.txt")
        let output = temporaryPath("promtool.txt")
        try page.write(toFile: input, atomically: true, encoding: .utf8)
        _ = FileManager.default.createFile(atPath: output, contents: nil)
        defer { for file in [input, output] { try? FileManager.default.removeItem(atPath: file) } }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/promtool")
        process.arguments = ["check", "metrics"]
        process.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: input))
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
        process.standardError = process.standardOutput
        try process.run()
        try await awaitExit(process, within: .seconds(30))
        let said = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        #expect(process.terminationStatus == 0 && said.isEmpty, "promtool check metrics: \(said)")
    }

    @Test func onceDrawsOneFrameAndAnUnknownQueueIsNamed() async throws {
        let served = try await Served()
        let once = await served.run(["wallboard", "support", "--once"])
        #expect(once.code == 0, "\(once.err)")
        let lines = once.out.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("Switchboard wallboard — ") == true)
        #expect(lines.contains { $0.hasPrefix("support ") && $0.contains("90% in 20s") })
        #expect(lines.contains("no agent logged in"))
        let json = await served.run(["wallboard", "--once", "--json"])
        let frame = try JSONDecoder.iso8601.decode(WallboardFrame.self, from: Data(json.out.utf8))
        #expect(frame.queues.map(\.name) == ["support"])
        let unknown = await served.run(["wallboard", "support", "nosuch", "--once"])
        #expect(unknown.code == 1)
        #expect(unknown.err == "switchboard: error: no queue 'nosuch' (queues: support)\n")
        try await served.stop()
    }
}

extension JSONDecoder {
    static var iso8601: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}

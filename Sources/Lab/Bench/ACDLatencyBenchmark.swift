import App
import AMI
import Config
import Core
import Foundation
import Synchronization
import Wire

/// `switchboard bench acd --asterisk DIR`: the ACD against a real Asterisk (an AsteriskLab),
/// measured from Asterisk's own AMI events as a watcher beside the server receives them:
/// - join → ring: a caller's queue entry (the reply to the flow's ANSWER: the queue node is
///   next) to the DialBegin of their agent, with an agent free;
/// - agent free → next ring: an agent's leg hanging up (Hangup) to the DialBegin of that agent's
///   next call, with callers waiting.
public struct ACDLatencyBenchmark {
    public struct Options: Sendable {
        public var build: String
        public var projectRoot: String
        public var calls = 110
        public var agents = 4
        public var talkSeconds = 2
        public init(build: String, projectRoot: String) {
            self.build = build
            self.projectRoot = projectRoot
        }
    }

    public struct Report: Codable, Sendable {
        public var calls: Int
        public var agents: Int
        public var joinToRing: LatencySummary
        public var freeToRing: LatencySummary
        public var unanswered: Int
        public var agentDigits: Int
    }

    let options: Options
    let progress: @Sendable (String) -> Void

    public init(options: Options, progress: @escaping @Sendable (String) -> Void) {
        self.options = options
        self.progress = progress
    }

    typealias Stamped = (at: MonotonicTime, event: AMIEvent)

    public func run() async throws -> Report {
        let agiPort = try AsteriskLab.freePort()
        let lab = try AsteriskLab(build: options.build, projectRoot: options.projectRoot, agiPort: agiPort, extraDialplan: """

            ; The benchmark's callers: answered, then straight into the queue.
            [bench-in]
            exten => _X.,1,Answer()
             same => n,AGI(agi://127.0.0.1:\(agiPort)/ivr/bench)
             same => n,Hangup()
            """)
        progress("starting Asterisk in \(lab.folder)")
        try await lab.start()
        do {
            let report = try await serve(lab)
            await lab.stop()
            return report
        } catch {
            await lab.stop()
            throw error
        }
    }

    private func serve(_ lab: AsteriskLab) async throws -> Report {
        let folder = lab.folder + "/sb"
        try FileManager.default.createDirectory(atPath: folder + "/ivr", withIntermediateDirectories: true)
        try "[flow]\nstart = q\n[q]\ntype = queue\nqueue = bench\nskills = bench:1\n".write(toFile: folder + "/ivr/bench.conf", atomically: true, encoding: .utf8)
        try "[bench]\nskills = bench:1\nring_timeout = 10\nwrapup = 0\nmax_wait = 600\nannounce_every = 0\n".write(toFile: folder + "/queues.conf", atomically: true, encoding: .utf8)
        try (1...options.agents).map { "[\(1000 + $0)]\nname = Agent \($0)\nendpoint = Local/\(1000 + $0)@agents\nskills = bench:1\npin = \(1000 + $0)\n" }
            .joined(separator: "\n").write(toFile: folder + "/agents.conf", atomically: true, encoding: .utf8)
        let configPath = try lab.writeSwitchboardConfig(in: folder, loginAtStart: true, logLevel: "warning")
        let config = try SwitchboardConfig.load(path: configPath).0

        let events = EventLog()
        let watcher = try await AMIConnection.connect(to: try SocketAddress(host: "127.0.0.1", port: lab.amiPort), logger: .silent) { read in
            events.append(read)
        }
        try await watcher.login(username: AsteriskLab.observerUser, secret: Secret(AsteriskLab.observerSecret))
        let (shutdown, stop) = AsyncStream.makeStream(of: Int32.self)
        let server = SwitchboardServer(config: config, logger: Logger(label: "switchboard", level: .warning, sink: StreamLogSink()))
        let serving = Task { try await server.run(until: shutdown) }
        do {
            let report = try await measure(lab, events: events, watcher: watcher)
            stop.yield(SIGTERM)
            _ = await serving.result
            watcher.close()
            return report
        } catch {
            stop.yield(SIGTERM)
            _ = await serving.result
            watcher.close()
            throw error
        }
    }

    private func measure(_ lab: AsteriskLab, events: EventLog, watcher: AMIConnection) async throws -> Report {
        try await waitUntil("the server's AMI login", seconds: 20) { events.all.contains { $0.event.name == "SuccessfulAuth" && $0.event.message["AccountID"] == AsteriskLab.amiUser } }
        try await Task.sleep(for: .milliseconds(300))

        // Join → ring: one caller at a time, an agent always free.
        let sequential = min(50, options.calls / 2)
        progress("join → ring: \(sequential) callers one at a time")
        for index in 0..<sequential {
            try await waitUntil("a free agent", seconds: 30) { agentLegsUp(events.all) < options.agents }
            try await originate(watcher, number: 13_900_000_000 + index, talk: 1)
            try await waitUntil("caller \(index)'s ring", seconds: 20) { rings(events.all) > index }
        }
        try await waitUntil("the agents free again", seconds: 30) { agentLegsUp(events.all) == 0 }
        let joinToRing = Self.joinToRing(events.all)

        // Free → ring: every caller at once, more than the agents; each agent freed rings the next.
        let backlog = max(0, options.calls - sequential)
        progress("agent free → next ring: \(backlog) callers for \(options.agents) agents")
        let before = events.all.count
        for index in 0..<backlog {
            try await originate(watcher, number: 13_800_000_000 + index, talk: options.talkSeconds)
        }
        try await waitUntil("every caller answered", seconds: Double(backlog * (options.talkSeconds + 3)) / Double(options.agents) + 60) {
            rings(Array(events.all[before...])) >= backlog
        }
        try await waitUntil("the last calls to end", seconds: 60) { agentLegsUp(events.all) == 0 }
        let later = Array(events.all[before...])
        let all = events.all
        return Report(
            calls: sequential + backlog, agents: options.agents, joinToRing: joinToRing, freeToRing: Self.freeToRing(later),
            unanswered: sequential + backlog - rings(all),
            agentDigits: all.filter { if case .dtmf(let snapshot, _, _, _) = $0.event.kind { snapshot.channel.contains("@agents-") } else { false } }.count
        )
    }

    private func originate(_ watcher: AMIConnection, number: Int, talk: Int) async throws {
        var action = AMIAction.originate(
            channel: "Local/4008@bench-in", context: "caller", exten: "idle", priority: 1, callerID: "\"Bench\" <\(number)>",
            timeout: .seconds(30), variables: [("IDLE_SECS", "120"), ("_TALK_SECS", String(talk))]
        )
        action.completesWithOriginateResponse = false
        _ = try await watcher.send(action, timeout: .seconds(10))
    }

    private func waitUntil(_ what: String, seconds: Double, _ done: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while !done() {
            guard ContinuousClock.now < deadline else { throw BenchmarkError("no \(what) within \(Int(seconds)) s") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// DialBegins to agents.
    private func rings(_ events: [Stamped]) -> Int {
        events.filter { if case .dialBegin(_, let destination, _) = $0.event.kind { destination.channel.contains("@agents-") } else { false } }.count
    }

    /// Agents' legs begun and not yet hung up.
    private func agentLegsUp(_ events: [Stamped]) -> Int {
        var up: Set<String> = []
        for item in events {
            switch item.event.kind {
            case .dialBegin(_, let destination, _) where destination.channel.contains("@agents-"): up.insert(destination.channel)
            case .hangup(let snapshot, _, _): up.remove(snapshot.channel)
            default: break
            }
        }
        return up.count
    }

    /// The reply to each flow's ANSWER (the caller enters the queue) to the agent's DialBegin.
    static func joinToRing(_ events: [Stamped]) -> LatencySummary {
        var joined: [String: MonotonicTime] = [:]
        var samples: [UInt64] = []
        for item in events {
            switch item.event.kind {
            case .agiExecEnd(let snapshot, "ANSWER", _, _, _): joined[snapshot.channel] = item.at
            case .dialBegin(let caller?, let destination, _) where destination.channel.contains("@agents-"):
                if let at = joined.removeValue(forKey: caller.channel) { samples.append(item.at.nanoseconds - at.nanoseconds) }
            default: break
            }
        }
        return LatencySummary(nanoseconds: samples)
    }

    /// Each agent leg's Hangup to the next DialBegin of the same agent (`Local/1001@agents`).
    static func freeToRing(_ events: [Stamped]) -> LatencySummary {
        func agent(of channel: String) -> String? {
            guard channel.contains("@agents-"), let dash = channel.lastIndex(of: "-") else { return nil }
            return String(channel[..<dash])
        }
        var freed: [String: MonotonicTime] = [:]
        var samples: [UInt64] = []
        for item in events {
            switch item.event.kind {
            case .hangup(let snapshot, _, _) where snapshot.channel.hasSuffix(";1"):
                if let agent = agent(of: snapshot.channel) { freed[agent] = item.at }
            case .dialBegin(_, let destination, _):
                if let agent = agent(of: destination.channel), let at = freed.removeValue(forKey: agent) {
                    samples.append(item.at.nanoseconds - at.nanoseconds)
                }
            default: break
            }
        }
        return LatencySummary(nanoseconds: samples)
    }
}

/// AMI events with the moment each arrived, as a watcher of a lab records them.
public final class EventLog: Sendable {
    private let events = Mutex<[(at: MonotonicTime, event: AMIEvent)]>([])

    public init() {}

    /// Records the events of one read, all with the moment it arrived.
    public func append(_ read: [AMIEvent]) {
        let now = MonotonicTime.now()
        events.withLock { $0.append(contentsOf: read.map { (now, $0) }) }
    }

    public var all: [(at: MonotonicTime, event: AMIEvent)] { events.withLock { $0 } }
}

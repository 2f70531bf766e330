import Lab
import App
import Config
import Core
import Foundation
import Simulator
import Store
import Wire

/// `switchboard demo`: the whole system on one machine, no PBX needed.
enum DemoCommand {
    static let spec = CommandSpec(
        name: "demo",
        summary: "run Switchboard with a simulated Asterisk, agents and callers, then summarise",
        discussion: """
            Creates a throwaway configuration and database (sample agents with skills, customers,
            the sample IVR flows from dialplans/ivr), starts the server and the simulator together
            on free 127.0.0.1 ports, runs simulated calls quickly (a Tuesday at 10:00, office
            hours), and ends with a summary and where to look next. Run it from the project folder.
            """,
        options: [
            .value("calls", "N", "callers in all (default 60)"),
            .value("speed", "X", "simulated seconds per real second (default 120)"),
            .value("seed", "S", "random seed (default 1)"),
            .value("flows", "DIR", "the IVR flows to run (default: dialplans/ivr in this folder)"),
        ],
        action: run
    )

    static let agents = [
        Agent(id: "1001", name: "Li Wei", endpoint: "PJSIP/1001", skills: ["sales": 4, "support": 2], languages: ["zh", "en"]),
        Agent(id: "1002", name: "Ann Lee", endpoint: "PJSIP/1002", skills: ["support": 4], languages: ["en"]),
        Agent(id: "1003", name: "Wang Fang", endpoint: "PJSIP/1003", skills: ["support": 3, "sales": 2], languages: ["zh"]),
        Agent(id: "1004", name: "Chen Jie", endpoint: "PJSIP/1004", skills: ["sales": 3, "support": 3], languages: ["zh", "en"]),
        Agent(id: "1005", name: "Maria Gomez", endpoint: "PJSIP/1005", skills: ["sales": 3, "support": 3], languages: ["en"]),
        Agent(id: "1006", name: "Zhang Wei", endpoint: "PJSIP/1006", skills: ["support": 4, "sales": 2], languages: ["zh"]),
    ]

    static let customers = [
        CustomerDraft(name: "Zhou Min", phones: ["+86 139 0000 0001"], vipTier: 2, language: "zh"),
        CustomerDraft(name: "Sun Li", phones: ["13900000002"], vipTier: 3, language: "zh"),
        CustomerDraft(name: "Mark Hill", phones: ["+86 139 0000 0003"], vipTier: 1, language: "en"),
        CustomerDraft(name: "Liu Yang", phones: ["8613900000004"], language: "zh"),
    ]

    @Sendable static func run(_ parsed: ParsedCommand, _ terminal: Terminal) async throws {
        var options = SimulatedTraffic.Options()
        options.calls = try parsed.integer("calls", default: 60, range: 1...100_000)
        options.speed = try parsed.number("speed", default: 120, range: 1...10_000)
        options.seed = UInt64(try parsed.integer("seed", default: 1, range: 0...Int.max))
        options.agents = agents.count
        options.rate = 0.05
        options.talk = 20...90
        // The language menu (1 Mandarin, 2 English), then the main menu (1 sales, 2 support, 3 status, 0 operator).
        options.presses = [(1...2, "1112"), (5...7, "111222230")]
        options.knownNumbers = ["13900000001", "13900000002", "13900000003", "13900000004"]

        let flows = parsed.value("flows").map { URL(fileURLWithPath: $0).standardized.path } ?? FileManager.default.currentDirectoryPath + "/dialplans/ivr"
        guard FileManager.default.fileExists(atPath: flows + "/main.conf") else {
            throw StartupError("\(flows)/main.conf not found: run 'switchboard demo' from the project folder")
        }
        // The simulated Asterisk's manager interface: Switchboard's AMI client logs in to it, and
        // the ACD wakes holding callers through it.
        let asterisk = SimulatedAMIServer(listener: try Listener(bind: try SocketAddress(host: "127.0.0.1", port: 0)), accounts: ["switchboard": "demo-secret"], logger: .silent)
        let amiServing = Task { await asterisk.run() }
        defer {
            asterisk.stop()
            amiServing.cancel()
        }
        guard case .ipv4(_, let amiPort) = asterisk.localAddress else { throw StartupError("no loopback port for the simulated AMI") }
        let folder = NSTemporaryDirectory() + "switchboard-demo-\(getpid())"
        try FileManager.default.createDirectory(atPath: folder + "/recordings", withIntermediateDirectories: true)
        let configPath = folder + "/switchboard.conf"
        try """
            ; Written by 'switchboard demo'. Try: switchboard status --config \(configPath)
            [general]
            database = switchboard.db
            recordings = recordings
            loglevel = warning
            country_code = 86
            national_length = 11
            [agi]
            port = 0
            [ami]
            port = \(amiPort)
            username = switchboard
            secret = demo-secret
            [acd]
            login_at_start = yes
            [ivr]
            flows = \(flows)
            [control]
            socket = switchboard.ctl
            """.write(toFile: configPath, atomically: true, encoding: .utf8)
        let (config, _) = try SwitchboardConfig.load(path: configPath)
        options.recordingsFolder = config.general.recordingsPath

        terminal.printError("demo folder: \(folder)")
        let store = try await Store.open(path: config.general.databasePath, plan: config.general.phoneNumbers)
        for agent in agents { try await store.addAgent(agent, pin: "1234") }
        for customer in customers { try await store.addCustomer(customer) }
        store.close()
        terminal.printError("\(agents.count) agents, \(customers.count) customers, flows from \(flows)")

        let officeHours = Self.tuesdayTen()
        let traffic = SimulatedTraffic(options: options)
        let total = options.calls
        var summary: SimulatedTraffic.Summary?
        var report: QueueReport?
        try await RunningServer.with(config, terminal: terminal, clock: { officeHours }, pace: options.speed) { agi in
            // Callers once Switchboard's AMI client is in (it wakes holding callers through it).
            let control = ControlClient(path: config.control.socketPath)
            for _ in 0..<200 {
                if (try? await control.send("status", as: StatusReport.self))?.ami.state == "connected" { break }
                try await Task.sleep(for: .milliseconds(10))
            }
            terminal.printError("server listening for FastAGI on \(agi), AMI connected; \(total) callers arriving")
            summary = await traffic.run(against: agi, ami: asterisk) { progress in
                terminal.progress(
                    "  \(progress.finished)/\(total) calls done: \(progress.answered) with an agent, \(progress.abandoned) hung up waiting",
                    done: progress.finished, total: total
                )
            }
            report = try? await ControlClient(path: config.control.socketPath).send("queue-show", as: QueueReport.self)
        }
        let reader = try await Store.open(path: config.general.databasePath, readOnly: true, plan: config.general.phoneNumbers)
        let outcomes = try await reader.callOutcomes()
        let answered = try await reader.calls(CallFilter(outcome: .answered, limit: 10_000_000))
        reader.close()
        let recordings = (try? FileManager.default.contentsOfDirectory(atPath: config.general.recordingsPath).count) ?? 0
        let handle = HandleTimes(answered, pace: options.speed)
        terminal.print(render(summary!, outcomes: outcomes, handle: handle, recordings: recordings, folder: folder, configPath: configPath, dialLatency: report?.dialLatency))
    }

    /// Answered calls' mean talk and wrap-up, from their records (talk from AMI's bridge
    /// events), in the simulation's seconds.
    struct HandleTimes {
        var calls: Int
        var talk: Double
        var wrapUp: Double

        init(_ answered: [CallRecord], pace: Double) {
            calls = answered.count
            func mean(_ values: [Double]) -> Double { values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count) }
            talk = mean(answered.compactMap(\.talkSeconds)) * pace
            wrapUp = mean(answered.compactMap(\.wrapUpSeconds))
        }
    }

    static func render(
        _ summary: SimulatedTraffic.Summary, outcomes: [String: Int], handle: HandleTimes, recordings: Int, folder: String, configPath: String,
        dialLatency: LatencySummary?
    ) -> String {
        let names = Dictionary(uniqueKeysWithValues: agents.map { ($0.endpoint, "\($0.name) (\($0.id))") })
        var lines = [
            "",
            "Switchboard demo: \(summary.calls) calls, \(String(format: "%.0f", summary.simulatedSeconds / 60)) simulated minutes in \(String(format: "%.1f", summary.realSeconds)) s",
            "  with an agent:   \(summary.answered)  (mean wait \(String(format: "%.0f", summary.meanWaitSeconds)) s from the first ring of the call)",
            "  hung up waiting: \(summary.abandoned)",
            "  other endings:   \(summary.unanswered)  (voicemail, operator, self-service)",
            "  how calls ended: " + outcomes.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "),
            String(format: "  handle time:     talk %.0f s + wrap-up %.0f s on average over %d answered calls (simulated seconds)", handle.talk, handle.wrapUp, handle.calls),
            "  recordings:      \(recordings) voicemail and call files",
            dialLatency.map { String(format: "  agent chosen → phone dialled: p50 %.1f ms, p99 %.1f ms (%d calls)", $0.p50Microseconds / 1000, $0.p99Microseconds / 1000, $0.count) } ?? "",
            "  handled by agent:",
        ]
        lines += summary.handledByAgent.sorted { $0.key < $1.key }.map { "    \(names[$0.key] ?? $0.key): \($0.value)" }
        lines += [
            "",
            "Where to look next:",
            "  switchboard agents list --config \(configPath)",
            "  switchboard customers list --config \(configPath)",
            "  switchboard flows show main --config \(configPath)",
            "  switchboard flows try main --caller 13900000001 --config \(configPath)",
            "  switchboard calls list --config \(configPath)",
            "  switchboard calls show UNIQUEID --config \(configPath)",
            "  ls \(folder)/recordings",
        ]
        return lines.joined(separator: "\n")
    }

    /// The coming Tuesday (or today, if Tuesday) at 10:00 local time: office hours in the sample flow.
    static func tuesdayTen() -> Date {
        let calendar = Calendar(identifier: .gregorian)
        var date = calendar.startOfDay(for: Date())
        while calendar.component(.weekday, from: date) != 3 { date = calendar.date(byAdding: .day, value: 1, to: date)! }
        return calendar.date(byAdding: .hour, value: 10, to: date)!
    }
}

import AMI
import Core
import Foundation
import Glibc
import Simulator
import Store
import Testing
import Wire
@testable import App
@testable import SwitchboardCLI

/// `switchboard serve` as a real child process, the way systemd runs it.
@Suite(.timeLimit(.minutes(1))) struct ServeProcessTests {
    @Test func startsAnswersStatusAndStopsCleanlyOnSIGTERM() async throws {
        let folder = temporaryPath("serve")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let config = folder + "/switchboard.conf"
        try """
            [general]
            database = sb.db
            [agi]
            port = 0
            [ami]
            username = switchboard
            secret = s3cret-never-logged
            [control]
            socket = run/sb.ctl
            """.write(toFile: config, atomically: true, encoding: .utf8)

        let server = try ChildProcess(arguments: ["serve", "--config", config])
        let client = ControlClient(path: folder + "/run/sb.ctl")
        let report = try await waitForStatus(client, while: server)
        #expect(report.pid == server.pid)
        #expect(report.configFile == config)
        #expect(report.ami.state != "not configured")
        #expect(report.agi.state == "listening")
        #expect(report.agi.detail?.hasPrefix("127.0.0.1:") == true)
        #expect(report.agi.counts["active sessions"] == 0)

        server.signal(SIGTERM)
        let status = try await server.waitForExit(within: .seconds(10))
        #expect(status == 0)
        let log = server.standardError()
        // Idle, it stops at once: nothing is left for the drain period to close.
        #expect(!log.contains("drain period over"))
        #expect(log.contains("received SIGTERM, shutting down"))
        #expect(log.contains("switchboard stopped"))
        #expect(!log.contains("s3cret-never-logged"))
        #expect(!FileManager.default.fileExists(atPath: folder + "/run/sb.ctl"))
    }

    /// The server connects to the configured Asterisk, and `status` and `channels` report what it sees.
    @Test func amiStateAndLiveChannelsThroughTheControlSocket() async throws {
        let asterisk = SimulatedAMIServer(
            listener: try Listener(bind: try SocketAddress(host: "127.0.0.1", port: 0)),
            accounts: ["switchboard": "s3cret"], logger: .silent
        )
        let serving = Task { await asterisk.run() }
        defer { asterisk.stop() }
        guard case .ipv4(_, let port) = asterisk.localAddress else { return }
        asterisk.setChannels([AMIMessage([
            ("Event", "CoreShowChannel"), ("Channel", "PJSIP/1001-00000001"), ("ChannelState", "6"), ("ChannelStateDesc", "Up"),
            ("CallerIDNum", "13800138000"), ("CallerIDName", "Li Wei"), ("Context", "switchboard-inbound"), ("Exten", "400"),
            ("Priority", "2"), ("Uniqueid", "1795460400.1"), ("Linkedid", "1795460400.1"), ("Application", "AGI"),
            ("ApplicationData", "agi://127.0.0.1:4573/ivr/main"), ("BridgeId", ""),
        ])])
        let folder = temporaryPath("serve-ami")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let config = folder + "/switchboard.conf"
        try "[general]\ndatabase = sb.db\n[agi]\nport = 0\n[ami]\nport = \(port)\nusername = switchboard\nsecret = s3cret\n[control]\nsocket = sb.ctl\n"
            .write(toFile: config, atomically: true, encoding: .utf8)
        // A caller who asked to be called back before the last restart.
        let store = try await Store.open(path: folder + "/sb.db")
        try await store.addCallback(PendingCallback(
            uniqueID: "1795460300.7", number: "13800138001", queue: "support", queueSkills: ["support": 2], queuePriority: 0,
            extraPriority: 0, extraSkills: [:], waitingSince: Date(timeIntervalSinceNow: -120), requestedAt: Date(timeIntervalSinceNow: -60)
        ))
        store.close()
        let server = try ChildProcess(arguments: ["serve", "--config", config])
        defer { server.signal(SIGKILL) }
        let client = ControlClient(path: folder + "/sb.ctl")
        var report = try await waitForStatus(client, while: server)
        let deadline = ContinuousClock.now + .seconds(10)
        while report.ami.state != "connected", ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
            report = try await client.send("status", as: StatusReport.self)
        }
        #expect(report.ami.state == "connected")
        #expect(report.ami.counts["live channels"] == 1)
        let channels = try await client.send("channels", as: [ChannelSummary].self)
        #expect(channels.map(\.callerID) == ["\"Li Wei\" <13800138000>"])
        #expect(channels.first?.location == "400@switchboard-inbound:2")
        #expect(ChannelsCommand.render(channels).hasSuffix("1 channel in 1 call"))
        // Once AMI is up the callback request is back in line, its wait counted from before the restart.
        var queue = try await client.send("queue-show", as: QueueReport.self)
        while queue.waiting.isEmpty, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
            queue = try await client.send("queue-show", as: QueueReport.self)
        }
        #expect(queue.waiting.map(\.queue) == ["support"])
        #expect(queue.waiting.first.map { $0.waitSeconds >= 120 } == true)
        server.signal(SIGTERM)
        #expect(try await server.waitForExit() == 0)
        #expect(asterisk.actionsSeen.last == "Logoff")
        serving.cancel()
    }

    @Test func aBrokenConfigurationExits1WithOneLine() async throws {
        let config = temporaryPath("broken.conf")
        try "[agi]\nport = many\nbindaddr = 1.2.3\n".write(toFile: config, atomically: true, encoding: .utf8)
        let server = try ChildProcess(arguments: ["serve", "--config", config])
        #expect(try await server.waitForExit() == 1)
        let lines = server.standardError().split(separator: "\n")
        #expect(lines.count == 1)
        #expect(lines.first?.hasPrefix("switchboard: error: bad configuration: \(config):") == true)
        #expect(lines.first?.hasSuffix("(and 1 more; run 'switchboard config check')") == true)
    }

    @Test func aMissingConfigurationFileIsNamed() async throws {
        let server = try ChildProcess(arguments: ["serve", "--config", "/nonexistent/switchboard.conf"])
        #expect(try await server.waitForExit() == 1)
        #expect(server.standardError() == "switchboard: error: bad configuration: /nonexistent/switchboard.conf: no such file\n")
    }

    /// Polls the control socket until the child answers (the only way to know it has bound it).
    func waitForStatus(_ client: ControlClient, while server: ChildProcess) async throws -> StatusReport {
        let deadline = ContinuousClock.now + .seconds(20)
        while true {
            do {
                return try await client.send("status", as: StatusReport.self)
            } catch let error as ControlClientError {
                if ContinuousClock.now > deadline || !server.isRunning {
                    throw error
                }
                try await Task.sleep(for: .milliseconds(20))
            }
        }
    }
}

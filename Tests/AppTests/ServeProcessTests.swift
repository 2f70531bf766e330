import Foundation
import Glibc
import Testing
@testable import App

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

        let stopping = ContinuousClock.now
        server.signal(SIGTERM)
        let status = try await server.waitForExit()
        #expect(ContinuousClock.now - stopping < .seconds(2))
        #expect(status == 0)
        let log = server.standardError()
        #expect(log.contains("received SIGTERM, shutting down"))
        #expect(log.contains("switchboard stopped"))
        #expect(!log.contains("s3cret-never-logged"))
        #expect(!FileManager.default.fileExists(atPath: folder + "/run/sb.ctl"))
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

import Core
import Foundation
import Synchronization
import TestSupport
import Testing
@testable import SwitchboardCLI

@Suite struct CommandLineTests {
    func run(_ arguments: String) async -> (code: Int32, out: String, err: String) {
        let capture = CapturedTerminal()
        let words = arguments.split(separator: " ").map(String.init)
        let code = await Switchboard.run(words, terminal: capture.terminal)
        return (code, capture.standardOutput, capture.standardError)
    }

    @Test func progressRedrawsOneLineOnAScreenAndLogsTenthsOtherwise() {
        let written = Mutex<String>("")
        let screen = Terminal(errorIsScreen: true) { text, _ in written.withLock { $0 += text } }
        for done in 1...3 { screen.progress("\(done)/3", done: done, total: 3) }
        #expect(written.withLock { $0 } == "\r1/3\u{1B}[K\r2/3\u{1B}[K\r3/3\u{1B}[K\n")

        let capture = CapturedTerminal()
        for done in 1...25 { capture.terminal.progress("\(done)/25", done: done, total: 25) }
        #expect(capture.standardError.split(separator: "\n") == ["3/25", "5/25", "8/25", "10/25", "13/25", "15/25", "18/25", "20/25", "23/25", "25/25"])
    }

    @Test func helpAtEveryLevel() async {
        for command in ["--help", "help", "serve --help", "status -h", "channels --help", "config --help", "config check --help", "bench ami --help", "version --help"] {
            let result = await run(command)
            #expect(result.code == 0, "\(command)")
            #expect(result.out.contains("Usage: switchboard"), "\(command)")
        }
        let top = await run("--help")
        for name in ["serve", "status", "channels", "config", "bench", "version"] { #expect(top.out.contains("  \(name)")) }
        #expect(await run("config check --help").out.contains("--config FILE"))
    }

    @Test func usageErrorsExit64AndNameTheNearestSpelling() async {
        let typo = await run("stauts")
        #expect(typo.code == 64)
        #expect(typo.err.contains("unknown command 'stauts' for 'switchboard'; did you mean 'status'?"))
        let option = await run("status --jsno")
        #expect(option.code == 64)
        #expect(option.err.contains("did you mean '--json'?"))
        #expect(option.err.contains("Run 'switchboard status --help' for usage."))
        let nested = await run("config chekc")
        #expect(nested.err.contains("did you mean 'check'?"))
        let missingValue = await run("status --config")
        #expect(missingValue.code == 64)
        #expect(missingValue.err.contains("option --config needs a value (FILE)"))
        let stray = await run("version now")
        #expect(stray.code == 64)
        #expect(stray.err.contains("unexpected argument 'now'"))
        let farOff = await run("xyzzy")
        #expect(!farOff.err.contains("did you mean"))
    }

    @Test func optionForms() throws {
        let spec = CommandSpec(
            name: "t", summary: "",
            options: [.config, .json],
            arguments: [ArgumentSpec(name: "FLOW", help: "")],
            action: { _, _ in }
        )
        for form in [["--config", "a.conf", "main"], ["--config=a.conf", "main"], ["-c", "a.conf", "main"], ["main", "--config", "a.conf"]] {
            guard case .run(_, let parsed) = try CommandLineParser.parse(form, root: spec) else {
                Issue.record("expected a run for \(form)")
                continue
            }
            #expect(parsed.value("config") == "a.conf")
            #expect(parsed.arguments == ["main"])
        }
        guard case .run(_, let parsed) = try CommandLineParser.parse(["--json", "--", "--odd-name"], root: spec) else {
            Issue.record("expected a run")
            return
        }
        #expect(parsed.flag("json"))
        #expect(parsed.arguments == ["--odd-name"])
        #expect(throws: UsageError.self) { try CommandLineParser.parse(["--json=yes", "x"], root: spec) }
        #expect(throws: UsageError.self) { try CommandLineParser.parse([], root: spec) }
    }

    @Test func editDistanceAndSuggestions() {
        #expect(editDistance("status", "stauts") == 2)
        #expect(editDistance("", "abc") == 3)
        #expect(editDistance("abc", "") == 3)
        #expect(nearestSpelling(of: "sevre", among: ["serve", "status"]) == "serve")
        #expect(nearestSpelling(of: "zzzzzz", among: ["serve", "status"]) == nil)
    }

    @Test func versionPrintsTheVersion() async {
        #expect(await run("version").out == "switchboard 0.1.0\n")
    }

    @Test func configCheckReportsEveryErrorAndExits1() async throws {
        let file = temporaryPath("broken.conf")
        try "[agi]\nport = 70000\n[ami]\nusername = x\n".write(toFile: file, atomically: true, encoding: .utf8)
        let result = await run("config check --config \(file)")
        #expect(result.code == 1)
        #expect(result.err.contains("\(file):2: port: '70000' is not a port number (0-65535)"))
        #expect(result.err.contains("\(file):3: [ami] has a username but no secret"))
        #expect(result.err.contains("configuration has 2 errors"))
    }

    /// The ACD's files are checked too: the server would refuse to start on them.
    @Test func configCheckReadsTheQueuesFileAndPrintsEachSectionOnce() async throws {
        let folder = temporaryPath("check-acd")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "[q]\nskills = support:9\n".write(toFile: folder + "/queues.conf", atomically: true, encoding: .utf8)
        try "[acd]\nqueues = \(folder)/queues.conf\n".write(toFile: folder + "/sb.conf", atomically: true, encoding: .utf8)
        let broken = await run("config check --config \(folder)/sb.conf")
        #expect(broken.code == 1)
        #expect(broken.err.contains("\(folder)/queues.conf:2: skills: 'support:9' is not skill:level"))

        try "[q]\nskills = support:2\n".write(toFile: folder + "/queues.conf", atomically: true, encoding: .utf8)
        let good = await run("config check --config \(folder)/sb.conf")
        #expect(good.code == 0)
        #expect(good.out.components(separatedBy: "\n[ivr]\n").count == 2)
    }

    /// The AMI benchmark's whole path at a small size: recorded events through a loopback
    /// firehose into the client, none lost. (Its speed is for release builds, not for tests.)
    @Test func benchAMIReceivesEveryEvent() async throws {
        let transcripts = Transcript.folder.path
        let result = await run("bench ami --events 5000 --memory-events 1000 --json --transcripts \(transcripts)")
        #expect(result.code == 0, "\(result.err)")
        struct Report: Decodable {
            struct Socket: Decodable { var events: Int; var received: Int }
            var corpusEvents: Int
            var socket: Socket
        }
        let report = try JSONDecoder().decode(Report.self, from: Data(result.out.utf8))
        #expect(report.corpusEvents > 300)
        #expect(report.socket.received == 5000)
        #expect(report.socket.events == 5000)
    }

    @Test func benchAMINamesAMissingCorpus() async {
        let result = await run("bench ami --transcripts /nonexistent")
        #expect(result.code == 1)
        #expect(result.err == "switchboard: error: no ami-*.asterisk.bin captures in /nonexistent (give the folder with --transcripts)\n")
    }
}

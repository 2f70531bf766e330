import Config
import Core
import Foundation
import IVR
import Testing
@testable import App
@testable import SwitchboardCLI

@Suite struct FlowsCommandTests {
    static let flowsFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../dialplans/ivr").standardized.path

    func run(_ words: [String], typing lines: [String]? = nil, flows: String = flowsFolder) async throws -> (code: Int32, out: String, err: String) {
        let folder = temporaryPath("flows-cli")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "[general]\ndatabase = sb.db\n[ivr]\nflows = \(flows)\n[control]\nsocket = sb.ctl\n".write(toFile: folder + "/sb.conf", atomically: true, encoding: .utf8)
        let capture = CapturedTerminal(lines: lines)
        let code = await Switchboard.run(words + ["--config", folder + "/sb.conf"], terminal: capture.terminal)
        return (code, capture.standardOutput, capture.standardError)
    }

    /// Tuesday 10:00: office hours. Keys typed: 2 (English), then 3 (self-service, no record), then nothing.
    @Test func tryWalksTheFlowWithTypedKeys() async throws {
        let result = try await run(["flows", "try", "main", "--caller", "13800138000", "--at", "2026-11-24 10:00"], typing: ["2", "3"])
        #expect(result.code == 0, "\(result.err)")
        let steps = result.out.split(separator: "\n").filter { $0.hasPrefix("→ ") }
        #expect(steps.prefix(6) == ["→ [main:lookup]", "→ [main:hours]", "→ [main:language]", "→ [main:english]", "→ [main:main]", "→ [main:status]"])
        #expect(result.out.contains("→ [self-service:no-record]"))
        #expect(result.out.contains("  ♪ custom/no-record"))
        #expect(result.out.hasSuffix("end: caller-hung-up after 10 nodes\n"))
    }

    @Test func afterHoursOnAHoliday() async throws {
        let result = try await run(["flows", "try", "main", "--at", "2026-12-25 10:00"], typing: [])
        #expect(result.out.contains("→ [main:after-hours]"))
        #expect(result.out.contains("→ [main:voicemail]"))
    }

    @Test func checkExitsOneOnErrorsAndShowDrawsTheFlow() async throws {
        let broken = temporaryPath("broken-flows")
        try FileManager.default.createDirectory(atPath: broken, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: broken) }
        try "[flow]\nstart = a\n[a]\ntype = play\nprompt = beep\nnext = gone\n".write(toFile: broken + "/x.conf", atomically: true, encoding: .utf8)
        let check = try await run(["flows", "check", broken])
        #expect(check.code == 1)
        #expect(check.err.contains("\(broken)/x.conf:3: node [a] leads to [gone], which does not exist"))
        let clean = try await run(["flows", "check"])
        #expect(clean.code == 0)
        #expect(clean.out == "3 flows in \(Self.flowsFolder): 0 errors, 0 warnings\n")
        let dot = try await run(["flows", "show", "main", "--dot"])
        #expect(dot.out.hasPrefix("digraph \"main\" {"))
        #expect(dot.out.contains("\"main\" -> \"sales\" [label=\"key 1\"];"))
    }

    /// A reload that finds errors keeps the flows already loaded, and a call keeps its version.
    @Test func aBrokenReloadKeepsTheFlowsAndCallsKeepTheirVersion() throws {
        let folder = temporaryPath("reload-flows")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "[flow]\nstart = a\n[a]\ntype = hangup\n".write(toFile: folder + "/f.conf", atomically: true, encoding: .utf8)
        let library = FlowLibrary(folder: folder, sounds: nil, logger: .silent)
        #expect(library.reload().isEmpty)
        let inCall = try #require(library.flow(named: "f"))
        try "[flow]\nstart = b\n[b]\ntype = play\nprompt = beep\n".write(toFile: folder + "/f.conf", atomically: true, encoding: .utf8)
        library.reload()
        #expect(library.flow(named: "f")?.start == "b")
        #expect(inCall.start == "a")
        try "[flow]\nstart = c\n".write(toFile: folder + "/f.conf", atomically: true, encoding: .utf8)
        #expect(library.reload().contains { $0.severity == .error })
        #expect(library.flow(named: "f")?.start == "b")
    }
}

import Core
import Foundation
import Testing
@testable import SwitchboardCLI

/// The newcomer's first command, end to end in this process: server, simulator, store, summary.
@Suite(.timeLimit(.minutes(1))) struct DemoCommandTests {
    @Test func aShortDemoAnswersCallsAndSaysWhereToLookNext() async throws {
        let flows = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../dialplans/ivr").standardized.path
        let capture = CapturedTerminal()
        let code = await Switchboard.run(["demo", "--calls", "12", "--speed", "300", "--flows", flows], terminal: capture.terminal)
        let folder = capture.standardError.split(separator: "\n").first { $0.hasPrefix("demo folder: ") }.map { String($0.dropFirst(13)) }
        defer { if let folder { try? FileManager.default.removeItem(atPath: folder) } }
        #expect(code == 0, "\(capture.standardError)")
        let out = capture.standardOutput
        #expect(out.contains("Switchboard demo: 12 calls"))
        let answered = out.split(separator: "\n").first { $0.contains("with an agent:") }.flatMap { $0.split(separator: " ").compactMap { Int($0) }.first }
        #expect((answered ?? 0) > 0)
        #expect(out.contains("how calls ended:"))
        // Handle times from the records (AMI's bridge times): the simulated agents talk 30 s to 4 minutes.
        let talk = out.split(separator: "\n").first { $0.contains("handle time:") }.flatMap { $0.split(separator: " ").compactMap { Int($0) }.first }
        #expect((20...300).contains(talk ?? 0), "\(out)")
        #expect(out.contains("switchboard flows try main --caller 13900000001 --config \(folder ?? "?")/switchboard.conf"))
    }
}

import AMI
import App
import Core
import Foundation
import Testing

/// The real-Asterisk tier: real calls through a real Asterisk 20.20.1 (../shared/asterisk, or
/// SWITCHBOARD_ASTERISK) and the real `switchboard serve` binary, driven by AMI Originate on
/// Local channels. Skipped, with the reason, where no Asterisk build is found.
@Suite(.serialized, .timeLimit(.minutes(3)), .enabled(if: LabCenter.available, Comment(rawValue: LabCenter.located.why)))
struct RealAsteriskTests {
    /// Runs `body` against a started center, stopping it whatever happens.
    func withCenter(queues: String = LabCenter.queues, tuneFlows: @escaping (String) -> String = { $0 }, _ body: (LabCenter) async throws -> Void) async throws {
        let center = try LabCenter(queues: queues, tuneFlows: tuneFlows)
        do {
            try await center.start()
            try await body(center)
        } catch {
            Issue.record("kept \(center.lab.folder) (Asterisk's log/, the server's sb/serve.log); the server's last words:\n\(center.serverLog.suffix(3000))")
            await center.stop(keep: true)
            throw error
        }
        await center.stop()
    }

    /// The shipped main flow, keyed by DTMF: English, then support. The call is answered before
    /// anything plays, each prompt plays in order and none is missing, and the support agent rings.
    @Test func theShippedFlowIsAnsweredAndPlaysItsPromptsInOrder() async throws {
        try await withCenter { center in
            try await center.login("1002")
            try await center.call(from: "13800000001", digits: "2ww2")
            let channel = try await center.flowChannel(of: "13800000001")
            try await center.wait("the agent's Dial", seconds: 20) { _ in center.dialled(from: channel).first }
            let commands = center.commands(on: channel)
            let prompts = commands.filter { $0.hasPrefix("STREAM FILE") || $0.hasPrefix("GET DATA") }
            #expect(prompts.first?.hasPrefix("GET DATA custom/choose-language") == true, "\(commands)")
            #expect(prompts.dropFirst().first?.hasPrefix("STREAM FILE custom/welcome") == true, "\(commands)")
            #expect(center.dialled(from: channel).first?.hasPrefix("Local/1002@agents-") == true)
            // No prompt failed (result=-1 while the channel is up).
            let failed = center.all.compactMap { item -> String? in
                if case .agiExecEnd(let snapshot, let command, _, _, let result) = item.event.kind, snapshot.channel == channel, result.contains("-1") { return command }
                return nil
            }
            #expect(failed.isEmpty)
        }
    }
}

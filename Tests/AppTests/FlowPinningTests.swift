import AGI
import Config
import Core
import Foundation
import IVR
import Simulator
import Store
import TestSupport
import Testing
@testable import App

/// A reload never changes a flow under a call: the call keeps the whole set of flows it started
/// with, subflows entered later included.
@Suite(.timeLimit(.minutes(1))) struct FlowPinningTests {
    @Test func aSubflowEnteredAfterAReloadIsTheOneTheCallStartedWith() async throws {
        let folder = temporaryPath("pinning")
        try FileManager.default.createDirectory(atPath: folder + "/flows", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "[flow]\nstart = ask\n[ask]\ntype = menu\nprompt = custom/main-menu\noptions = 1 => more\ntimeout = 5\n[more]\ntype = subflow\nflow = sub\n"
            .write(toFile: folder + "/flows/main.conf", atomically: true, encoding: .utf8)
        func writeSub(_ prompt: String) throws {
            try "[flow]\nstart = say\n[say]\ntype = play\nprompt = \(prompt)\n".write(toFile: folder + "/flows/sub.conf", atomically: true, encoding: .utf8)
        }
        try writeSub("custom/old-words")
        let store = try await Store.open(path: folder + "/sb.db")
        defer { store.close() }
        let library = FlowLibrary(folder: folder + "/flows", sounds: nil, logger: .silent)
        library.reload()
        var settings = CallCenter.Settings(recordingsFolder: folder)
        settings.pace = 20
        let center = CallCenter(store: store, agents: [], queues: [:], flows: library, ami: nil, settings: settings, logger: .silent)
        let server = try LoopbackAGIServer(script: "ivr") { session in try await center.ivr.handle(session) }
        defer { server.stop() }
        var configuration = SimulatedPBX.Configuration(agiServer: server.address)
        configuration.clock = SimulationClock(scale: 20)
        configuration.script = "ivr/main"
        let pbx = SimulatedPBX(configuration)
        async let outcome = pbx.call(from: "13800000071", dnis: "4008", caller: CallerScript(presses: [(3, "1")]))
        // The call is in its menu: the subflow changes on disk and is reloaded.
        while center.ledger.active == 0 { try await Task.sleep(for: .milliseconds(5)) }
        try writeSub("custom/new-words")
        #expect(library.reload().filter { $0.severity == .error }.isEmpty)
        #expect(library.flow(named: "sub")?.node("say").map { "\($0.kind)" }?.contains("new-words") == true)
        let commands = try await outcome.commands
        #expect(commands.contains { $0.hasPrefix("STREAM FILE custom/old-words") }, "\(commands)")
        #expect(!commands.contains { $0.contains("new-words") })
    }
}

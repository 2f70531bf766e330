import AGI
import Config
import Core
import Foundation
import Simulator
import Store
import Testing
import Wire
@testable import App

/// A card number through the real FastAGI server, logged at trace level: no digit of it in any
/// log line or stored step, whether it is keyed, copied by a `set` node or read back by `say`.
@Suite(.timeLimit(.minutes(1))) struct SensitiveInputTests {
    static let flow = """
        [flow]
        start = card
        [card]
        type = collect
        prompt = custom/enter-card
        variable = CARD
        min = 16
        max = 16
        check = luhn
        sensitive = yes
        next = copy
        [copy]
        type = set
        CARD_COPY = ${CARD}
        next = read-back
        [read-back]
        type = say
        digits = ${CARD}
        next = bye
        [bye]
        type = hangup
        """

    @Test func aCardNumberNeverReachesALogOrTheDatabase() async throws {
        let folder = temporaryPath("sensitive")
        try FileManager.default.createDirectory(atPath: folder + "/flows", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Self.flow.write(toFile: folder + "/flows/pay.conf", atomically: true, encoding: .utf8)
        let sink = MemoryLogSink()
        let logger = Logger(label: "switchboard", level: .trace, sink: sink)
        let store = try await Store.open(path: folder + "/sb.db")
        defer { store.close() }
        let library = FlowLibrary(folder: folder + "/flows", sounds: nil, logger: logger)
        #expect(library.reload().filter { $0.severity == .error }.isEmpty)
        var settings = CallCenter.Settings(recordingsFolder: folder)
        settings.pace = 50
        let center = CallCenter(store: store, agents: [], queues: [:], flows: library, ami: nil, settings: settings, logger: logger)
        let router = AGIRouter()
        center.register(in: router)
        let server = AGIServer(
            listener: try Listener(bind: try SocketAddress(host: "127.0.0.1", port: 0)), allow: [try AddressRange(parsing: "127.0.0.0/8")],
            router: router, logger: logger.named("agi")
        )
        let serving = Task { await server.run() }
        defer { server.stopAccepting(); serving.cancel() }
        var configuration = SimulatedPBX.Configuration(agiServer: server.localAddress)
        configuration.clock = SimulationClock(scale: 50)
        configuration.script = "ivr/pay"
        let outcome = try await SimulatedPBX(configuration).call(from: "13800138000", dnis: "4008", caller: CallerScript(presses: [(1, "4111111111111111")]))
        #expect(outcome.variables["CARD_COPY"] == "4111111111111111", "the flow did use the number")
        let call = try #require(try await store.finishedCall(number: "13800138000"))
        #expect(call.outcome == .ivrOnly)
        let steps = try await store.callEvents(callID: call.id!)
        #expect(steps.contains { $0.kind == .input && $0.digits == String(repeating: "*", count: 16) })
        let text = sink.lines.joined(separator: "\n") + steps.map { "\($0)" }.joined(separator: "\n")
        #expect(sink.lines.contains { $0.contains("→ SET VARIABLE (sensitive: arguments masked)") }, "\(sink.lines.joined(separator: "\n"))")
        #expect(sink.lines.contains { $0.contains("→ SAY DIGITS (sensitive: arguments masked)") })
        for piece in ["4111", "1111", "result=52", "result=49"] { #expect(!text.contains(piece), "\(piece) in:\n\(text)") }
    }
}

import Foundation
import Glibc
import Simulator
import Testing
import Wire
@testable import App

/// `switchboard wallboard` as a supervisor sees it: the real binary in a tmux pane, drawing
/// a running `switchboard serve` with a simulated caller, across a restart of that server.
@Suite(.timeLimit(.minutes(2))) struct WallboardScreenTests {
    /// A private tmux server (its own socket name), so tests never meet a user's sessions.
    struct Tmux {
        let path: String
        let socket = "sb-\(UUID().uuidString.prefix(8))"

        static func find() -> Tmux? {
            ["/usr/bin/tmux", "/usr/local/bin/tmux"].first { FileManager.default.isExecutableFile(atPath: $0) }.map { Tmux(path: $0) }
        }

        /// Starts the tmux server with the session `wall` running `command`, and waits until it
        /// is listed. Not awaited as a process: the server it forks keeps a descriptor that
        /// Foundation watches for the client's exit, so it would never seem to end.
        func start(_ command: String) async throws {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: path)
            process.arguments = ["-L", socket, "-f", "/dev/null", "new-session", "-d", "-s", "wall", "-x", "100", "-y", "24", command]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            let deadline = ContinuousClock.now + .seconds(10)
            while await sessions().isEmpty, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        }

        /// Runs a tmux client command; its standard output.
        @discardableResult
        func run(_ arguments: [String]) async throws -> String {
            let output = temporaryPath("tmux.out")
            _ = FileManager.default.createFile(atPath: output, contents: nil)
            defer { try? FileManager.default.removeItem(atPath: output) }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: path)
            process.arguments = ["-L", socket] + arguments
            process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
            process.standardError = FileHandle.nullDevice
            try process.run()
            try await awaitExit(process, within: .seconds(10))
            return (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        }

        func screen() async throws -> String { try await run(["capture-pane", "-p", "-t", "wall"]) }

        /// The screen once `shows` holds for it, within 10 s; the last screen otherwise.
        func screen(until shows: (String) -> Bool) async throws -> String {
            let deadline = ContinuousClock.now + .seconds(10)
            var text = try await screen()
            while !shows(text), ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
                text = try await screen()
            }
            return text
        }

        func sessions() async -> String { (try? await run(["list-sessions", "-F", "#{session_name}"])) ?? "" }
    }

    @Test func theWallboardDrawsInPlaceFollowsACallAndOutlivesAServerRestart() async throws {
        guard let tmux = Tmux.find() else {
            print("skipped: no tmux to run the wallboard in (apt-get install tmux)")
            return
        }
        let folder = temporaryPath("wallboard")
        try FileManager.default.createDirectory(atPath: folder + "/flows", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "[flow]\nstart = wait\n[wait]\ntype = queue\nqueue = support\nskills = support:2\nnext = bye\n[bye]\ntype = hangup\n"
            .write(toFile: folder + "/flows/q.conf", atomically: true, encoding: .utf8)
        try "[support]\nskills = support:2\nshort_abandon = 1\n".write(toFile: folder + "/queues.conf", atomically: true, encoding: .utf8)
        let config = folder + "/sb.conf"
        try "[general]\ndatabase = sb.db\n[agi]\nport = 0\n[ivr]\nflows = flows\n[acd]\nqueues = queues.conf\n[control]\nsocket = sb.ctl\n"
            .write(toFile: config, atomically: true, encoding: .utf8)
        let client = ControlClient(path: folder + "/sb.ctl")

        var server = try ChildProcess(arguments: ["serve", "--config", config])
        defer { server.signal(SIGKILL) }
        let status = try await Self.status(client, while: server)
        try await tmux.start("\(ChildProcess.binary) wallboard --config \(config) support")
        defer { Task { [tmux] in try? await tmux.run(["kill-server"]) } }
        let idle = try await tmux.screen { $0.contains("support ") }
        #expect(idle.hasPrefix("Switchboard wallboard — "), "\(idle)")
        #expect(Self.row("support", in: idle)?.prefix(2) == ["support", "0"], "\(idle)")

        // A caller joins and waits 2 s, then hangs up: shown waiting, then counted as an abandon.
        let detail = status.agi.detail ?? ""
        var configuration = SimulatedPBX.Configuration(
            agiServer: try SocketAddress(host: "127.0.0.1", port: UInt16(detail.split(separator: ":").last ?? "") ?? 0)
        )
        configuration.script = "ivr/q"
        async let call = SimulatedPBX(configuration).call(from: "13800000001", dnis: "400", caller: CallerScript(hangupAfter: 2))
        let waiting = try await tmux.screen { Self.row("support", in: $0)?[1] == "1" }
        #expect(Self.row("support", in: waiting)?[1] == "1", "\(waiting)")
        _ = try await call
        // QUEUE WAITING LONGEST OFFERED ANSWERED ABANDONED
        let counted = try await tmux.screen { Self.row("support", in: $0)?[3] == "1" }
        #expect(Self.row("support", in: counted)?[3...5] == ["1", "0", "1"], "\(counted)")
        // Drawn in place: one frame on the screen, never a scroll of them.
        #expect(counted.components(separatedBy: "Switchboard wallboard").count == 2)

        // The server goes away: the last picture stays, marked; a new server is found again.
        server.signal(SIGTERM)
        #expect(try await server.waitForExit() == 0)
        let lost = try await tmux.screen { $0.contains("server lost") }
        #expect(lost.contains("reconnecting"), "\(lost)")
        server = try ChildProcess(arguments: ["serve", "--config", config])
        _ = try await Self.status(client, while: server)
        let back = try await tmux.screen { !$0.contains("server lost") }
        #expect(!back.contains("server lost"), "\(back)")
        // Today's figures survive the restart: they are the store's.
        #expect(Self.row("support", in: back)?[3...5] == ["1", "0", "1"], "\(back)")

        // Ctrl-C ends it and gives the terminal back.
        try await tmux.run(["send-keys", "-t", "wall", "C-c"])
        let deadline = ContinuousClock.now + .seconds(5)
        while !(await tmux.sessions().isEmpty), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        #expect(await tmux.sessions().isEmpty)
        server.signal(SIGTERM)
        #expect(try await server.waitForExit() == 0)
    }

    /// The words of the table row for `queue`.
    static func row(_ queue: String, in screen: String) -> [String]? {
        screen.split(separator: "\n").first { $0.hasPrefix(queue + " ") }.map { $0.split(separator: " ").map(String.init) }
    }

    static func status(_ client: ControlClient, while server: ChildProcess) async throws -> StatusReport {
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline, server.isRunning {
            if let report = try? await client.send("status", as: StatusReport.self) { return report }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw ChildProcessTimeout(limit: .seconds(20), pid: server.pid, log: server.standardError())
    }
}

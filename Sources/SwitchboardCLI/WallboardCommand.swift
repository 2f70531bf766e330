import App
import CLinux
import Config
import Core
import Foundation
import Glibc

/// `switchboard wallboard [QUEUE…]`: a live view of the running server's queues and agents,
/// redrawn in place as the server pushes frames over its control socket.
enum WallboardCommand {
    static let spec = CommandSpec(
        name: "wallboard",
        summary: "live queues and agents, redrawn in place as things change",
        discussion: """
            Per queue: callers waiting now and the longest wait; today's offered, answered and
            abandoned calls, service level (inclusive) against the queue's target, and ASA. Then
            the agents by state with their time in it. The server pushes a frame whenever
            routing changes and at least once a second; nothing polls the database. Today's
            figures count calls once they have ended, as `report queues` does. When the server
            goes away the wallboard says so and reconnects. Ctrl-C quits.
            """,
        options: [
            .flag("once", "print one frame and exit"),
            .flag("json", "stream frames as JSON lines instead of drawing them"),
            .config,
        ],
        arguments: [ArgumentSpec(name: "QUEUE", help: "queues to show (default: all)", isOptional: true, repeats: true)],
        action: run
    )

    /// How long the wallboard waits before connecting again after losing the server.
    static let retryDelay = Duration.seconds(1)

    @Sendable static func run(_ parsed: ParsedCommand, _ terminal: Terminal) async throws {
        let (config, _) = try ConfigLocation.load(for: parsed)
        var waiting = ControlClient(path: config.control.socketPath)
        // Frames come at least once a second: silence this long means the server is stuck.
        waiting.timeout = .seconds(5)
        let client = waiting
        let arguments = parsed.arguments.isEmpty ? [:] : ["queues": parsed.arguments.joined(separator: ",")]
        let zone = config.general.timeZone
        if parsed.flag("once") {
            let frame = try await firstFrame(client, arguments: arguments)
            return terminal.print(parsed.flag("json") ? try line(frame) : WallboardView.render(frame, zone: zone))
        }
        let screen = Screen(isTerminal: !parsed.flag("json") && isatty(STDOUT_FILENO) == 1, terminal: terminal)
        screen.enter()
        defer { screen.leave() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await _ in SignalStream.watch([SIGINT, SIGTERM]) { return }
            }
            group.addTask {
                try await follow(client, arguments: arguments) { frame, note in
                    if parsed.flag("json") {
                        if let frame { terminal.print(try line(frame)) } else if let note { terminal.printError("switchboard: \(note)") }
                    } else if let frame {
                        screen.draw(WallboardView.render(frame, zone: zone, note: note))
                    } else if let note {
                        screen.draw("Switchboard wallboard\n\n\(note)")
                    }
                }
            }
            // The first to end (a signal, or a refusal such as an unknown queue) ends the wallboard.
            try await group.next()
            group.cancelAll()
        }
    }

    /// Takes frames until cancelled, reconnecting whenever the server goes away. `show` gets each
    /// frame, or nil and a note on what is wrong while there is none. A refusal (unknown queue) throws.
    static func follow(
        _ client: ControlClient, arguments: [String: String], show: (WallboardFrame?, String?) async throws -> Void
    ) async throws {
        var lost: String?
        var last: WallboardFrame?
        while !Task.isCancelled {
            do {
                try await client.subscribe("wallboard", arguments: arguments, as: WallboardFrame.self) { _, frame in
                    try Task.checkCancellation()
                    lost = nil
                    last = frame
                    try await show(frame, nil)
                }
            } catch let refusal as ControlCommandError {
                throw refusal
            } catch is CancellationError {
                return
            } catch {
                let reason = (error as? ControlClientError)?.reason ?? "\(error)"
                if lost == nil { lost = reason }
                // The last picture stays up, marked as stale, while we try again.
                try await show(last, last == nil ? "no server (\(lost!)), retrying" : "server lost (\(lost!)), reconnecting")
                try await Task.sleep(for: retryDelay)
            }
        }
    }

    static func firstFrame(_ client: ControlClient, arguments: [String: String]) async throws -> WallboardFrame {
        struct Taken: Error { let frame: WallboardFrame }
        do {
            try await client.subscribe("wallboard", arguments: arguments, as: WallboardFrame.self) { _, frame in throw Taken(frame: frame) }
        } catch let taken as Taken {
            return taken.frame
        }
        throw ControlCommandError("the server sent no frame")
    }

    /// One frame as a compact JSON line.
    static func line(_ frame: WallboardFrame) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(frame), as: UTF8.self)
    }

    /// The screen as `top` uses it: the alternate screen, cursor hidden, each frame drawn over
    /// the last and cut to the terminal's width. Not a terminal: frames one after another.
    final class Screen: Sendable {
        let isTerminal: Bool
        let terminal: Terminal

        init(isTerminal: Bool, terminal: Terminal) {
            self.isTerminal = isTerminal
            self.terminal = terminal
        }

        func enter() {
            if isTerminal { terminal.emit("\u{1B}[?1049h\u{1B}[?25l") }
        }

        func leave() {
            if isTerminal { terminal.emit("\u{1B}[?25h\u{1B}[?1049l") }
        }

        func draw(_ text: String) {
            guard isTerminal else { return terminal.print(text + "\n") }
            let width = Int(sb_terminal_columns(STDOUT_FILENO))
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { width > 0 ? String($0.prefix(width)) : String($0) }
            terminal.emit("\u{1B}[H" + lines.map { $0 + "\u{1B}[K" }.joined(separator: "\r\n") + "\u{1B}[J")
        }
    }
}

import App
import Foundation
import Glibc

/// A comparison peer (panoramisk) run as a child process with its standard output piped to us.
/// It is ended with SIGKILL: a child inherits the spawning thread's blocked signals, SIGTERM
/// among them, and would outlive the benchmark.
final class PeerProcess {
    private let process = Process()
    private let output = Pipe()

    init(_ arguments: [String]) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.standardOutput = output
        try process.run()
    }

    /// The first output the peer writes (its readiness line), or "" if it exits first.
    func firstOutput() async -> String {
        let pipe = output
        let data = await Task.detached { pipe.fileHandleForReading.availableData }.value
        return String(decoding: data, as: UTF8.self)
    }

    /// Everything the peer writes until it exits.
    func wholeOutput() async -> String {
        let pipe = output
        let data = await Task.detached { pipe.fileHandleForReading.readDataToEndOfFile() }.value
        return String(decoding: data, as: UTF8.self)
    }

    func stop() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// Runs the peer to its end and returns what it printed.
    static func run(_ arguments: [String]) async throws -> String {
        let peer = try PeerProcess(arguments)
        defer { peer.stop() }
        return await peer.wholeOutput()
    }
}

import Core
import Foundation
import Glibc

/// The built `switchboard` binary run as a child process, its standard output and error
/// captured to files (readable while it runs, and after it is killed).
final class ChildProcess: @unchecked Sendable {
    /// Next to the test bundle: both are products of the same build.
    static let binary: String = {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return ((executable as NSString).deletingLastPathComponent as NSString).appendingPathComponent("switchboard")
    }()

    private let process = Process()
    private let errorFile: String
    private let outputFile: String

    init(arguments: [String]) throws {
        errorFile = temporaryPath("stderr.txt")
        outputFile = temporaryPath("stdout.txt")
        _ = FileManager.default.createFile(atPath: errorFile, contents: nil)
        _ = FileManager.default.createFile(atPath: outputFile, contents: nil)
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = arguments
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errorFile))
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outputFile))
        try process.run()
    }

    deinit {
        try? FileManager.default.removeItem(atPath: errorFile)
        try? FileManager.default.removeItem(atPath: outputFile)
    }

    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }

    func signal(_ number: Int32) { kill(process.processIdentifier, number) }

    /// The exit status (a signal's number when one ended it, as Foundation gives it); after
    /// `limit` the process is killed and the error carries the end of its log.
    func waitForExit(within limit: Duration = .seconds(30)) async throws -> Int32 {
        let deadline = ContinuousClock.now + limit
        var exitedSince: ContinuousClock.Instant?
        while process.isRunning {
            // Foundation reaps children from one SIGCHLD handler, which a suite starting hundreds
            // of them can leave behind by many seconds: a child the kernel reports exited (a
            // zombie) for a second is taken as exited, its status read from /proc.
            let fields = Self.procFields(process.processIdentifier)
            if fields.first == "Z", fields.count > 49, let status = Int32(fields[49]) {
                exitedSince = exitedSince ?? .now
                if ContinuousClock.now - exitedSince! > .seconds(1) { return status & 0x7F == 0 ? (status >> 8) & 0xFF : status & 0x7F }
            }
            if ContinuousClock.now > deadline {
                kill(process.processIdentifier, SIGKILL)
                throw ChildProcessTimeout(limit: limit, pid: process.processIdentifier, state: fields.first ?? "gone", log: String(standardError().suffix(4000)))
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        return process.terminationStatus
    }

    /// /proc/PID/stat's fields after the command name: state first (R, S, D, Z …), exit_code at 49.
    static func procFields(_ pid: Int32) -> [String] {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = text.lastIndex(of: ")") else { return [] }
        return text[text.index(after: close)...].split(separator: " ").map(String.init)
    }

    func standardOutput() -> String {
        (try? String(contentsOfFile: outputFile, encoding: .utf8)) ?? ""
    }

    func standardError() -> String {
        (try? String(contentsOfFile: errorFile, encoding: .utf8)) ?? ""
    }
}

/// A child still running after its time: what it last logged tells where it stuck.
struct ChildProcessTimeout: Error, CustomStringConvertible {
    let limit: Duration
    let pid: Int32
    /// Its state in /proc when the limit passed.
    var state = "not read"
    let log: String
    var description: String { "switchboard (pid \(pid), state \(state)) still running after \(limit), killed; its log ends:\n\(log)" }
}

/// A fresh path under the temporary folder ending in `name`.
func temporaryPath(_ name: String) -> String {
    NSTemporaryDirectory() + "sb-\(UUID().uuidString.prefix(8))-\(name)"
}

/// Waits for `process` without holding a thread; past `limit` it is killed and that is an error.
func awaitExit(_ process: Process, within limit: Duration) async throws {
    let deadline = ContinuousClock.now + limit
    while process.isRunning {
        guard ContinuousClock.now < deadline else {
            kill(process.processIdentifier, SIGKILL)
            throw ProcessTimeout(command: ([process.executableURL?.path ?? ""] + (process.arguments ?? [])).joined(separator: " "), limit: limit)
        }
        try await Task.sleep(for: .milliseconds(20))
    }
}

struct ProcessTimeout: Error, CustomStringConvertible {
    let command: String
    let limit: Duration
    var description: String { "\(command) still running after \(limit), killed" }
}

import Foundation
import Glibc

/// The built `switchboard` binary run as a child process, its standard error captured to a file.
final class ChildProcess: @unchecked Sendable {
    /// Next to the test bundle: both are products of the same build.
    static let binary: String = {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return ((executable as NSString).deletingLastPathComponent as NSString).appendingPathComponent("switchboard")
    }()

    private let process = Process()
    private let errorFile: String

    init(arguments: [String]) throws {
        errorFile = temporaryPath("stderr.txt")
        _ = FileManager.default.createFile(atPath: errorFile, contents: nil)
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = arguments
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errorFile))
        process.standardOutput = FileHandle.nullDevice
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }

    func signal(_ number: Int32) { kill(process.processIdentifier, number) }

    func waitForExit() async throws -> Int32 {
        while process.isRunning { try await Task.sleep(for: .milliseconds(10)) }
        return process.terminationStatus
    }

    func standardError() -> String {
        (try? String(contentsOfFile: errorFile, encoding: .utf8)) ?? ""
    }
}

/// A fresh path under the temporary folder ending in `name`.
func temporaryPath(_ name: String) -> String {
    NSTemporaryDirectory() + "sb-\(UUID().uuidString.prefix(8))-\(name)"
}

import Core
import Lab
import Foundation
import Glibc
import App
import Store
import Testing

/// A writer killed with SIGKILL at a random moment loses nothing it acknowledged.
@Suite(.timeLimit(.minutes(1))) struct CrashSafetyTests {
    @Test(arguments: 0..<3)
    func everyAcknowledgedEventSurvivesSIGKILL(round: Int) async throws {
        let folder = temporaryPath("crash")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let database = folder + "/soak.db"
        let writer = try ChildProcess(arguments: ["bench", "store", "--soak", "--database", database])
        // Let it get going (the first commit), then kill it at a random moment.
        let deadline = ContinuousClock.now + .seconds(20)
        while !writer.standardOutput().contains("committed"), ContinuousClock.now < deadline, writer.isRunning {
            try await Task.sleep(for: .milliseconds(5))
        }
        try await Task.sleep(for: .milliseconds(Int.random(in: 20...400)))
        writer.signal(SIGKILL)
        _ = try await writer.waitForExit()

        let acknowledged = writer.standardOutput().split(separator: "\n")
            .compactMap { $0.hasPrefix("committed ") ? Int($0.dropFirst(10)) : nil }.max() ?? 0
        #expect(acknowledged > 0, "\(writer.standardError())")

        let store = try await Store.open(path: database)
        defer { store.close() }
        #expect(try await store.integrityProblems().isEmpty)
        let callID = try #require(try await store.callID(uniqueID: "soak.\(writer.pid)"))
        let stored = Set(try await store.callEvents(callID: callID).compactMap { $0.detail.flatMap(Int.init) })
        // Every acknowledged event is there; a batch committed after the last acknowledgement may be too.
        #expect(stored.count >= acknowledged)
        #expect(Set(1...acknowledged).isSubset(of: stored))
        #expect(stored.count % StoreSoak.batch == 0)
    }
}

import AMI
import Core
import Synchronization
import TestSupport
import Testing
import Wire

/// Events a connection delivered, for a test to wait on and inspect.
final class EventLog: Sendable {
    private let events = Mutex<[AMIEvent]>([])

    func append(_ read: [AMIEvent]) { events.withLock { $0.append(contentsOf: read) } }

    var all: [AMIEvent] { events.withLock { $0 } }

    var names: [String] { all.map(\.name) }

    /// Waits until `predicate` holds for the events so far; fails the test after `timeout`.
    func wait(for what: String, timeout: Duration = .seconds(5), until predicate: ([AMIEvent]) -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while !predicate(all) {
            guard ContinuousClock.now < deadline else {
                Issue.record("timed out waiting for \(what); events: \(names)")
                throw CancellationError()
            }
            try await Task.sleep(for: .milliseconds(5))
        }
    }
}

/// Serves `name` as Asterisk did on a loopback port, connects an `AMIConnection` to it with the
/// recorded client's ActionIDs (`lab-1`, `lab-2`, …), and runs `body`. The replay fails the
/// test if our bytes differ from the recorded client's.
func replay(_ name: String, _ body: (AMIConnection, EventLog) async throws -> Void) async throws {
    let transcript = try Transcript(name)
    let listener = try Listener(bind: try SocketAddress(host: "127.0.0.1", port: 0))
    defer { listener.close() }
    async let asterisk: Void = TranscriptReplay.serve(transcript, on: listener)
    var options = AMIConnection.Options()
    options.actionIDPrefix = "lab-"
    let log = EventLog()
    let connection = try await AMIConnection.connect(to: listener.localAddress, options: options, logger: .silent, onEvents: log.append)
    try await body(connection, log)
    _ = await connection.closed()
    try await asterisk
}

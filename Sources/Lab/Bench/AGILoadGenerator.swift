import App
import Core
import Simulator
import Synchronization
import Wire

/// Plays Asterisk's side of FastAGI against a server: each session connects, sends an
/// environment block as Asterisk 20 does, and answers every command with `200 result=1 (…)`
/// until the server closes. Round trip = our reply sent → the server's next command received.
/// With a pace, each session holds every reply for that long first, as Asterisk does while it
/// plays a prompt, so the server sees a stated load instead of as much as it can take.
struct AGILoadGenerator: Sendable {
    struct Result: Sendable {
        var sessions: Int
        var commands: Int
        var seconds: Double
        var roundTrips: [UInt64]
        var failures: Int
    }

    var target: SocketAddress
    var script: String
    var concurrency: Int
    var totalSessions: Int
    /// How long each session "executes" a command before replying; zero replies at once.
    var pace: Duration = .zero

    func run() async -> Result {
        let next = SessionCounter()
        let started = MonotonicTime.now()
        let perWorker = await withTaskGroup(of: Result.self) { group in
            for worker in 0..<concurrency {
                let loop = EventLoopGroup.shared.next()
                group.addTask(executorPreference: loop) {
                    var result = Result(sessions: 0, commands: 0, seconds: 0, roundTrips: [], failures: 0)
                    while true {
                        let index = next.value.add(1, ordering: .relaxed).oldValue
                        guard index < totalSessions else { break }
                        do {
                            try await runSession(uniqueID: "1795460000.\(worker * 1_000_000 + index)", loop: loop, into: &result)
                            result.sessions += 1
                        } catch {
                            result.failures += 1
                        }
                    }
                    return result
                }
            }
            var all: [Result] = []
            for await result in group { all.append(result) }
            return all
        }
        let seconds = started.secondsElapsed
        return Result(
            sessions: perWorker.map(\.sessions).reduce(0, +),
            commands: perWorker.map(\.commands).reduce(0, +),
            seconds: seconds,
            roundTrips: perWorker.flatMap(\.roundTrips),
            failures: perWorker.map(\.failures).reduce(0, +)
        )
    }

    private func runSession(uniqueID: String, loop: EventLoop, into result: inout Result) async throws {
        let connection = try await Connection.connect(to: target, deadline: .after(.seconds(10)), loop: loop)
        defer { connection.close() }
        var reader = FramedReader(connection: connection)
        try await connection.write(Self.environment(script: script, uniqueID: uniqueID))
        var sent = MonotonicTime.now()
        while let command = try await reader.readLine(deadline: .after(.seconds(30))) {
            let now = MonotonicTime.now()
            result.roundTrips.append(now.nanoseconds - sent.nanoseconds)
            result.commands += 1
            _ = command
            if pace > .zero { try await hold(connection) }
            try await connection.write(Self.reply)
            sent = MonotonicTime.now()
        }
    }

    /// Holds the reply as Asterisk does while a prompt plays: the line stays quiet for the pace,
    /// spread over ±50% so sessions that started together do not stay in step. The timer is the
    /// loop's own read deadline (Task.sleep costs a Dispatch timer and a thread hop per call).
    private func hold(_ connection: Connection) async throws {
        do {
            _ = try await connection.read(deadline: .after(pace * Double.random(in: 0.5...1.5)))
            throw BenchmarkError("the server wrote before its command was answered")
        } catch ConnectionError.timedOut {}
    }

    static let reply = Array("200 result=1 (bench-value)\n".utf8)

    /// The environment the simulator's channels send, as Asterisk 20 does.
    static func environment(script: String, uniqueID: String) -> [UInt8] {
        var identity = ChannelIdentity(channel: "Local/5551234@from-trunk-00000000;2", type: "Local", uniqueID: uniqueID, context: "from-trunk", exten: "5551234")
        identity.callerIDNumber = "5550001"
        identity.callerIDName = "Lab Caller"
        identity.priority = 3
        return identity.environment(host: "127.0.0.1:4573", script: script, arguments: [])
    }
}

/// Hands out session numbers to the workers.
private final class SessionCounter: Sendable {
    let value = Atomic<Int>(0)
}

import Config
import Core
import Foundation
import Testing
import Wire
@testable import App

@Suite(.timeLimit(.minutes(1))) struct ControlSocketTests {
    struct Echo: Codable, Sendable, Equatable {
        var said: String
    }

    func withControlServer(_ body: (ControlClient, ControlServer) async throws -> Void) async throws {
        let path = NSTemporaryDirectory() + "sb-control-\(UUID().uuidString.prefix(8)).ctl"
        let router = ControlRouter()
        router.register("echo", role: .supervisor, changes: false) { request in Echo(said: request.arguments["text"] ?? "") }
        router.register("fail", role: .supervisor, changes: false) { _ in throw ControlCommandError("queue 'nope' does not exist") }
        let server = try await ControlServer(path: path, router: router, policy: AccessPolicy(SwitchboardConfig.Control()), audit: { _ in }, logger: .silent)
        let running = Task { await server.run() }
        try await body(ControlClient(path: path), server)
        server.stopAccepting()
        server.closeAll()
        await running.value
        #expect(!FileManager.default.fileExists(atPath: path), "the socket file is removed on shutdown")
    }

    @Test func roundTripOfATypedCommand() async throws {
        try await withControlServer { client, server in
            let reply = try await client.send("echo", arguments: ["text": "hello 世界"], as: Echo.self)
            #expect(reply == Echo(said: "hello 世界"))
            var status = stat()
            #expect(stat(server.path, &status) == 0)
            #expect(status.st_mode & 0o777 == 0o660)
        }
    }

    @Test func errorsComeBackAsText() async throws {
        try await withControlServer { client, _ in
            await #expect(throws: ControlCommandError.self) { try await client.send("fail", as: Echo.self) }
            let unknown = try await client.exchange(ControlRequest(command: "stauts"))
            #expect(unknown == #"{"error":"unknown command 'stauts' (known: echo, fail)","ok":false}"#)
        }
    }

    @Test func malformedAndOversizedRequestsGetClearReplies() async throws {
        try await withControlServer { _, server in
            let connection = try await Connection.connect(to: .unix(path: server.path))
            var reader = FramedReader(connection: connection)
            try await connection.write("this is not json\n")
            let malformed = try await reader.readLine(deadline: .after(.seconds(5)))
            #expect(malformed?.contains("malformed request") == true)
            try await connection.write([UInt8](repeating: 0x7B, count: ControlServer.maxRequestLength + 10))
            let oversized = try await reader.readLine(deadline: .after(.seconds(5)))
            #expect(oversized?.contains("request longer than") == true)
            #expect(try await reader.readLine(deadline: .after(.seconds(5))) == nil, "then the server closes")
            connection.close()
        }
    }

    @Test func aSecondServerOnTheSameSocketIsRefused() async throws {
        try await withControlServer { client, _ in
            await #expect(throws: ControlCommandError.self) {
                _ = try await ControlServer(path: client.path, router: ControlRouter(), policy: AccessPolicy(SwitchboardConfig.Control()), audit: { _ in }, logger: .silent)
            }
        }
    }

    @Test func aStaleSocketFileIsReplaced() async throws {
        let path = NSTemporaryDirectory() + "sb-stale-\(UUID().uuidString.prefix(8)).ctl"
        let stale = try Listener(bind: .unix(path: path))
        stale.close()  // the file stays behind, as after a crash
        #expect(FileManager.default.fileExists(atPath: path))
        let server = try await ControlServer(path: path, router: ControlRouter(), policy: AccessPolicy(SwitchboardConfig.Control()), audit: { _ in }, logger: .silent)
        server.stopAccepting()
    }

    @Test func noServerIsAClearError() async throws {
        let client = ControlClient(path: "/tmp/definitely-not-here-\(UUID().uuidString).ctl")
        do {
            _ = try await client.send("status", as: StatusReport.self)
            Issue.record("expected an error")
        } catch {
            #expect("\(error)".hasPrefix("no switchboard server is running (control socket /tmp/definitely-not-here-"))
        }
    }
}

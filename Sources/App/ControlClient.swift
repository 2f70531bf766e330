import Core
import Foundation
import Wire

/// Sends one request to a running server's control socket and reads its reply.
public struct ControlClient: Sendable {
    public let path: String
    public var timeout: Duration = .seconds(10)

    public init(path: String) { self.path = path }

    /// The result of `command`, decoded as `Result`. Throws `ControlClientError` when no server
    /// answers, and `ControlCommandError` with the server's text when it refuses the request.
    public func send<Result: Decodable>(
        _ command: String,
        arguments: [String: String] = [:],
        as type: Result.Type = Result.self
    ) async throws -> Result {
        let reply = try await exchange(ControlRequest(command: command, arguments: arguments))
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let reading = try decoder.decode(ControlReplyReading<Result>.self, from: Data(reply.utf8))
        if let error = reading.error { throw ControlCommandError(error) }
        guard reading.ok, let result = reading.result else { throw ControlCommandError("empty reply from the server") }
        return result
    }

    /// The raw JSON reply line: what `--json` prints.
    public func exchange(_ request: ControlRequest) async throws -> String {
        guard FileManager.default.fileExists(atPath: path) else {
            throw ControlClientError.noServer(path: path, reason: "no such socket")
        }
        let connection: Connection
        do {
            connection = try await Connection.connect(to: .unix(path: path), deadline: .after(timeout))
        } catch let error as SocketError {
            throw ControlClientError.noServer(path: path, reason: error.reason)
        }
        defer { connection.close() }
        let encoded = try JSONEncoder().encode(request)
        try await connection.write(Array(encoded) + [0x0A], deadline: .after(timeout))
        var reader = FramedReader(connection: connection, framer: Framer(maxLineLength: 16 * 1024 * 1024))
        guard let line = try await reader.readLine(deadline: .after(timeout)) else {
            throw ControlClientError.noReply(path: path)
        }
        return line
    }
}

public enum ControlClientError: Error, CustomStringConvertible {
    case noServer(path: String, reason: String)
    case noReply(path: String)

    public var description: String {
        switch self {
        case .noServer(let path, let reason): "no switchboard server is running (control socket \(path): \(reason))"
        case .noReply(let path): "the server closed the control socket \(path) without replying"
        }
    }
}

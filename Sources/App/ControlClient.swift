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
        let (connection, reader) = try await open(request)
        defer { connection.close() }
        var lines = reader
        guard let line = try await lines.readLine(deadline: .after(timeout)) else {
            throw ControlClientError.noReply(path: path)
        }
        return line
    }

    /// Runs `command` as a subscription: `each` gets every result the server sends, raw JSON
    /// line and decoded, until the server closes (`ControlClientError.noReply`, or `.ended` once
    /// results have come) or refuses (`ControlCommandError`). Silence past `timeout` is an end too.
    public func subscribe<Result: Decodable>(
        _ command: String, arguments: [String: String] = [:], as type: Result.Type = Result.self,
        each: (_ line: String, _ result: Result) async throws -> Void
    ) async throws {
        let (connection, reader) = try await open(ControlRequest(command: command, arguments: arguments))
        defer { connection.close() }
        var lines = reader
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        var received = 0
        while true {
            let line: String?
            do {
                line = try await lines.readLine(deadline: .after(timeout))
            } catch let error as SocketError {
                throw ControlClientError.ended(path: path, reason: error.reason)
            }
            guard let line else { throw received == 0 ? ControlClientError.noReply(path: path) : ControlClientError.ended(path: path, reason: "closed") }
            let reading = try decoder.decode(ControlReplyReading<Result>.self, from: Data(line.utf8))
            if let error = reading.error { throw ControlCommandError(error) }
            guard let result = reading.result else { throw ControlCommandError("empty reply from the server") }
            received += 1
            try await each(line, result)
        }
    }

    /// A connection with `request` sent on it, and its reader.
    private func open(_ request: ControlRequest) async throws -> (Connection, FramedReader) {
        guard FileManager.default.fileExists(atPath: path) else {
            throw ControlClientError.noServer(path: path, reason: "no such socket")
        }
        let connection: Connection
        do {
            connection = try await Connection.connect(to: .unix(path: path), deadline: .after(timeout))
        } catch let error as SocketError {
            throw ControlClientError.noServer(path: path, reason: error.reason)
        }
        do {
            let encoded = try JSONEncoder().encode(request)
            try await connection.write(Array(encoded) + [0x0A], deadline: .after(timeout))
        } catch {
            connection.close()
            throw error
        }
        return (connection, FramedReader(connection: connection, framer: Framer(maxLineLength: 16 * 1024 * 1024)))
    }
}

public enum ControlClientError: Error, CustomStringConvertible {
    case noServer(path: String, reason: String)
    case noReply(path: String)
    /// A subscription stopped: the server went away or fell silent.
    case ended(path: String, reason: String)

    /// Why, without the socket's path.
    public var reason: String {
        switch self {
        case .noServer(_, let reason), .ended(_, let reason): reason
        case .noReply: "closed without replying"
        }
    }

    public var description: String {
        switch self {
        case .ended(let path, let reason): "the server's subscription on \(path) ended (\(reason))"
        case .noServer(let path, let reason): "no switchboard server is running (control socket \(path): \(reason))"
        case .noReply(let path): "the server closed the control socket \(path) without replying"
        }
    }
}

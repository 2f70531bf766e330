import Core
import Foundation
import Glibc
import Wire

/// The Unix-domain control socket (mode 0660) that `switchboard` commands use to reach the
/// running server: one JSON request per line, one JSON reply per line.
public final class ControlServer: Sendable {
    public static let maxRequestLength = 64 * 1024
    static let idleTimeout = Duration.seconds(60)

    public let path: String
    private let server: ConnectionServer
    private let router: ControlRouter
    private let logger: Logger

    /// Binds `path`. A stale socket file left by a crashed server is replaced; one that a live
    /// server still answers on is an error, so two servers never share a control socket.
    public init(path: String, router: ControlRouter, logger: Logger) async throws {
        try Self.prepare(path: path)
        let listener = try Listener(bind: .unix(path: path))
        guard chmod(path, 0o660) == 0 else {
            listener.close()
            throw SocketError(operation: "chmod(\(path))", errno: errno)
        }
        self.path = path
        self.router = router
        self.logger = logger
        server = ConnectionServer(name: "control", listener: listener, maxConnections: 64, logger: logger)
    }

    private static func prepare(path: String) throws {
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        guard FileManager.default.fileExists(atPath: path) else { return }
        var status = stat()
        if lstat(path, &status) == 0, status.st_mode & S_IFMT != S_IFSOCK {
            throw ControlCommandError("\(path) exists and is not a socket; refusing to replace it")
        }
        if Connection.isAnswering(.unix(path: path)) {
            throw ControlCommandError("another switchboard server is running (its control socket \(path) answers)")
        }
        unlink(path)
    }

    public func run() async {
        await server.run { [self] connection in await serve(connection) }
    }

    public func stopAccepting() {
        server.stopAccepting()
        unlink(path)
    }

    public func closeAll() { server.closeAll() }

    private func serve(_ connection: Connection) async {
        var reader = FramedReader(connection: connection, framer: Framer(maxLineLength: Self.maxRequestLength))
        do {
            while let line = try await reader.readLine(deadline: .after(Self.idleTimeout)) {
                switch await answer(line) {
                case .reply(let reply):
                    try await connection.write(reply + "\n", deadline: .after(.seconds(10)))
                case .stream(let handler, let request):
                    // The connection is the subscription's from here until either side ends it.
                    try await stream(handler, request, to: connection)
                    return
                }
            }
        } catch {
            logger.debug("control connection ended", ["error": "\(error)"])
            if case FramingError.lineTooLong = error {
                let reply = Self.encode(ControlReply(error: "request longer than \(Self.maxRequestLength) bytes"))
                try? await connection.write(reply + "\n", deadline: .after(.seconds(1)))
            }
        }
    }

    enum Answer {
        case reply(String)
        case stream(ControlRouter.StreamHandler, ControlRequest)
    }

    func answer(_ line: String) async -> Answer {
        let request: ControlRequest
        do {
            request = try JSONDecoder().decode(ControlRequest.self, from: Data(line.utf8))
        } catch {
            return .reply(Self.encode(ControlReply(error: "malformed request: expected {\"command\": \"…\"} as one JSON line")))
        }
        switch router.route(for: request.command) {
        case nil:
            let known = router.commands.joined(separator: ", ")
            return .reply(Self.encode(ControlReply(error: "unknown command '\(request.command)' (known: \(known))")))
        case .stream(let handler):
            return .stream(handler, request)
        case .reply(let handler):
            do {
                return .reply(Self.encode(ControlReply(result: try await handler(request))))
            } catch {
                logger.warning("control command failed", ["command": request.command, "error": "\(error)"])
                return .reply(Self.encode(ControlReply(error: "\(error)")))
            }
        }
    }

    /// Runs a subscription: each result is one reply line; a refusal is one error line.
    private func stream(_ handler: ControlRouter.StreamHandler, _ request: ControlRequest, to connection: Connection) async throws {
        do {
            try await handler(request) { result in
                try await connection.write(Self.encode(ControlReply(result: result)) + "\n", deadline: .after(.seconds(10)))
            }
        } catch let error as ControlCommandError {
            try await connection.write(Self.encode(ControlReply(error: "\(error)")) + "\n", deadline: .after(.seconds(1)))
        }
    }

    static func encode(_ reply: ControlReply) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        guard let data = try? encoder.encode(reply) else { return #"{"error":"reply could not be encoded","ok":false}"# }
        return String(decoding: data, as: UTF8.self)
    }
}

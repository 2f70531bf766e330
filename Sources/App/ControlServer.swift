import Core
import Foundation
import Glibc
import Store
import Wire

/// The Unix-domain control socket (mode 0660) that `switchboard` commands use to reach the
/// running server: one JSON request per line, one JSON reply per line. Who is asking comes
/// from the socket's peer credentials; a request needing a role its sender lacks is refused
/// before it runs, and every request that needs more than the agent role — or changes an
/// agent's state — is written to the audit trail with its result.
public final class ControlServer: Sendable {
    /// Writes one audit row; the reply waits for it.
    public typealias Audit = @Sendable (AuditEntry) async -> Void

    public static let maxRequestLength = 64 * 1024
    static let idleTimeout = Duration.seconds(60)

    public let path: String
    private let server: ConnectionServer
    private let router: ControlRouter
    private let policy: AccessPolicy
    private let audit: Audit
    private let logger: Logger

    /// Binds `path` (owned by `group` when given). A stale socket file left by a crashed server
    /// is replaced; one that a live server still answers on is an error, so two servers never
    /// share a control socket.
    public init(path: String, group: String? = nil, router: ControlRouter, policy: AccessPolicy, audit: @escaping Audit, logger: Logger) async throws {
        try Self.prepare(path: path)
        let listener = try Listener(bind: .unix(path: path))
        guard chmod(path, 0o660) == 0 else {
            listener.close()
            throw SocketError(operation: "chmod(\(path))", errno: errno)
        }
        if let group {
            guard let entry = getgrnam(group) else {
                listener.close()
                throw ControlCommandError("[control] group: no group '\(group)'")
            }
            guard chown(path, UInt32.max, entry.pointee.gr_gid) == 0 else {
                listener.close()
                throw SocketError(operation: "chown(\(path), group \(group))", errno: errno)
            }
        }
        self.path = path
        self.router = router
        self.policy = policy
        self.audit = audit
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
        let identity = connection.peerCredentials.map { Identity.of(uid: $0.uid) }
        do {
            while let line = try await reader.readLine(deadline: .after(Self.idleTimeout)) {
                switch await answer(line, from: identity) {
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

    func answer(_ line: String, from identity: Identity?) async -> Answer {
        var request: ControlRequest
        do {
            request = try JSONDecoder().decode(ControlRequest.self, from: Data(line.utf8))
        } catch {
            return .reply(Self.encode(ControlReply(error: "malformed request: expected {\"command\": \"…\"} as one JSON line")))
        }
        guard let entry = router.entry(for: request.command) else {
            let known = router.commands.joined(separator: ", ")
            return .reply(Self.encode(ControlReply(error: "unknown command '\(request.command)' (known: \(known))")))
        }
        let who = identity ?? Identity(uid: UInt32.max, user: "unknown", groups: [])
        do {
            request.role = try policy.require(entry.role, of: who, for: request.command)
            request.identity = who
            // An agent changes only their own state.
            if request.role == .agent, let agent = request.arguments["agent"], agent != policy.agentID(of: who) {
                throw AccessDenied(description: "\(who.user) may change only their own state (agent \(policy.agentID(of: who) ?? "none")), not agent \(agent)'s; that needs the supervisor role")
            }
        } catch {
            logger.warning("control command refused", ["command": request.command, "user": who.user, "error": "\(error)"])
            await record(request, who: who, role: nil, result: "refused: \(error)")
            return .reply(Self.encode(ControlReply(error: "\(error)")))
        }
        switch entry.route {
        case .stream(let handler):
            await record(request, who: who, role: request.role, result: "ok")
            return .stream(handler, request)
        case .reply(let handler):
            do {
                let result = try await handler(request)
                await record(request, who: who, role: request.role, result: "ok")
                return .reply(Self.encode(ControlReply(result: result)))
            } catch {
                logger.warning("control command failed", ["command": request.command, "error": "\(error)"])
                await record(request, who: who, role: request.role, result: "failed: \(error)")
                return .reply(Self.encode(ControlReply(error: "\(error)")))
            }
        }
    }

    /// The audit row of a request that changes something, or of any refused one.
    private func record(_ request: ControlRequest, who: Identity, role: Role?, result: String) async {
        guard router.isAudited(request.command) || result.hasPrefix("refused") else { return }
        let arguments = request.arguments.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        await audit(AuditEntry(user: "user:" + who.user, role: role?.rawValue ?? "none", command: request.command, arguments: arguments, result: result))
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

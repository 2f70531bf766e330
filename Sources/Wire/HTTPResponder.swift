import Core
import Foundation

/// A small HTTP/1.1 responder for a monitoring scrape: GET (and HEAD) only, one request per
/// connection, answered and closed. A request head is at most `maxRequestBytes` and must
/// arrive within `requestTimeout`; a slower client is closed so that it holds nothing.
public final class HTTPResponder: Sendable {
    public struct Response: Sendable {
        public var status: Int
        public var contentType: String
        public var body: [UInt8]
        /// Extra header lines (`Allow: GET, HEAD`).
        public var headers: [(String, String)]

        public init(status: Int, contentType: String = "text/plain; charset=utf-8", body: String, headers: [(String, String)] = []) {
            self.status = status
            self.contentType = contentType
            self.body = Array(body.utf8)
            self.headers = headers
        }
    }

    /// Answers a GET of `path` (the query string cut off); nil: 404.
    public typealias Handler = @Sendable (_ path: String) async -> Response?

    public static let maxRequestBytes = 8192
    public let requestTimeout: Duration
    private let server: ConnectionServer
    private let handler: Handler
    private let logger: Logger

    public init(listener: Listener, requestTimeout: Duration = .seconds(5), maxConnections: Int = 64, logger: Logger, handler: @escaping Handler) {
        server = ConnectionServer(name: "http", listener: listener, maxConnections: maxConnections, logger: logger)
        self.requestTimeout = requestTimeout
        self.handler = handler
        self.logger = logger
    }

    public var localAddress: SocketAddress { server.listener.localAddress }

    public func run() async {
        await server.run { [self] connection in await serve(connection) }
    }

    public func stopAccepting() { server.stopAccepting() }

    public func closeAll() { server.closeAll() }

    private func serve(_ connection: Connection) async {
        let deadline = MonotonicTime.after(requestTimeout)
        var head: [UInt8] = []
        let end: [UInt8] = Array("\r\n\r\n".utf8)
        do {
            while !head.contains(run: end) {
                guard head.count < Self.maxRequestBytes else {
                    return await refuse(connection, Response(status: 431, body: "request head over \(Self.maxRequestBytes) bytes\n"))
                }
                let bytes = try await connection.read(maximum: Self.maxRequestBytes - head.count, deadline: deadline)
                if bytes.isEmpty { return }
                head += bytes
            }
        } catch {
            // Too slow, or gone: nothing to answer.
            logger.debug("http request not read", ["peer": "\(connection.peer)", "error": "\(error)"])
            return
        }
        let line = String(decoding: head.prefix { $0 != 0x0D }, as: UTF8.self).split(separator: " ")
        guard line.count == 3, line[2].hasPrefix("HTTP/1."), line[1].hasPrefix("/") else {
            return await refuse(connection, Response(status: 400, body: "not an HTTP/1.x request line\n"))
        }
        let method = line[0]
        guard method == "GET" || method == "HEAD" else {
            return await refuse(connection, Response(status: 405, body: "only GET and HEAD\n", headers: [("Allow", "GET, HEAD")]))
        }
        let path = String(line[1].prefix { $0 != "?" })
        let response = await handler(path) ?? Response(status: 404, body: "no such path: \(path)\n")
        await respond(connection, response, head: method == "HEAD")
    }

    /// Answers a request it will not serve. Closing with the client's bytes unread would reset
    /// the connection and lose the answer, so the sending side is shut and what is still coming
    /// is read and dropped for a moment first (a lingering close, bounded in bytes and time).
    private func refuse(_ connection: Connection, _ response: Response) async {
        await respond(connection, response, head: false)
        connection.shutdownWrite()
        let deadline = MonotonicTime.after(.seconds(1))
        var dropped = 0
        while dropped < 1 << 20, let bytes = try? await connection.read(deadline: deadline), !bytes.isEmpty { dropped += bytes.count }
    }

    private func respond(_ connection: Connection, _ response: Response, head: Bool) async {
        var text = "HTTP/1.1 \(response.status) \(Self.reason(response.status))\r\nContent-Type: \(response.contentType)\r\n"
        text += "Content-Length: \(response.body.count)\r\nConnection: close\r\n"
        for (name, value) in response.headers { text += "\(name): \(value)\r\n" }
        text += "\r\n"
        try? await connection.write(Array(text.utf8) + (head ? [] : response.body), deadline: MonotonicTime.after(requestTimeout))
    }

    static func reason(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 400: "Bad Request"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 431: "Request Header Fields Too Large"
        case 503: "Service Unavailable"
        default: "Status"
        }
    }
}

extension Array where Element == UInt8 {
    /// Whether `needle` occurs in the bytes (the blank line that ends a request head).
    fileprivate func contains(run needle: [UInt8]) -> Bool {
        count >= needle.count && (0...(count - needle.count)).contains { self[$0..<($0 + needle.count)].elementsEqual(needle) }
    }
}

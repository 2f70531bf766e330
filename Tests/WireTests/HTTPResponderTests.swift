import Core
import Glibc
import Testing
@testable import Wire

/// The monitoring responder over real sockets: what it answers, and what it refuses or drops.
@Suite(.timeLimit(.minutes(1))) struct HTTPResponderTests {
    final class Running {
        let responder: HTTPResponder
        let task: Task<Void, Never>

        init(requestTimeout: Duration = .seconds(5)) throws {
            responder = HTTPResponder(
                listener: try Listener(bind: try SocketAddress(host: "127.0.0.1", port: 0)), requestTimeout: requestTimeout, logger: .silent
            ) { path in
                path == "/metrics" ? HTTPResponder.Response(status: 200, body: "up 1\n") : nil
            }
            let responder = responder
            task = Task { await responder.run() }
        }

        /// Sends `request` and reads the whole answer, until the responder closes.
        func exchange(_ request: [UInt8]) async throws -> String {
            let connection = try await Connection.connect(to: responder.localAddress)
            defer { connection.close() }
            try await connection.write(request)
            var answer: [UInt8] = []
            while true {
                let bytes = try await connection.read(deadline: .after(.seconds(5)))
                if bytes.isEmpty { return String(decoding: answer, as: UTF8.self) }
                answer += bytes
            }
        }

        func exchange(_ request: String) async throws -> String { try await exchange(Array(request.utf8)) }

        func stop() async {
            responder.stopAccepting()
            await task.value
        }
    }

    @Test func getAnswersWithLengthAndClosesHeadHasNoBody() async throws {
        let http = try Running()
        let answer = try await http.exchange("GET /metrics?x=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        #expect(answer == "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 5\r\nConnection: close\r\n\r\nup 1\n")
        let head = try await http.exchange("HEAD /metrics HTTP/1.0\r\n\r\n")
        #expect(head.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(head.hasSuffix("Content-Length: 5\r\nConnection: close\r\n\r\n"))
        await http.stop()
    }

    @Test func otherMethodsPathsAndNonHTTPAreRefusedByName() async throws {
        let http = try Running()
        let post = try await http.exchange("POST /metrics HTTP/1.1\r\nContent-Length: 0\r\n\r\n")
        #expect(post.hasPrefix("HTTP/1.1 405 Method Not Allowed\r\n"))
        #expect(post.contains("\r\nAllow: GET, HEAD\r\n"))
        #expect(try await http.exchange("GET /other HTTP/1.1\r\n\r\n").hasSuffix("\r\n\r\nno such path: /other\n"))
        #expect(try await http.exchange("hello there\r\n\r\n").hasPrefix("HTTP/1.1 400 Bad Request\r\n"))
        await http.stop()
    }

    @Test func anOversizedHeadIsRefusedAndASlowClientIsDroppedWhileOthersAreServed() async throws {
        // Long enough that a loaded test machine never starves the polite client past it.
        let http = try Running(requestTimeout: .seconds(2))
        var flood = Array("GET /metrics HTTP/1.1\r\n".utf8)
        flood += [UInt8](repeating: 0x58, count: HTTPResponder.maxRequestBytes)
        #expect(try await http.exchange(flood).hasPrefix("HTTP/1.1 431 "))
        // Half a request head, then silence: closed once the request time is over.
        let slow = try await Connection.connect(to: http.responder.localAddress)
        try await slow.write("GET /metrics HTTP/1.1\r\n")
        #expect(try await http.exchange("GET /metrics HTTP/1.1\r\n\r\n").hasSuffix("up 1\n"))
        #expect(try await slow.read(deadline: .after(.seconds(10))).isEmpty)
        slow.close()
        await http.stop()
    }
}

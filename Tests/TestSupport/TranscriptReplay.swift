import Core
import Wire

/// Plays Asterisk's side of a recorded conversation against our side: sends exactly the bytes
/// Asterisk sent, in the recorded chunks, and checks that ours sends exactly the bytes the
/// recorded app sent, in between. For FastAGI Asterisk connects to our server; for AMI ours
/// connects to an Asterisk that listens.
public enum TranscriptReplay {
    public struct Mismatch: Error, CustomStringConvertible {
        public var chunk: Int
        public var expected: String
        public var received: String
        public var description: String {
            "chunk \(chunk): expected \(expected.debugDescription), received \(received.debugDescription)"
        }
    }

    /// Connects to `address` as Asterisk would and replays the transcript. Returns once the
    /// server has closed the connection (or, where Asterisk closed first, once we have).
    public static func play(_ transcript: Transcript, against address: SocketAddress, timeout: Duration = .seconds(10)) async throws {
        let connection = try await Connection.connect(to: address)
        defer { connection.close() }
        try await play(transcript, on: connection, timeout: timeout)
    }

    /// Listens as Asterisk's manager interface would: accepts one connection on `listener` and
    /// replays the transcript on it, then closes.
    public static func serve(_ transcript: Transcript, on listener: Listener, timeout: Duration = .seconds(10)) async throws {
        let connection = try await listener.accept()
        defer { connection.close() }
        try await play(transcript, on: connection, timeout: timeout)
    }

    /// Replays the transcript on an open connection. Returns once the other side has closed
    /// (or, where Asterisk closed first, once every recorded chunk is sent).
    public static func play(_ transcript: Transcript, on connection: Connection, timeout: Duration = .seconds(10)) async throws {
        var pending: [UInt8] = []
        for (index, chunk) in transcript.chunks.enumerated() {
            switch chunk.direction {
            case .fromAsterisk:
                try await connection.write(chunk.bytes)
            case .fromApp:
                let deadline = MonotonicTime.after(timeout)
                while pending.count < chunk.bytes.count {
                    let bytes: [UInt8]
                    do {
                        bytes = try await connection.read(deadline: deadline)
                    } catch {
                        throw Mismatch(chunk: index, expected: text(chunk.bytes), received: text(pending) + " (then \(error))")
                    }
                    if bytes.isEmpty {
                        throw Mismatch(chunk: index, expected: text(chunk.bytes), received: text(pending) + " (then end of stream)")
                    }
                    pending += bytes
                }
                let received = Array(pending.prefix(chunk.bytes.count))
                pending.removeFirst(chunk.bytes.count)
                if received != chunk.bytes {
                    throw Mismatch(chunk: index, expected: text(chunk.bytes), received: text(received))
                }
            }
        }
        if transcript.asteriskClosed { return }
        // The recorded app closed the connection at the end: ours must too, sending nothing more.
        while true {
            let bytes = try await connection.read(deadline: .after(timeout))
            if bytes.isEmpty { break }
            pending += bytes
        }
        if !pending.isEmpty {
            throw Mismatch(chunk: transcript.chunks.count, expected: "(end of stream)", received: text(pending))
        }
    }

    static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }
}

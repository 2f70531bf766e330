import Core

/// Reads whole lines or header blocks from a connection, with a deadline on each.
///
/// Owned by the one task that reads the connection.
public struct FramedReader: Sendable {
    public let connection: Connection
    public private(set) var framer: Framer
    /// Most bytes taken from the socket at once.
    public let readSize: Int
    /// Bytes asked for by the next read: small at first, doubled up to `readSize` whenever a
    /// read fills it. The framer frees its buffer before each wait and allocates it again on the
    /// next read, so the first size is kept under 1 KB, where malloc serves it from its
    /// per-thread cache (larger requests take its slower large-chunk path every time).
    private var room = 960

    public init(connection: Connection, framer: Framer = Framer(), readSize: Int = 16_384) {
        self.connection = connection
        self.framer = framer
        self.readSize = readSize
    }

    /// The next line (LF and a CR before it removed), or nil at a clean end-of-file.
    ///
    /// Throws `ConnectionError.timedOut` when `deadline` passes, `FramingError` on an oversized
    /// line, `ConnectionError.peerClosedMidMessage` when the peer closes inside a line.
    public mutating func readLine(deadline: MonotonicTime? = nil) async throws -> String? {
        var text: String?
        guard try await readLine(deadline: deadline, { text = String(decoding: $0, as: UTF8.self) }) else { return nil }
        return text
    }

    /// Gives the next line's bytes (LF and a CR before it removed) to `body`, where they lie in
    /// the buffer; false at a clean end-of-file. For a parser that needs no `String` of the line.
    ///
    /// Throws as `readLine(deadline:)` does, and whatever `body` throws.
    public mutating func readLine(deadline: MonotonicTime? = nil, _ body: (ArraySlice<UInt8>) throws -> Void) async throws -> Bool {
        while true {
            if let line = try framer.nextLine() {
                try body(line)
                return true
            }
            guard try await fill(deadline: deadline) else { return false }
        }
    }

    /// The next blank-line-terminated block (its lines, terminators included), or nil at a clean end-of-file.
    public mutating func readBlock(deadline: MonotonicTime? = nil) async throws -> ArraySlice<UInt8>? {
        while true {
            if let block = try framer.nextBlock() { return block }
            guard try await fill(deadline: deadline) else { return nil }
        }
    }

    /// Reads until `parse` takes something: it is given every byte received and not yet taken,
    /// and returns how many it took (whole messages, and whatever separates them); what it
    /// leaves is given again with the next read's bytes after it. False at a clean end-of-file.
    ///
    /// For a protocol parser that handles all the messages of a read at once and finds their
    /// ends itself, instead of a scan for the end of each message and a second one to parse it.
    /// - Parameter caughtUp: called when everything received is handled and the socket is
    ///   empty, before waiting for more (a consumer may hold work back until then).
    public mutating func read(
        deadline: MonotonicTime? = nil, caughtUp: () -> Void = {}, _ parse: (UnsafeBufferPointer<UInt8>) throws -> Int
    ) async throws -> Bool {
        while true {
            if framer.pendingByteCount > 0, try framer.take(parse) > 0 { return true }
            guard try await fill(deadline: deadline, beforeWaiting: caughtUp) else { return false }
        }
    }

    /// Reads once into the framer; false at end-of-file with nothing pending.
    private mutating func fill(deadline: MonotonicTime?, beforeWaiting: () -> Void = {}) async throws -> Bool {
        let wanted = min(room, readSize)
        let count = try await connection.read(into: &framer, maximum: wanted, deadline: deadline, beforeWaiting: beforeWaiting)
        if count == 0 {
            // Blank lines between blocks are not a message; anything else unterminated is.
            let pending = framer.pendingByteCount
            if pending == 0 { return false }
            throw ConnectionError.peerClosedMidMessage(pendingBytes: pending)
        }
        if count == wanted { room = min(room * 2, readSize) }
        return true
    }
}

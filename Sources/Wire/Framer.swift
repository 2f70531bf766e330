import Glibc

/// Splits a byte stream into LF-terminated lines (AGI) or blank-line-terminated header blocks
/// (AMI), whatever the TCP chunk boundaries: a message split over several reads, or several
/// messages in one read.
///
/// A line longer than `maxLineLength` or a block larger than `maxMessageSize` is an error: the
/// caller reports it and closes the connection, so a peer cannot make the buffer grow unbounded.
public struct Framer: Sendable {
    public static let defaultMaxLineLength = 64 * 1024
    public static let defaultMaxMessageSize = 1024 * 1024

    public let maxLineLength: Int
    public let maxMessageSize: Int

    /// Bytes received are `buffer[start..<end]`; past `end` is room for the next read.
    private var buffer: [UInt8] = []
    /// Start of the first byte not yet handed out.
    private var start = 0
    private var end = 0
    /// Where the block scan resumes: everything between `start` and here is complete lines.
    private var blockScan = 0

    public init(maxLineLength: Int = defaultMaxLineLength, maxMessageSize: Int = defaultMaxMessageSize) {
        self.maxLineLength = maxLineLength
        self.maxMessageSize = maxMessageSize
    }

    /// Bytes received but not yet returned as a line or block.
    public var pendingByteCount: Int { end - start }

    public mutating func append(_ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { source in
            fill(upTo: source.count) { room in
                room.copyMemory(from: source)
                return source.count
            }
        }
    }

    /// Receives up to `count` bytes straight into the buffer, with no copy in between: `body`
    /// writes into the room it is given and returns how many bytes it wrote, or nil for none.
    public mutating func fill(upTo count: Int, _ body: (UnsafeMutableRawBufferPointer) throws -> Int?) rethrows -> Int? {
        makeRoom(count)
        let written = try buffer.withUnsafeMutableBytes { [end] raw in
            try body(UnsafeMutableRawBufferPointer(rebasing: raw[end..<end + count]))
        }
        if let written { end += written }
        return written
    }

    /// Makes `count` bytes of room after `end`: what was handed out is dropped first (moving
    /// the pending bytes to the front), and the buffer grows only when pending bytes fill it.
    private mutating func makeRoom(_ count: Int) {
        if start == end {
            start = 0
            end = 0
            blockScan = 0
        } else if start > 0, buffer.count - end < count {
            buffer.withUnsafeMutableBytes { raw in
                raw.baseAddress!.copyMemory(from: raw.baseAddress! + start, byteCount: end - start)
            }
            end -= start
            blockScan -= start
            start = 0
        }
        if buffer.count - end < count {
            // Room only: every byte past `end` is written by a read before it is looked at.
            let grown = [UInt8](unsafeUninitializedCapacity: end + count) { room, initialized in
                if end > 0 { room.baseAddress!.update(from: buffer, count: end) }
                initialized = end + count
            }
            buffer = grown
        }
    }

    /// Frees the buffer when nothing is pending: an idle connection then holds no bytes for
    /// reads that may be minutes away (called before waiting for the peer).
    public mutating func releaseIfEmpty() {
        guard start == end, !buffer.isEmpty else { return }
        buffer = []
        start = 0
        end = 0
        blockScan = 0
    }

    /// Gives `body` the bytes not yet handed out; it returns how many of them it took. What is
    /// left may not exceed `maxMessageSize`.
    public mutating func take(_ body: (UnsafeBufferPointer<UInt8>) throws -> Int) throws -> Int {
        let taken = try buffer.withUnsafeBufferPointer { [start, end] in try body(UnsafeBufferPointer(rebasing: $0[start..<end])) }
        precondition(taken >= 0 && taken <= end - start, "took \(taken) of \(end - start) bytes")
        start += taken
        blockScan = max(blockScan, start)
        if end - start > maxMessageSize { throw FramingError.messageTooLarge(limit: maxMessageSize) }
        return taken
    }

    /// The next line without its LF (and without a CR before it), or nil until one is complete.
    public mutating func nextLine() throws(FramingError) -> ArraySlice<UInt8>? {
        guard let line = try nextLineRange(from: start) else { return nil }
        let content = buffer[start..<line.contentEnd]
        start = line.next
        blockScan = max(blockScan, start)
        return content
    }

    /// The next header block: the bytes of its lines (each still ending in CRLF or LF), without the
    /// blank line that ends it, or nil until one is complete. Blank lines before a block are skipped.
    public mutating func nextBlock() throws(FramingError) -> ArraySlice<UInt8>? {
        var scan = max(blockScan, start)
        while let line = try nextLineRange(from: scan) {
            if line.contentEnd == scan {
                if scan == start {
                    start = line.next
                    scan = start
                    continue
                }
                let block = buffer[start..<scan]
                start = line.next
                blockScan = start
                return block
            }
            scan = line.next
            if scan - start > maxMessageSize { throw .messageTooLarge(limit: maxMessageSize) }
        }
        blockScan = scan
        if end - start > maxMessageSize { throw .messageTooLarge(limit: maxMessageSize) }
        return nil
    }

    /// The line starting at `from`: where its content ends (before CR LF or LF) and where the next begins.
    private func nextLineRange(from: Int) throws(FramingError) -> (contentEnd: Int, next: Int)? {
        let found: Int? = buffer.withUnsafeBufferPointer { pointer in
            guard from < end, let base = pointer.baseAddress else { return nil }
            guard let hit = memchr(base + from, 0x0A, end - from) else { return nil }
            return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
        }
        guard let newline = found else {
            if end - from > maxLineLength { throw .lineTooLong(limit: maxLineLength) }
            return nil
        }
        if newline - from > maxLineLength { throw .lineTooLong(limit: maxLineLength) }
        let contentEnd = newline > from && buffer[newline - 1] == 0x0D ? newline - 1 : newline
        return (contentEnd, newline + 1)
    }
}

/// Why the framer could not hand out a line or block.
public enum FramingError: Error, Equatable, CustomStringConvertible {
    case lineTooLong(limit: Int)
    case messageTooLarge(limit: Int)

    public var description: String {
        switch self {
        case .lineTooLong(let limit): "line longer than \(limit) bytes"
        case .messageTooLarge(let limit): "message larger than \(limit) bytes"
        }
    }
}

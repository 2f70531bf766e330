import Glibc

/// One AMI message: a header block as Asterisk sent it, headers kept in order (repeated ones
/// such as `Output` or `ChanVariable` included).
///
/// Parsing only records where each name and value lies in the bytes, with a hash of each
/// name; strings are made when a header is asked for, and a lookup compares hashes before
/// bytes. The messages of one read share one byte buffer and one field table
/// (`AMIMessage.parse(_:)`), so a reader hands on a million events a second with two
/// allocations per read instead of several per event; a message kept alive keeps its read's
/// bytes (at most the read size) alive with it.
public struct AMIMessage: Sendable {
    public enum Kind: Sendable, Equatable {
        /// First header `Response:` — the answer to an action.
        case response
        /// First header `Event:` (an `OriginateResponse` event carries `Response:` further down).
        case event
        /// Neither: kept, logged, never matched to an action.
        case unknown
    }

    /// Offsets of one header's name and value in `bytes`, and the hash of its name.
    struct Field: Sendable {
        var nameStart: Int32
        var nameEnd: Int32
        var valueStart: Int32
        var valueEnd: Int32
        var nameHash: UInt32
    }

    let bytes: [UInt8]
    /// The field table this message's headers are in: `fields[firstField..<endField]`.
    let table: [Field]
    let firstField: Int32
    let endField: Int32

    /// Parses one header block (its lines, CRLF or LF terminated, without the blank line).
    /// A line without a colon is kept as a header with an empty name.
    public init(block: ArraySlice<UInt8>) {
        self = Self.parse([block])[0]
    }

    private init(bytes: [UInt8], table: [Field], fields: Range<Int>) {
        self.bytes = bytes
        self.table = table
        self.firstField = Int32(fields.lowerBound)
        self.endField = Int32(fields.upperBound)
    }

    /// Parses header blocks that arrived together; the messages share one copy of their bytes
    /// and one field table.
    public static func parse(_ blocks: [ArraySlice<UInt8>]) -> [AMIMessage] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(blocks.reduce(0) { $0 + $1.count })
        for block in blocks { bytes.append(contentsOf: block) }
        var table: [Field] = []
        table.reserveCapacity(bytes.count / 16)
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(blocks.count)
        bytes.withUnsafeBufferPointer { buffer in
            var blockStart = 0
            for block in blocks {
                let first = table.count
                parseBlock(buffer, from: blockStart, to: blockStart + block.count, into: &table)
                ranges.append(first..<table.count)
                blockStart += block.count
            }
        }
        return ranges.map { AMIMessage(bytes: bytes, table: table, fields: $0) }
    }

    /// Appends the fields of the block at `start..<end` of `buffer` to `table`.
    private static func parseBlock(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int, into table: inout [Field]) {
        let base = buffer.baseAddress!
        var lineStart = start
        while lineStart < end {
            var colon = lineStart
            while colon < end, buffer[colon] != 0x3A, buffer[colon] != 0x0A { colon += 1 }
            let newline = memchr(base + colon, 0x0A, end - colon).map { base.distance(to: $0.assumingMemoryBound(to: UInt8.self)) } ?? end
            let lineEnd = newline > lineStart && buffer[newline - 1] == 0x0D ? newline - 1 : newline
            if colon >= lineEnd {
                table.append(Field(nameStart: Int32(lineStart), nameEnd: Int32(lineStart), valueStart: Int32(lineStart), valueEnd: Int32(lineEnd), nameHash: HeaderHash.empty))
            } else {
                // Asterisk writes "Name: Value"; the value's own trailing spaces are kept.
                let valueStart = colon + 1 < lineEnd && buffer[colon + 1] == 0x20 ? colon + 2 : colon + 1
                let hash = HeaderHash.of(UnsafeBufferPointer(rebasing: buffer[lineStart..<colon]))
                table.append(Field(nameStart: Int32(lineStart), nameEnd: Int32(colon), valueStart: Int32(valueStart), valueEnd: Int32(lineEnd), nameHash: hash))
            }
            lineStart = newline + 1
        }
    }

    /// Builds a message from headers, in order (the simulator and tests speak AMI with it).
    public init(_ headers: [(name: String, value: String)]) {
        var block: [UInt8] = []
        for (name, value) in headers {
            block += Array(name.utf8)
            block += [0x3A, 0x20]
            block += Array(value.utf8)
            block += [0x0D, 0x0A]
        }
        self.init(block: block[...])
    }

    var fields: ArraySlice<Field> { table[Int(firstField)..<Int(endField)] }

    /// The same message in storage of its own, for keeping: a message of a read keeps that
    /// whole read's bytes alive.
    public func compacted() -> AMIMessage {
        // Alone in its storage already.
        if firstField == 0, endField == table.count { return self }
        guard let first = fields.first, let last = fields.last else { return AMIMessage([]) }
        let start = first.nameStart, end = last.valueEnd
        let own = Array(bytes[Int(start)..<Int(end)])
        let moved = fields.map {
            Field(nameStart: $0.nameStart - start, nameEnd: $0.nameEnd - start, valueStart: $0.valueStart - start, valueEnd: $0.valueEnd - start, nameHash: $0.nameHash)
        }
        return AMIMessage(bytes: own, table: moved, fields: 0..<moved.count)
    }

    public var kind: Kind {
        guard let first = fields.first else { return .unknown }
        if first.nameHash == Self.responseHash, nameEquals(first, "Response") { return .response }
        if first.nameHash == Self.eventHash, nameEquals(first, "Event") { return .event }
        return .unknown
    }

    private static let responseHash = HeaderHash.of("Response")
    private static let eventHash = HeaderHash.of("Event")

    /// The first header's value: the event name or the response status.
    public var firstValue: String? { fields.first.map(value) }

    public var actionID: String? { self["ActionID"] }

    /// The first value of the header `name` (case-insensitive, as Asterisk matches them).
    public subscript(_ name: String) -> String? {
        let hash = HeaderHash.of(name)
        for field in fields where field.nameHash == hash && nameEquals(field, name) { return value(field) }
        return nil
    }

    /// The first value of each header of `names`, in one pass over the message (nil where it has none).
    func values(of names: HeaderNames) -> [String?] {
        var found = [String?](repeating: nil, count: names.hashes.count)
        bytes.withUnsafeBufferPointer { buffer in
            for field in fields {
                guard let index = names.index(of: field.nameHash), found[index] == nil,
                      names.folded[index].withUnsafeBufferPointer({ Self.nameEquals(field, $0, in: buffer) }) else { continue }
                found[index] = Self.string(field.valueStart, field.valueEnd, in: buffer)
            }
        }
        return found
    }

    /// Every value of the header `name`, in order.
    public func values(_ name: String) -> [String] {
        let hash = HeaderHash.of(name)
        return fields.filter { $0.nameHash == hash && nameEquals($0, name) }.map(value)
    }

    public var headers: [(name: String, value: String)] {
        fields.map { (string($0.nameStart, $0.nameEnd), value($0)) }
    }

    /// The message as it goes on the wire: its lines in CRLF and the blank line that ends it.
    public var encoded: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(2 * fields.count + 2)
        for field in fields {
            if field.nameEnd > field.nameStart {
                out += bytes[Int(field.nameStart)..<Int(field.nameEnd)]
                out += [0x3A, 0x20]
            }
            out += bytes[Int(field.valueStart)..<Int(field.valueEnd)]
            out += [0x0D, 0x0A]
        }
        return out + [0x0D, 0x0A]
    }

    private func value(_ field: Field) -> String {
        bytes.withUnsafeBufferPointer { Self.string(field.valueStart, field.valueEnd, in: $0) }
    }

    private func string(_ start: Int32, _ end: Int32) -> String {
        bytes.withUnsafeBufferPointer { Self.string(start, end, in: $0) }
    }

    private static func string(_ start: Int32, _ end: Int32, in buffer: UnsafeBufferPointer<UInt8>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: buffer[Int(start)..<Int(end)]), as: UTF8.self)
    }

    private func nameEquals(_ field: Field, _ name: String) -> Bool {
        var name = name
        return name.withUTF8 { wanted in bytes.withUnsafeBufferPointer { Self.nameEquals(field, wanted, in: $0) } }
    }

    private static func nameEquals(_ field: Field, _ wanted: UnsafeBufferPointer<UInt8>, in buffer: UnsafeBufferPointer<UInt8>) -> Bool {
        guard wanted.count == Int(field.nameEnd - field.nameStart) else { return false }
        var offset = Int(field.nameStart)
        for byte in wanted {
            if HeaderHash.folded(buffer[offset]) != HeaderHash.folded(byte) { return false }
            offset += 1
        }
        return true
    }
}

/// A fixed list of header names read together (`AMIMessage.values(of:prefix:)`), hashed once.
struct HeaderNames: Sendable {
    let names: [String]
    let hashes: [UInt32]
    /// Each name's bytes, lowercased.
    let folded: [[UInt8]]
    /// Open addressing by hash: slot → index + 1 (0 is empty), so a header's place is found
    /// without comparing it with every name.
    private let slots: [UInt8]

    init(_ names: [String]) {
        precondition(names.count < 64, "at most 63 header names in one set")
        self.names = names
        self.hashes = names.map(HeaderHash.of)
        precondition(Set(hashes).count == hashes.count, "two header names of one set hash alike: \(names)")
        self.folded = names.map { $0.utf8.map(HeaderHash.folded) }
        var slots = [UInt8](repeating: 0, count: 128)
        for (index, hash) in hashes.enumerated() {
            var slot = Int(hash & 127)
            while slots[slot] != 0 { slot = (slot + 1) & 127 }
            slots[slot] = UInt8(index + 1)
        }
        self.slots = slots
    }

    /// The index of the name with `hash`, if any (the caller compares the bytes).
    func index(of hash: UInt32) -> Int? {
        var slot = Int(hash & 127)
        while slots[slot] != 0 {
            let index = Int(slots[slot]) - 1
            if hashes[index] == hash { return index }
            slot = (slot + 1) & 127
        }
        return nil
    }

    /// The same names with `prefix` before each (`Dest` + `Channel`).
    func prefixed(_ prefix: String) -> HeaderNames { HeaderNames(names.map { prefix + $0 }) }
}

/// A header name's hash from its length and its first and last four bytes, ASCII letters
/// folded to lowercase: equal names (in any case) hash equal, and Asterisk's names differ in
/// length or at an end often enough that a lookup seldom compares bytes in vain. Cheap enough
/// to take for every header of every event.
enum HeaderHash {
    static let empty = of(UnsafeBufferPointer(start: nil, count: 0))

    static func of(_ name: String) -> UInt32 {
        var name = name
        return name.withUTF8 { of($0) }
    }

    @inline(__always)
    static func of(_ name: UnsafeBufferPointer<UInt8>) -> UInt32 {
        let count = name.count
        var head: UInt32 = 0, tail: UInt32 = 0
        for index in 0..<min(4, count) { head = head << 8 | UInt32(name[index] | 0x20) }
        for index in max(0, count - 4)..<count { tail = tail << 8 | UInt32(name[index] | 0x20) }
        var hash = UInt32(truncatingIfNeeded: count) &* 0x9E37_79B1 ^ head
        hash = (hash ^ hash >> 15) &* 0x85EB_CA6B ^ tail
        hash = (hash ^ hash >> 13) &* 0xC2B2_AE35
        return hash ^ hash >> 16
    }

    /// A byte as case-insensitive comparison sees it.
    @inline(__always)
    static func folded(_ byte: UInt8) -> UInt8 {
        byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
    }
}

extension AMIMessage: CustomStringConvertible {
    public var description: String {
        headers.map { $0.name.isEmpty ? $0.value : "\($0.name): \($0.value)" }.joined(separator: "\n")
    }
}

import Glibc

/// One AMI message: a header block as Asterisk sent it, headers kept in order (repeated ones
/// such as `Output` or `ChanVariable` included).
///
/// Parsing records where each name and value lies in the bytes, with a hash of each name;
/// strings are made when a header is asked for, and a lookup compares hashes before bytes.
/// A message is one allocation holding its field table and its bytes, owned by nobody else:
/// messages cross from the reader's thread to subscribers' without two threads ever counting
/// references on one shared buffer.
// Unchecked: its storage (a ManagedBuffer, which is never Sendable) is written only while it is made.
public struct AMIMessage: @unchecked Sendable {
    public enum Kind: Sendable, Equatable {
        /// First header `Response:` — the answer to an action.
        case response
        /// First header `Event:` (an `OriginateResponse` event carries `Response:` further down).
        case event
        /// Neither: kept, logged, never matched to an action.
        case unknown
    }

    /// Offsets of one header's name and value in the message's bytes, and the hash of its name.
    struct Field: Sendable {
        var nameStart: Int32
        var nameEnd: Int32
        var valueStart: Int32
        var valueEnd: Int32
        var nameHash: UInt32
    }

    private let storage: Storage

    /// Parses one header block (its lines, CRLF or LF terminated, without the blank line).
    /// A line without a colon is kept as a header with an empty name.
    public init(block: ArraySlice<UInt8>) {
        self = block.withUnsafeBufferPointer { Self.parse(block: $0) }
    }

    /// Parses the whole header blocks at the start of `bytes` (each ended by a blank line; blank
    /// lines between them skipped) into `messages`, finding where each ends as it goes. Returns
    /// how many bytes they took: an unfinished block at the end is left for the next read.
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>, into messages: inout [AMIMessage]) -> Int {
        guard let base = bytes.baseAddress else { return 0 }
        var fields: [Field] = []
        fields.reserveCapacity(32)
        var taken = 0
        var lineStart = 0
        while let line = nextLine(in: bytes, base: base, from: lineStart, to: bytes.count) {
            if line.end > lineStart {
                fields.append(field(in: bytes, line: lineStart..<line.end, colon: line.colon, relativeTo: taken))
            } else if !fields.isEmpty {
                let block = UnsafeBufferPointer(rebasing: bytes[taken..<lineStart])
                messages.append(AMIMessage(storage: fields.withUnsafeBufferPointer { Storage.make(fields: $0, bytes: block) }))
                fields.removeAll(keepingCapacity: true)
                taken = line.next
            } else {
                taken = line.next
            }
            lineStart = line.next
        }
        return taken
    }

    private static func parse(block: UnsafeBufferPointer<UInt8>) -> AMIMessage {
        var fields: [Field] = []
        if let base = block.baseAddress {
            var lineStart = 0
            while lineStart < block.count {
                let line = nextLine(in: block, base: base, from: lineStart, to: block.count) ?? lastLine(in: block, from: lineStart)
                fields.append(field(in: block, line: lineStart..<line.end, colon: line.colon, relativeTo: 0))
                lineStart = line.next
            }
        }
        return AMIMessage(storage: fields.withUnsafeBufferPointer { Storage.make(fields: $0, bytes: block) })
    }

    private init(storage: Storage) {
        self.storage = storage
    }

    /// A block's last line when no LF ends it: its content (without a CR at its end) and colon.
    private static func lastLine(in block: UnsafeBufferPointer<UInt8>, from start: Int) -> (end: Int, colon: Int, next: Int) {
        let end = block.count > start && block[block.count - 1] == 0x0D ? block.count - 1 : block.count
        let colon = block[start..<end].firstIndex(of: 0x3A) ?? end
        return (end, colon, block.count)
    }

    /// The line starting at `start`: where its content ends (before CR LF or LF), where its
    /// first colon is (`end` or past it when it has none) and where the next line starts; nil
    /// when no LF ends it before `limit`.
    @inline(__always)
    private static func nextLine(
        in bytes: UnsafeBufferPointer<UInt8>, base: UnsafePointer<UInt8>, from start: Int, to limit: Int
    ) -> (end: Int, colon: Int, next: Int)? {
        var colon = start
        while colon < limit, bytes[colon] != 0x3A, bytes[colon] != 0x0A { colon += 1 }
        guard let hit = memchr(base + colon, 0x0A, limit - colon) else { return nil }
        let newline = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
        let end = newline > start && bytes[newline - 1] == 0x0D ? newline - 1 : newline
        return (end, colon, newline + 1)
    }

    /// The field of one non-empty line, its offsets counted from `origin` (its block's start).
    @inline(__always)
    private static func field(in bytes: UnsafeBufferPointer<UInt8>, line: Range<Int>, colon: Int, relativeTo origin: Int) -> Field {
        guard colon < line.upperBound else {
            // A line without a colon: a header with an empty name.
            return Field(
                nameStart: Int32(line.lowerBound - origin), nameEnd: Int32(line.lowerBound - origin),
                valueStart: Int32(line.lowerBound - origin), valueEnd: Int32(line.upperBound - origin), nameHash: HeaderHash.empty
            )
        }
        // Asterisk writes "Name: Value"; the value's own trailing spaces are kept.
        let valueStart = colon + 1 < line.upperBound && bytes[colon + 1] == 0x20 ? colon + 2 : colon + 1
        return Field(
            nameStart: Int32(line.lowerBound - origin), nameEnd: Int32(colon - origin),
            valueStart: Int32(valueStart - origin), valueEnd: Int32(line.upperBound - origin),
            nameHash: HeaderHash.of(UnsafeBufferPointer(rebasing: bytes[line.lowerBound..<colon]))
        )
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

    public var kind: Kind {
        storage.read { fields, bytes in
            guard let first = fields.first else { return .unknown }
            if first.nameHash == Self.responseHash, Self.nameEquals(first, "Response", in: bytes) { return .response }
            if first.nameHash == Self.eventHash, Self.nameEquals(first, "Event", in: bytes) { return .event }
            return .unknown
        }
    }

    private static let responseHash = HeaderHash.of("Response")
    private static let eventHash = HeaderHash.of("Event")

    /// The first header's value: the event name or the response status.
    public var firstValue: String? {
        storage.read { fields, bytes in fields.first.map { Self.value($0, in: bytes) } }
    }

    public var actionID: String? { self["ActionID"] }

    /// The first value of the header `name` (case-insensitive, as Asterisk matches them).
    public subscript(_ name: String) -> String? {
        let hash = HeaderHash.of(name)
        return storage.read { fields, bytes in
            for field in fields where field.nameHash == hash && Self.nameEquals(field, name, in: bytes) { return Self.value(field, in: bytes) }
            return nil
        }
    }

    /// The first value of each header of `names`, in one pass over the message (nil where it has none).
    func values(of names: HeaderNames) -> [String?] {
        var found = [String?](repeating: nil, count: names.hashes.count)
        storage.read { fields, bytes in
            for field in fields {
                guard let index = names.index(of: field.nameHash), found[index] == nil,
                      names.folded[index].withUnsafeBufferPointer({ Self.nameEquals(field, $0, in: bytes) }) else { continue }
                found[index] = Self.value(field, in: bytes)
            }
        }
        return found
    }

    /// Every value of the header `name`, in order.
    public func values(_ name: String) -> [String] {
        let hash = HeaderHash.of(name)
        return storage.read { fields, bytes in
            fields.filter { $0.nameHash == hash && Self.nameEquals($0, name, in: bytes) }.map { Self.value($0, in: bytes) }
        }
    }

    public var headers: [(name: String, value: String)] {
        storage.read { fields, bytes in
            fields.map { (Self.string($0.nameStart, $0.nameEnd, in: bytes), Self.value($0, in: bytes)) }
        }
    }

    /// The message as it goes on the wire: its lines in CRLF and the blank line that ends it.
    public var encoded: [UInt8] {
        storage.read { fields, bytes in
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count + fields.count + 2)
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
    }

    private static func value(_ field: Field, in bytes: UnsafeBufferPointer<UInt8>) -> String {
        string(field.valueStart, field.valueEnd, in: bytes)
    }

    private static func string(_ start: Int32, _ end: Int32, in bytes: UnsafeBufferPointer<UInt8>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[Int(start)..<Int(end)]), as: UTF8.self)
    }

    private static func nameEquals(_ field: Field, _ name: String, in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var name = name
        return name.withUTF8 { nameEquals(field, $0, in: bytes) }
    }

    private static func nameEquals(_ field: Field, _ wanted: UnsafeBufferPointer<UInt8>, in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard wanted.count == Int(field.nameEnd - field.nameStart) else { return false }
        var offset = Int(field.nameStart)
        for byte in wanted {
            if HeaderHash.folded(bytes[offset]) != HeaderHash.folded(byte) { return false }
            offset += 1
        }
        return true
    }

    /// A message's field table and bytes in one allocation, never changed after it is made.
    final class Storage: ManagedBuffer<Storage.Counts, Field> {
        struct Counts {
            var fields: Int
            var bytes: Int
        }

        static func make(fields: UnsafeBufferPointer<Field>, bytes: UnsafeBufferPointer<UInt8>) -> Storage {
            let stride = MemoryLayout<Field>.stride
            let capacity = fields.count + (bytes.count + stride - 1) / stride
            let buffer = create(minimumCapacity: capacity) { _ in Counts(fields: fields.count, bytes: bytes.count) }
            buffer.withUnsafeMutablePointerToElements { elements in
                if let source = fields.baseAddress { elements.initialize(from: source, count: fields.count) }
                if let source = bytes.baseAddress {
                    UnsafeMutableRawPointer(elements + fields.count).copyMemory(from: source, byteCount: bytes.count)
                }
            }
            return unsafeDowncast(buffer, to: Storage.self)
        }

        func read<Result>(_ body: (UnsafeBufferPointer<Field>, UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
            try withUnsafeMutablePointers { counts, elements in
                let bytes = UnsafeRawPointer(elements + counts.pointee.fields).assumingMemoryBound(to: UInt8.self)
                return try body(
                    UnsafeBufferPointer(start: elements, count: counts.pointee.fields),
                    UnsafeBufferPointer(start: bytes, count: counts.pointee.bytes)
                )
            }
        }
    }
}

/// A fixed list of header names read together (`AMIMessage.values(of:)`), hashed once.
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

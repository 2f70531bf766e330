/// One AMI message: a header block as Asterisk sent it, headers kept in order (repeated ones
/// such as `Output` or `ChanVariable` included).
///
/// Parsing only records where each name and value lies in the block's bytes; strings are made
/// when a header is asked for, so a reader can hand on thousands of events a second cheaply.
public struct AMIMessage: Sendable {
    public enum Kind: Sendable, Equatable {
        /// First header `Response:` — the answer to an action.
        case response
        /// First header `Event:` (an `OriginateResponse` event carries `Response:` further down).
        case event
        /// Neither: kept, logged, never matched to an action.
        case unknown
    }

    /// Offsets of one header's name and value in `bytes`.
    struct Field: Sendable {
        var nameStart: Int32
        var nameEnd: Int32
        var valueStart: Int32
        var valueEnd: Int32
    }

    let bytes: [UInt8]
    let fields: [Field]

    /// Parses one header block (its lines, CRLF or LF terminated, without the blank line).
    /// A line without a colon is kept as a header with an empty name.
    public init(block: ArraySlice<UInt8>) {
        let bytes = Array(block)
        var fields: [Field] = []
        fields.reserveCapacity(16)
        bytes.withUnsafeBufferPointer { buffer in
            var lineStart = 0
            let count = buffer.count
            while lineStart < count {
                var lineEnd = lineStart
                while lineEnd < count, buffer[lineEnd] != 0x0A { lineEnd += 1 }
                let next = lineEnd + 1
                if lineEnd > lineStart, buffer[lineEnd - 1] == 0x0D { lineEnd -= 1 }
                var colon = lineStart
                while colon < lineEnd, buffer[colon] != 0x3A { colon += 1 }
                if colon == lineEnd {
                    fields.append(Field(nameStart: Int32(lineStart), nameEnd: Int32(lineStart), valueStart: Int32(lineStart), valueEnd: Int32(lineEnd)))
                } else {
                    // Asterisk writes "Name: Value"; the value's own trailing spaces are kept.
                    let valueStart = colon + 1 < lineEnd && buffer[colon + 1] == 0x20 ? colon + 2 : colon + 1
                    fields.append(Field(nameStart: Int32(lineStart), nameEnd: Int32(colon), valueStart: Int32(valueStart), valueEnd: Int32(lineEnd)))
                }
                lineStart = next
            }
        }
        self.bytes = bytes
        self.fields = fields
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
        guard let first = fields.first else { return .unknown }
        if nameEquals(first, "Response") { return .response }
        if nameEquals(first, "Event") { return .event }
        return .unknown
    }

    /// The first header's value: the event name or the response status.
    public var firstValue: String? { fields.first.map(value) }

    public var actionID: String? { self["ActionID"] }

    /// The first value of the header `name` (case-insensitive, as Asterisk matches them).
    public subscript(_ name: String) -> String? {
        for field in fields where nameEquals(field, name) { return value(field) }
        return nil
    }

    /// Every value of the header `name`, in order.
    public func values(_ name: String) -> [String] {
        fields.filter { nameEquals($0, name) }.map(value)
    }

    public var headers: [(name: String, value: String)] {
        fields.map { (string($0.nameStart, $0.nameEnd), value($0)) }
    }

    /// The message as it goes on the wire: its lines in CRLF and the blank line that ends it.
    public var encoded: [UInt8] {
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

    /// Size of the block as received, for limits and throughput figures.
    public var byteCount: Int { bytes.count }

    private func value(_ field: Field) -> String { string(field.valueStart, field.valueEnd) }

    private func string(_ start: Int32, _ end: Int32) -> String {
        String(decoding: bytes[Int(start)..<Int(end)], as: UTF8.self)
    }

    private func nameEquals(_ field: Field, _ name: String) -> Bool {
        var name = name
        return name.withUTF8 { wanted in
            guard wanted.count == Int(field.nameEnd - field.nameStart) else { return false }
            var offset = Int(field.nameStart)
            for byte in wanted {
                if Self.lowercased(bytes[offset]) != Self.lowercased(byte) { return false }
                offset += 1
            }
            return true
        }
    }

    private static func lowercased(_ byte: UInt8) -> UInt8 {
        byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
    }
}

extension AMIMessage: CustomStringConvertible {
    public var description: String {
        headers.map { $0.name.isEmpty ? $0.value : "\($0.name): \($0.value)" }.joined(separator: "\n")
    }
}

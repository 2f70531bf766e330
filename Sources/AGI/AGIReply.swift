/// Asterisk's answer to one AGI command.
///
/// `200 result=N`, with `(data)` and/or `endpos=N` after it; `200 result= (timeout)` when GET DATA
/// got no digits; `510 Invalid or unknown command`; `511 Command Not Permitted on a dead channel
/// or intercept routine`; a `520-` usage block whose help lines carry no prefix, ending in
/// `520 End of proper usage.`
public struct AGIReply: Sendable, Equatable {
    public var code: Int
    /// The text after `result=` up to the first space; empty in `result= (timeout)`.
    public var result: String
    /// The text inside the parentheses, if any: a variable's value, `timeout`, `dtmf`, `hangup`.
    public var data: String?
    /// The sample offset where playback or recording stopped, if reported.
    public var endpos: Int?
    /// For codes other than 200: the text after the code.
    public var message: String
    /// For 520: the usage text lines.
    public var usage: [String]

    public init(code: Int, result: String = "", data: String? = nil, endpos: Int? = nil, message: String = "", usage: [String] = []) {
        self.code = code
        self.result = result
        self.data = data
        self.endpos = endpos
        self.message = message
        self.usage = usage
    }

    /// `result` as a number, nil when empty or not numeric.
    public var resultCode: Int? { Int(result) }
}

/// Builds one reply from the lines that make it up (one line, or a 520 block).
struct AGIReplyParser {
    private var usage: [String]?

    /// True before the first line of a reply: a `HANGUP` line here is a hangup notice, not data.
    var isBetweenReplies: Bool { usage == nil }

    /// Feeds one line (its bytes, without the line break); returns the reply once complete.
    mutating func feed(_ line: ArraySlice<UInt8>) throws(AGIError) -> AGIReply? {
        if var lines = usage {
            if line.starts(with: "520 ".utf8) {
                usage = nil
                return AGIReply(code: 520, message: String(decoding: line.dropFirst(4), as: UTF8.self), usage: lines)
            }
            lines.append(String(decoding: line, as: UTF8.self))
            usage = lines
            return nil
        }
        if line.starts(with: "520-".utf8) {
            usage = []
            return nil
        }
        return try line.withUnsafeBufferPointer { bytes in Result { () throws(AGIError) in try Self.parse(bytes) } }.get()
    }

    /// One reply line other than a 520 block's: `CODE[ text]`, read on its bytes (a reply
    /// comes for every command, so no per-character string work).
    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(AGIError) -> AGIReply {
        func violation() -> AGIError { .protocolViolation(String(decoding: bytes.prefix(120), as: UTF8.self)) }
        func text(_ range: Range<Int>) -> String { String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self) }
        guard bytes.count >= 3, bytes.count == 3 || bytes[3] == 0x20 else { throw violation() }
        var code = 0
        for byte in bytes[0..<3] {
            guard byte >= 0x30, byte <= 0x39 else { throw violation() }
            code = code * 10 + Int(byte - 0x30)
        }
        let rest = min(4, bytes.count)..<bytes.count
        guard code == 200 else { return AGIReply(code: code, message: text(rest)) }
        // `result=N [(data)] [endpos=N]`
        let prefix: StaticString = "result="
        guard Self.word(prefix, startsAt: rest.lowerBound, in: bytes) else { throw violation() }
        let resultStart = rest.lowerBound + prefix.utf8CodeUnitCount
        let resultEnd = bytes[resultStart...].firstIndex(of: 0x20) ?? bytes.count
        var reply = AGIReply(code: 200, result: text(resultStart..<resultEnd))
        var data = min(resultEnd + 1, bytes.count)..<bytes.count
        // A trailing `endpos=N` (after the data, if any) is not part of the data.
        let lastWord = (bytes[data].lastIndex(of: 0x20).map { $0 + 1 } ?? data.lowerBound)..<data.upperBound
        let endpos: StaticString = "endpos="
        if lastWord.count > endpos.utf8CodeUnitCount, Self.word(endpos, startsAt: lastWord.lowerBound, in: bytes),
           let value = Int(text(lastWord.lowerBound + endpos.utf8CodeUnitCount..<lastWord.upperBound)) {
            reply.endpos = value
            data = data.lowerBound..<max(data.lowerBound, lastWord.lowerBound - 1)
        }
        if data.count >= 2, bytes[data.lowerBound] == 0x28, bytes[data.upperBound - 1] == 0x29 {
            reply.data = text(data.lowerBound + 1..<data.upperBound - 1)
        } else if !data.isEmpty {
            reply.data = text(data)
        }
        return reply
    }

    /// Whether `bytes` holds `word` at `index` (compared in place: a reply is parsed per command).
    private static func word(_ word: StaticString, startsAt index: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let count = word.utf8CodeUnitCount
        return bytes.count - index >= count
            && UnsafeBufferPointer(rebasing: bytes[index..<index + count]).elementsEqual(UnsafeBufferPointer(start: word.utf8Start, count: count))
    }
}

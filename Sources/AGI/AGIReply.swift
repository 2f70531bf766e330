/// Asterisk's answer to one AGI command.
///
/// `200 result=N`, with `(data)` and/or `endpos=N` after it; `200 result= (timeout)` when GET DATA
/// got no digits; `510 Invalid or unknown command`; `511 Command Not Permitted on a dead channel
/// or intercept routine`; a `520-` usage block whose help lines carry no prefix, ending in
/// `520 End of proper usage.`
public struct AGIReply: Sendable, Equatable {
    public var code: Int { fields.code }
    /// The text after `result=` up to the first space; empty in `result= (timeout)`.
    public var result: String { fields.result }
    /// The text inside the parentheses, if any: a variable's value, `timeout`, `dtmf`, `hangup`.
    public var data: String? { fields.data }
    /// The sample offset where playback or recording stopped, if reported.
    public var endpos: Int? { fields.endpos }
    /// For codes other than 200: the text after the code.
    public var message: String { fields.message }
    /// For 520: the usage text lines.
    public var usage: [String] { fields.usage }

    /// The fields in one shared object: a reply is handed up through the async calls of every
    /// command, and each frame that holds one across a wait (a call waiting for Asterisk keeps
    /// them all) holds a reference, not 80 bytes per copy.
    private let fields: Fields

    private final class Fields: Sendable {
        let code: Int
        let result: String
        let data: String?
        let endpos: Int?
        let message: String
        let usage: [String]

        init(code: Int, result: String, data: String?, endpos: Int?, message: String, usage: [String]) {
            self.code = code
            self.result = result
            self.data = data
            self.endpos = endpos
            self.message = message
            self.usage = usage
        }
    }

    public init(code: Int, result: String = "", data: String? = nil, endpos: Int? = nil, message: String = "", usage: [String] = []) {
        fields = Fields(code: code, result: result, data: data, endpos: endpos, message: message, usage: usage)
    }

    public static func == (lhs: AGIReply, rhs: AGIReply) -> Bool {
        lhs.fields === rhs.fields
            || (lhs.code == rhs.code && lhs.result == rhs.result && lhs.data == rhs.data && lhs.endpos == rhs.endpos
                && lhs.message == rhs.message && lhs.usage == rhs.usage)
    }

    /// `result` as a number, nil when empty or not numeric.
    public var resultCode: Int? { Int(result) }
}

/// Builds one reply from the lines that make it up (one line, or a 520 block).
struct AGIReplyParser {
    private var usage: [String]?
    /// The reply the last line completed, kept for the reader of the lines.
    var finished: AGIReply?

    /// True before the first line of a reply: a `HANGUP` line here is a hangup notice, not data.
    var isBetweenReplies: Bool { usage == nil }

    /// Feeds one line (its bytes, without the line break); returns the reply once complete.
    mutating func feed(_ line: ArraySlice<UInt8>) throws(AGIError) -> AGIReply? {
        try line.withUnsafeBufferPointer { bytes in Result { () throws(AGIError) in try feed(bytes) } }.get()
    }

    private mutating func feed(_ bytes: UnsafeBufferPointer<UInt8>) throws(AGIError) -> AGIReply? {
        if var lines = usage {
            if Self.word("520 ", startsAt: 0, in: bytes) {
                usage = nil
                return AGIReply(code: 520, message: String(decoding: bytes.dropFirst(4), as: UTF8.self), usage: lines)
            }
            lines.append(String(decoding: bytes, as: UTF8.self))
            usage = lines
            return nil
        }
        if Self.word("520-", startsAt: 0, in: bytes) {
            usage = []
            return nil
        }
        return try Self.parse(bytes)
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
        var data = min(resultEnd + 1, bytes.count)..<bytes.count
        // A trailing `endpos=N` (after the data, if any) is not part of the data.
        let lastWord = (bytes[data].lastIndex(of: 0x20).map { $0 + 1 } ?? data.lowerBound)..<data.upperBound
        let endposWord: StaticString = "endpos="
        var endpos: Int?
        if lastWord.count > endposWord.utf8CodeUnitCount, Self.word(endposWord, startsAt: lastWord.lowerBound, in: bytes),
           let value = Int(text(lastWord.lowerBound + endposWord.utf8CodeUnitCount..<lastWord.upperBound)) {
            endpos = value
            data = data.lowerBound..<max(data.lowerBound, lastWord.lowerBound - 1)
        }
        var dataText: String?
        if data.count >= 2, bytes[data.lowerBound] == 0x28, bytes[data.upperBound - 1] == 0x29 {
            dataText = text(data.lowerBound + 1..<data.upperBound - 1)
        } else if !data.isEmpty {
            dataText = text(data)
        }
        return AGIReply(code: 200, result: text(resultStart..<resultEnd), data: dataText, endpos: endpos)
    }

    /// Whether `bytes` holds `word` at `index` (compared in place: a reply is parsed per command).
    private static func word(_ word: StaticString, startsAt index: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let count = word.utf8CodeUnitCount
        return bytes.count - index >= count
            && UnsafeBufferPointer(rebasing: bytes[index..<index + count]).elementsEqual(UnsafeBufferPointer(start: word.utf8Start, count: count))
    }
}

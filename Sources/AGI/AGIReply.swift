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

    /// Feeds one line; returns the reply once complete.
    mutating func feed(_ line: String) throws(AGIError) -> AGIReply? {
        if var lines = usage {
            if line.hasPrefix("520 ") {
                usage = nil
                return AGIReply(code: 520, message: String(line.dropFirst(4)), usage: lines)
            }
            lines.append(line)
            usage = lines
            return nil
        }
        if line.hasPrefix("520-") {
            usage = []
            return nil
        }
        guard line.count >= 3, let code = Int(line.prefix(3)), line.count == 3 || line.dropFirst(3).first == " " else {
            throw .protocolViolation(String(line.prefix(120)))
        }
        let rest = line.count > 4 ? String(line.dropFirst(4)) : ""
        guard code == 200 else { return AGIReply(code: code, message: rest) }
        return try Self.parseSuccess(rest, line: line)
    }

    /// `result=N [(data)] [endpos=N]`.
    static func parseSuccess(_ text: String, line: String) throws(AGIError) -> AGIReply {
        guard text.hasPrefix("result=") else { throw .protocolViolation(String(line.prefix(120))) }
        var rest = Substring(text.dropFirst(7))
        let result = rest.prefix { $0 != " " }
        rest = rest.dropFirst(result.count)
        if rest.first == " " { rest = rest.dropFirst() }
        var reply = AGIReply(code: 200, result: String(result))
        // A trailing `endpos=N` (after the data, if any) is not part of the data.
        let lastWord = rest.split(separator: " ", omittingEmptySubsequences: false).last ?? ""
        if lastWord.hasPrefix("endpos="), let endpos = Int(lastWord.dropFirst(7)) {
            reply.endpos = endpos
            rest = rest.dropLast(lastWord.count)
            if rest.last == " " { rest = rest.dropLast() }
        }
        if rest.hasPrefix("("), rest.hasSuffix(")") {
            reply.data = String(rest.dropFirst().dropLast())
        } else if !rest.isEmpty {
            reply.data = String(rest)
        }
        return reply
    }
}

/// The `agi_*` block Asterisk sends when it opens a FastAGI connection, typed.
///
/// Asterisk writes `unknown` for absent caller id, DNID and RDNIS; those become nil here.
/// `agi_accountcode` arrives as `agi_accountcode: ` (a trailing space) when empty.
public struct AGIEnvironment: Sendable, Equatable {
    /// Every pair in the order received, names without the `agi_` prefix.
    public private(set) var pairs: [(name: String, value: String)] = []

    public init(pairs: [(name: String, value: String)]) {
        self.pairs = pairs
    }

    public static func == (lhs: AGIEnvironment, rhs: AGIEnvironment) -> Bool {
        lhs.pairs.elementsEqual(rhs.pairs) { $0.name == $1.name && $0.value == $1.value }
    }

    /// The value of `agi_<name>` exactly as sent.
    public subscript(name: String) -> String? {
        pairs.first { $0.name == name }?.value
    }

    private func known(_ name: String) -> String? {
        guard let value = self[name], value != "unknown", !value.isEmpty else { return nil }
        return value
    }

    public var request: String { self["request"] ?? "" }
    /// `agi_network_script` split into its path and query parameters.
    public var script: AGIScript { AGIScript(self["network_script"] ?? "") }
    public var channel: String { self["channel"] ?? "" }
    public var uniqueID: String { self["uniqueid"] ?? "" }
    public var language: String { self["language"] ?? "en" }
    /// The channel technology: `Local`, `SIP`, `PJSIP`, …
    public var channelType: String { self["type"] ?? "" }
    public var callerIDNumber: String? { known("callerid") }
    public var callerIDName: String? { known("calleridname") }
    public var dnid: String? { known("dnid") }
    public var rdnis: String? { known("rdnis") }
    public var context: String { self["context"] ?? "" }
    public var extensionName: String { self["extension"] ?? "" }
    public var priority: String { self["priority"] ?? "" }
    public var accountCode: String? { known("accountcode") }
    public var threadID: String { self["threadid"] ?? "" }
    public var version: String { self["version"] ?? "" }

    /// `agi_arg_1` … `agi_arg_N`, in order.
    public var arguments: [String] {
        var result: [String] = []
        while let value = self["arg_\(result.count + 1)"] { result.append(value) }
        return result
    }

    /// An empty environment with room for `capacity` pairs, in one allocation.
    init(capacity: Int) {
        pairs.reserveCapacity(capacity)
    }

    /// Moves the pairs into storage of their exact size: the environment is kept for the
    /// whole call, and the room left after reading would be kept with it.
    mutating func trim() {
        guard pairs.capacity > pairs.count else { return }
        var exact: [(name: String, value: String)] = []
        exact.reserveCapacity(pairs.count)
        exact.append(contentsOf: pairs)
        pairs = exact
    }

    /// Adds one `agi_name: value` line (its bytes, without the line break); the block ends at an
    /// empty line, which the caller detects. Read on bytes: every call starts with some 25 of these.
    mutating func append(line: ArraySlice<UInt8>, number: Int) throws(AGIError) {
        guard line.starts(with: "agi_".utf8), let colon = line.firstIndex(of: 0x3A) else {
            throw .malformedEnvironment(line: number, text: String(decoding: line.prefix(80), as: UTF8.self))
        }
        var valueStart = colon + 1
        if valueStart < line.endIndex, line[valueStart] == 0x20 { valueStart += 1 }
        pairs.append((String(decoding: line[line.startIndex + 4..<colon], as: UTF8.self), String(decoding: line[valueStart...], as: UTF8.self)))
    }
}

/// The script part of `agi://host:port/<script>?<query>`: `ivr/main?tenant=lab` gives the path
/// `ivr/main` and the parameters `tenant=lab`.
public struct AGIScript: Sendable, Equatable {
    public var path: String
    public var parameters: [(name: String, value: String)]

    public init(_ text: String) {
        let parts = text.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        path = parts.first.map { String($0).trimmingSlashes() } ?? ""
        parameters = parts.count > 1
            ? parts[1].split(separator: "&").map { pair in
                let field = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                return (Self.decode(field[0]), field.count > 1 ? Self.decode(field[1]) : "")
            }
            : []
    }

    public static func == (lhs: AGIScript, rhs: AGIScript) -> Bool {
        lhs.path == rhs.path && lhs.parameters.elementsEqual(rhs.parameters) { $0 == $1 }
    }

    public func parameter(_ name: String) -> String? {
        parameters.first { $0.name == name }?.value
    }

    /// Percent-decoding, and `+` as a space, as in a URL query.
    static func decode(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        var index = text.utf8.startIndex
        let utf8 = text.utf8
        while index < utf8.endIndex {
            let byte = utf8[index]
            if byte == UInt8(ascii: "%"),
               let high = utf8.index(index, offsetBy: 1, limitedBy: utf8.endIndex), high < utf8.endIndex,
               let low = utf8.index(index, offsetBy: 2, limitedBy: utf8.endIndex), low < utf8.endIndex,
               let value = UInt8(String(decoding: [utf8[high], utf8[low]], as: UTF8.self), radix: 16) {
                bytes.append(value)
                index = utf8.index(after: low)
                continue
            }
            bytes.append(byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
            index = utf8.index(after: index)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension String {
    func trimmingSlashes() -> String {
        var text = Substring(self)
        while text.hasPrefix("/") { text = text.dropFirst() }
        while text.hasSuffix("/") { text = text.dropLast() }
        return String(text)
    }
}

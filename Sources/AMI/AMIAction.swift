/// An action to send to Asterisk: its name and headers in order. The connection adds the
/// ActionID after `Action:`, as Asterisk echoes it on everything that answers.
public struct AMIAction: Sendable {
    public var name: String
    public var headers: [(name: String, value: String)]
    /// An `Async: true` Originate resolves on its `OriginateResponse` event, not on the
    /// "successfully queued" response.
    public var completesWithOriginateResponse = false

    public init(_ name: String, _ headers: [(name: String, value: String)] = []) {
        self.name = name
        self.headers = headers
    }

    /// Headers whose values never reach a log line.
    static let secretHeaders: Set<String> = ["secret", "key"]

    /// The bytes on the wire. A CR or LF inside a name or value would let a value inject headers
    /// or end the message early, so it is refused.
    func encoded(actionID: String) throws(AMIError) -> [UInt8] {
        var text = "Action: \(name)\r\nActionID: \(actionID)\r\n"
        for (header, value) in headers {
            if header.isEmpty || header.contains(where: \.isNewline) || header.contains(":") || value.contains(where: \.isNewline) {
                throw .invalidAction("action \(name): header '\(header)' has a line break, a colon or no name")
            }
            text += "\(header): \(value)\r\n"
        }
        if name.contains(where: \.isNewline) { throw .invalidAction("action name has a line break") }
        return Array((text + "\r\n").utf8)
    }
}

extension AMIAction: CustomStringConvertible {
    /// The action for logs: secrets masked.
    public var description: String {
        ([name] + headers.map { header, value in
            "\(header)=\(Self.secretHeaders.contains(header.lowercased()) ? "***" : value)"
        }).joined(separator: " ")
    }
}

/// A request on the control socket: one JSON object per line, e.g. `{"command":"status"}`.
public struct ControlRequest: Codable, Sendable {
    public var command: String
    public var arguments: [String: String]
    /// Who sent it, from the socket's peer credentials (never from the request's text), and
    /// the role they hold; set by the server before a handler runs.
    public internal(set) var identity: Identity?
    public internal(set) var role: Role?

    enum CodingKeys: String, CodingKey {
        case command, arguments
    }

    public init(command: String, arguments: [String: String] = [:]) {
        self.command = command
        self.arguments = arguments
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        command = try container.decode(String.self, forKey: .command)
        arguments = try container.decodeIfPresent([String: String].self, forKey: .arguments) ?? [:]
    }
}

/// The answer to one request: `{"ok":true,"result":{…}}` or `{"ok":false,"error":"…"}`.
struct ControlReply: Encodable {
    var result: (any Encodable)?
    var error: String?

    enum CodingKeys: String, CodingKey {
        case ok, result, error
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(error == nil, forKey: .ok)
        if let result { try container.encode(result, forKey: .result) }
        if let error { try container.encode(error, forKey: .error) }
    }
}

/// A reply as the client reads it, with the result decoded as `Result`.
struct ControlReplyReading<Result: Decodable>: Decodable {
    var ok: Bool
    var result: Result?
    var error: String?
}

/// A request the server understood but could not carry out; its text goes back to the client.
public struct ControlCommandError: Error, CustomStringConvertible {
    public var description: String

    public init(_ description: String) { self.description = description }
}

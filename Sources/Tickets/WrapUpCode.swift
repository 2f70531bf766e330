import Core

/// What an agent's wrap-up code does to the ticket of the call they just handled: move it to a
/// status, or make one for the call. Written in the tickets file's `[wrapup]` section:
/// `1 = solve`, `2 = pending`, `3 = create fault high`.
public enum WrapUpCode: Sendable, Equatable {
    case status(TicketStatus)
    case create(category: String, priority: TicketPriority)

    /// `solve`, `pending`, `open`, `close`, or `create CATEGORY [PRIORITY]`; nil for anything else.
    public init?(parsing text: String) {
        let words = text.split(separator: " ").map(String.init)
        switch words.first {
        case "solve" where words.count == 1: self = .status(.solved)
        case "pending" where words.count == 1: self = .status(.pending)
        case "open" where words.count == 1: self = .status(.open)
        case "close" where words.count == 1: self = .status(.closed)
        case "create" where (2...3).contains(words.count):
            guard let priority = words.count == 3 ? TicketPriority(rawValue: words[2]) : .normal else { return nil }
            self = .create(category: words[1], priority: priority)
        default: return nil
        }
    }
}

extension WrapUpCode: CustomStringConvertible {
    /// As written in the tickets file.
    public var description: String {
        switch self {
        case .status(.solved): "solve"
        case .status(.closed): "close"
        case .status(let status): status.rawValue
        case .create(let category, let priority): "create \(category) \(priority.rawValue)"
        }
    }
}

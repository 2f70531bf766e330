import Foundation

/// What an agent's phone shows as the caller's name when it rings: the customer's VIP tier,
/// their name and their open ticket (`VIP2 Li Wei T-000123`), within the display's width. The
/// name gives way first: the tier and the ticket number are what the agent acts on.
enum ScreenPop {
    /// Characters most desk phones show of a caller's name.
    static let displayWidth = 24

    /// Nil when there is nothing to add to what Asterisk already shows.
    static func callerName(name: String?, tier: Int, ticket: String?, width: Int = displayWidth) -> String? {
        let tag = tier > 0 ? "VIP\(tier)" : nil
        guard tag != nil || ticket != nil || name != nil else { return nil }
        let fixed = [tag, ticket].compactMap { $0 }
        let room = width - fixed.reduce(0) { $0 + $1.count + 1 }
        let shown = name.map { room > 0 ? String($0.prefix(room)).trimmingCharacters(in: .whitespaces) : "" }
        let parts = [tag, shown?.isEmpty == false ? shown : nil, ticket].compactMap { $0 }
        return String(parts.joined(separator: " ").prefix(width))
    }
}

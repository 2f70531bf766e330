/// What an action resolved to: Asterisk's response and, for list actions, the events of the
/// list (`EventList: start` … items … `XxxComplete`), or for an async Originate its
/// `OriginateResponse` event.
public struct AMIResponse: Sendable {
    public let message: AMIMessage
    /// The list's items in order, without the closing `…Complete` event.
    public internal(set) var items: [AMIMessage] = []
    /// The `…Complete` event that closed a list, or the `OriginateResponse` of an async Originate.
    public internal(set) var completion: AMIMessage?

    init(message: AMIMessage) {
        self.message = message
    }

    /// `Response: Success` (or `Goodbye` for Logoff, `Follows` from old Command replies).
    public var isSuccess: Bool {
        guard let status = message.firstValue?.lowercased() else { return false }
        return status == "success" || status == "goodbye" || status == "follows"
    }

    public var text: String? { message["Message"] }

    /// A `Command` action's output lines (Asterisk 20 sends one `Output:` header per line).
    public var output: [String] { message.values("Output") }

    /// `Getvar`'s value; empty when the variable is unset, as Asterisk reports it.
    public var value: String? { message["Value"] }

    /// True when an event list was announced (`EventList: start`).
    var startsList: Bool { message["EventList"]?.lowercased() == "start" }
}

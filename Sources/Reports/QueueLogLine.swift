import Foundation

/// One line of Asterisk's `queue_log`, as app_queue writes it (`main/logger.c`
/// `ast_queue_log()`): `time|callid|queue|agent|event|data…`, the data fields joined by `|`
/// with no escaping, and an event without data ending in `|`.
public struct QueueLogLine: Sendable, Equatable {
    /// Epoch seconds.
    public var time: Int
    /// The caller's uniqueid for call events; `MANAGER` for members added or removed, `NONE`
    /// for pauses and the log's own events.
    public var callID: String
    public var queue: String
    public var agent: String
    public var event: String
    public var data: [String]

    public init(time: Int, callID: String, queue: String, agent: String, event: String, data: [String] = []) {
        self.time = time
        self.callID = callID
        self.queue = queue
        self.agent = agent
        self.event = event
        self.data = data
    }

    /// The line as written, without its LF.
    public var text: String {
        ([String(time), callID, queue, agent, event] + (data.isEmpty ? [""] : data)).joined(separator: "|")
    }

    /// Written when the log is opened at start (`QUEUESTART`) and when it is reopened (`CONFIGRELOAD`).
    public static func system(_ event: String, at time: Date) -> QueueLogLine {
        QueueLogLine(time: QueueLogBook.seconds(time), callID: "NONE", queue: "NONE", agent: "NONE", event: event)
    }
}

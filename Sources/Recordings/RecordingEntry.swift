import Foundation

/// One recording in the index: its file and checksum, the call it belongs to, and the quality
/// figures worked out from its audio when it was indexed.
public struct RecordingEntry: Sendable, Codable, Equatable {
    public var id: Int64?
    public var path: String
    public var uniqueID: String?
    public var linkedID: String?
    public var agent: String?
    public var queue: String?
    public var caller: String?
    public var customerID: Int64?
    public var ticketID: Int64?
    public var startedAt: Date
    public var bytes: Int
    /// Hex SHA-256 of the file as indexed.
    public var sha256: String
    public var encoding: WAVAudio.Encoding
    public var channels: Int
    public var figures: AudioFigures
    /// Stretches not recorded (sensitive input), in seconds from the start of the file.
    public var gaps: [ClosedRange<Double>]
    /// Kept whatever the retention says.
    public var held: Bool

    public var seconds: Double { figures.seconds }

    public init(
        path: String, uniqueID: String?, linkedID: String? = nil, agent: String?, queue: String?, caller: String?, customerID: Int64? = nil,
        ticketID: Int64? = nil, startedAt: Date, bytes: Int, sha256: String, encoding: WAVAudio.Encoding, channels: Int, figures: AudioFigures,
        gaps: [ClosedRange<Double>] = [], held: Bool = false
    ) {
        self.path = path
        self.uniqueID = uniqueID
        self.linkedID = linkedID
        self.agent = agent
        self.queue = queue
        self.caller = caller
        self.customerID = customerID
        self.ticketID = ticketID
        self.startedAt = startedAt
        self.bytes = bytes
        self.sha256 = sha256
        self.encoding = encoding
        self.channels = channels
        self.figures = figures
        self.gaps = gaps
        self.held = held
    }
}

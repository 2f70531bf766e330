import AMI

/// One live channel as `switchboard channels` shows it (the control socket's `channels` reply).
public struct ChannelSummary: Codable, Sendable, Equatable {
    public var channel: String
    public var uniqueID: String
    public var linkedID: String
    public var state: String
    public var callerID: String
    public var connectedLine: String
    /// `exten@context:priority`.
    public var location: String
    public var application: String
    public var bridgeID: String?
    public var dialed: [String]
    public var dialedBy: String?

    public init(_ tracked: ChannelTracker.TrackedChannel) {
        let snapshot = tracked.snapshot
        channel = snapshot.channel
        uniqueID = snapshot.uniqueID
        linkedID = snapshot.linkedID
        state = snapshot.stateText
        callerID = Self.party(snapshot.callerIDName, snapshot.callerIDNumber)
        connectedLine = Self.party(snapshot.connectedLineName, snapshot.connectedLineNumber)
        location = "\(snapshot.exten)@\(snapshot.context):\(snapshot.priority)"
        application = [tracked.application, tracked.applicationData.map { "(\($0))" }].compactMap { $0 }.joined()
        bridgeID = tracked.bridgeID
        dialed = tracked.dialed
        dialedBy = tracked.dialedBy
    }

    /// `"Name" <number>` as Asterisk prints caller ids, or what part of it is known.
    static func party(_ name: String?, _ number: String?) -> String {
        switch (name, number) {
        case let (name?, number?): "\"\(name)\" <\(number)>"
        case let (nil, number?): number
        case let (name?, nil): "\"\(name)\""
        case (nil, nil): ""
        }
    }
}

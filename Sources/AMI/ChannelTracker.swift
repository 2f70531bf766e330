/// The live channels as AMI reports them: by uniqueid, with state, caller id, dialplan
/// location, bridge, dial peers and, once ended, hangup cause. Built from the event stream and
/// rebuilt from a `CoreShowChannels` list after a reconnect.
///
/// A plain value with no I/O: its owner feeds it events and asks it questions.
public struct ChannelTracker: Sendable {
    public struct TrackedChannel: Sendable, Codable, Equatable {
        public var snapshot: ChannelSnapshot
        public var application: String?
        public var applicationData: String?
        public var bridgeID: String?
        /// Uniqueids of the channels this one dialed, in order.
        public var dialed: [String] = []
        /// Uniqueid of the channel that dialed this one.
        public var dialedBy: String?
        /// The last `DialEnd` status of a dial this channel made (ANSWER, BUSY, NOANSWER, …).
        public var dialStatus: String?
        public var hangupCause: Int?
        public var hangupCauseText: String?

        init(_ snapshot: ChannelSnapshot) {
            self.snapshot = snapshot
        }

        public var uniqueID: String { snapshot.uniqueID }
    }

    /// How many ended channels are kept for questions such as "why did it end".
    public static let endedLimit = 256

    public private(set) var channels: [String: TrackedChannel] = [:]
    /// Channels that hung up, oldest first, at most `endedLimit`.
    public private(set) var ended: [TrackedChannel] = []

    public init() {}

    /// Every channel of one call (same linkedid), oldest uniqueid first.
    public func call(linkedID: String) -> [TrackedChannel] {
        channels.values.filter { $0.snapshot.linkedID == linkedID }.sorted { Self.order($0.uniqueID, $1.uniqueID) }
    }

    /// Live channels, oldest first.
    public var live: [TrackedChannel] {
        channels.values.sorted { Self.order($0.uniqueID, $1.uniqueID) }
    }

    /// Applies one event; returns false for events that change nothing here.
    @discardableResult
    public mutating func apply(_ event: AMIEvent) -> Bool {
        // Most events (VarSet, AGIExec…, DeviceStateChange) change nothing here: skip them
        // before building their typed view.
        guard Self.channelEvents.contains(event.name) else { return false }
        switch event.kind {
        case .newChannel(let snapshot):
            channels[snapshot.uniqueID] = TrackedChannel(snapshot)
        case .newState(let snapshot), .newCallerID(let snapshot):
            update(snapshot) { _ in }
        case .newExten(let snapshot, let application, let data):
            update(snapshot) {
                $0.application = application
                $0.applicationData = data
            }
        case .hangup(let snapshot, let cause, let causeText):
            var channel = channels.removeValue(forKey: snapshot.uniqueID) ?? TrackedChannel(snapshot)
            channel.snapshot = snapshot
            channel.hangupCause = cause
            channel.hangupCauseText = causeText
            channel.bridgeID = nil
            ended.append(channel)
            if ended.count > Self.endedLimit { ended.removeFirst(ended.count - Self.endedLimit) }
        case .dialBegin(let caller, let destination, _):
            update(destination) { $0.dialedBy = caller?.uniqueID }
            if let caller { update(caller) { $0.dialed.append(destination.uniqueID) } }
        case .dialEnd(let caller, let destination, let status):
            update(destination) { _ in }
            if let caller { update(caller) { $0.dialStatus = status } }
        case .bridgeEnter(let snapshot, let bridgeID):
            update(snapshot) { $0.bridgeID = bridgeID }
        case .bridgeLeave(let snapshot, _):
            update(snapshot) { $0.bridgeID = nil }
        default:
            return false
        }
        return true
    }

    static let channelEvents: Set<String> = [
        "Newchannel", "Newstate", "NewCallerid", "NewConnectedLine", "Newexten", "Hangup",
        "DialBegin", "DialEnd", "BridgeEnter", "BridgeLeave",
    ]

    /// Replaces everything with a `CoreShowChannels` list (its `CoreShowChannel` items).
    /// Dial peers are not in that list; they are learned again from later events.
    public mutating func rebuild(from items: [AMIMessage]) {
        channels = [:]
        for item in items where item.firstValue == "CoreShowChannel" {
            var channel = TrackedChannel(ChannelSnapshot(item))
            channel.application = item["Application"]
            channel.applicationData = item["ApplicationData"]
            channel.bridgeID = item["BridgeId"].flatMap { $0.isEmpty ? nil : $0 }
            channels[channel.uniqueID] = channel
        }
    }

    /// Updates a channel's fields from a newer snapshot; one not seen yet (its Newchannel came
    /// before we connected) is added.
    private mutating func update(_ snapshot: ChannelSnapshot, _ change: (inout TrackedChannel) -> Void) {
        guard !snapshot.uniqueID.isEmpty else { return }
        func refresh(_ channel: inout TrackedChannel) {
            channel.snapshot = snapshot
            change(&channel)
        }
        // In place: one hash of the uniqueid, no copy of the channel.
        refresh(&channels[snapshot.uniqueID, default: TrackedChannel(snapshot)])
    }

    /// Uniqueids are `<epoch>.<sequence>`: compare the numbers, not the text.
    static func order(_ left: String, _ right: String) -> Bool {
        let a = left.split(separator: "."), b = right.split(separator: ".")
        guard a.count == 2, b.count == 2, let a0 = Int(a[0]), let a1 = Int(a[1]), let b0 = Int(b[0]), let b1 = Int(b[1]) else {
            return left < right
        }
        return (a0, a1) < (b0, b1)
    }
}

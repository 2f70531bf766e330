/// The live channels as AMI reports them: by uniqueid, with state, caller id, dialplan
/// location, bridge, dial peers and, once ended, hangup cause. Built from the event stream and
/// rebuilt from a `CoreShowChannels` list after a reconnect.
///
/// A plain value with no I/O: its owner feeds it events and asks it questions. It keeps, per
/// channel, the last event that described the channel and reads the channel's fields from it
/// only when asked: an event costs a lookup, not a dozen strings, so the tracker keeps up
/// with Asterisk's busiest event stream.
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

        public var uniqueID: String { snapshot.uniqueID }
    }

    /// What is kept of one channel: its fields as the events gave them, its snapshot still in
    /// the event that last described it.
    struct Entry: Sendable {
        /// The last event (or list item) describing the channel, its headers under `prefix`.
        var source: AMIMessage
        var prefix: String
        var application: String?
        var applicationData: String?
        var bridgeID: String?
        var dialed: [String] = []
        var dialedBy: String?
        var dialStatus: String?
        var hangupCause: Int?
        var hangupCauseText: String?

        init(source: AMIMessage, prefix: String) {
            self.source = source
            self.prefix = prefix
        }

        var channel: TrackedChannel {
            TrackedChannel(
                snapshot: ChannelSnapshot(source, prefix: prefix), application: application, applicationData: applicationData,
                bridgeID: bridgeID, dialed: dialed, dialedBy: dialedBy, dialStatus: dialStatus,
                hangupCause: hangupCause, hangupCauseText: hangupCauseText
            )
        }
    }

    /// How many ended channels are kept for questions such as "why did it end".
    public static let endedLimit = 256

    private var entries: [String: Entry] = [:]
    private var endedEntries: [Entry] = []

    public init() {}

    /// The live channels by uniqueid.
    public var channels: [String: TrackedChannel] { entries.mapValues(\.channel) }

    /// How many channels are live.
    public var count: Int { entries.count }

    /// Channels that hung up, oldest first, at most `endedLimit`.
    public var ended: [TrackedChannel] { endedEntries.map(\.channel) }

    /// Every channel of one call (same linkedid), oldest uniqueid first.
    public func call(linkedID: String) -> [TrackedChannel] {
        live.filter { $0.snapshot.linkedID == linkedID }
    }

    /// Live channels, oldest first.
    public var live: [TrackedChannel] {
        entries.values.map(\.channel).sorted { Self.order($0.uniqueID, $1.uniqueID) }
    }

    /// Applies one event; returns false for events that change nothing here.
    @discardableResult
    public mutating func apply(_ event: AMIEvent) -> Bool {
        let message = event.message
        switch event.name {
        case "Newchannel":
            guard let id = message["Uniqueid"], !id.isEmpty else { return false }
            entries[id] = Entry(source: message, prefix: "")
        case "Newstate", "NewCallerid", "NewConnectedLine":
            update(message, "") { _ in }
        case "Newexten":
            let application = message["Application"] ?? "", data = message["AppData"] ?? ""
            update(message, "") {
                $0.application = application
                $0.applicationData = data
            }
        case "Hangup":
            guard let id = message["Uniqueid"] else { return false }
            var entry = entries.removeValue(forKey: id) ?? Entry(source: message, prefix: "")
            entry.source = message
            entry.prefix = ""
            entry.hangupCause = Int(message["Cause"] ?? "") ?? 0
            entry.hangupCauseText = message["Cause-txt"] ?? ""
            entry.bridgeID = nil
            endedEntries.append(entry)
            if endedEntries.count > Self.endedLimit { endedEntries.removeFirst(endedEntries.count - Self.endedLimit) }
        case "DialBegin":
            let caller = message["Uniqueid"], destination = message["DestUniqueid"] ?? ""
            update(message, "Dest") { $0.dialedBy = caller }
            if caller != nil { update(message, "") { $0.dialed.append(destination) } }
        case "DialEnd":
            let status = message["DialStatus"] ?? ""
            update(message, "Dest") { _ in }
            if message["Uniqueid"] != nil { update(message, "") { $0.dialStatus = status } }
        case "BridgeEnter":
            let bridge = message["BridgeUniqueid"] ?? ""
            update(message, "") { $0.bridgeID = bridge }
        case "BridgeLeave":
            update(message, "") { $0.bridgeID = nil }
        default:
            return false
        }
        return true
    }

    /// Replaces everything with a `CoreShowChannels` list (its `CoreShowChannel` items).
    /// Dial peers are not in that list; they are learned again from later events.
    public mutating func rebuild(from items: [AMIMessage]) {
        entries = [:]
        for item in items where item.firstValue == "CoreShowChannel" {
            guard let id = item["Uniqueid"] else { continue }
            var entry = Entry(source: item, prefix: "")
            entry.application = item["Application"]
            entry.applicationData = item["ApplicationData"]
            entry.bridgeID = item["BridgeId"].flatMap { $0.isEmpty ? nil : $0 }
            entries[id] = entry
        }
    }

    /// Points a channel's snapshot at a newer event (its headers under `prefix`) and changes
    /// its fields; one not seen yet (its Newchannel came before we connected) is added.
    private mutating func update(_ source: AMIMessage, _ prefix: String, _ change: (inout Entry) -> Void) {
        guard let id = source[prefix + "Uniqueid"], !id.isEmpty else { return }
        func refresh(_ entry: inout Entry) {
            entry.source = source
            entry.prefix = prefix
            change(&entry)
        }
        // In place: one hash of the uniqueid, no copy of the entry.
        refresh(&entries[id, default: Entry(source: source, prefix: prefix)])
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

import Foundation

/// What `switchboard status` shows: the server's identity and each component's state.
public struct StatusReport: Codable, Sendable {
    public var version: String
    public var pid: Int32
    public var startedAt: Date
    public var uptimeSeconds: Double
    public var configFile: String?
    public var controlSocket: String
    public var database: ComponentStatus
    public var agi: ComponentStatus
    public var ami: ComponentStatus
    /// Prometheus' `/metrics` (`[metrics] listen`).
    public var metrics: ComponentStatus
}

/// One component's state in words a supervisor understands, with its live counts.
public struct ComponentStatus: Codable, Sendable, Equatable {
    public var state: String
    public var detail: String?
    public var counts: [String: Int]

    public init(state: String, detail: String? = nil, counts: [String: Int] = [:]) {
        self.state = state
        self.detail = detail
        self.counts = counts
    }
}

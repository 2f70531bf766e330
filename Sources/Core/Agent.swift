import Foundation

/// An agent as stored: who, which phone to ring, what they can do. The PIN itself is never
/// stored or shown, only whether one is set.
public struct Agent: Sendable, Codable, Equatable {
    public var id: String
    public var name: String
    /// What Asterisk dials to ring the agent: `PJSIP/1001`, `SIP/1001`, `Local/1001@agents`.
    public var endpoint: String
    /// Skill → level 1…5.
    public var skills: [String: Int]
    public var languages: [String]
    public var hasPIN: Bool
    public var createdAt: Date

    public init(id: String, name: String, endpoint: String, skills: [String: Int] = [:], languages: [String] = [], hasPIN: Bool = false, createdAt: Date = Date()) {
        self.id = id
        self.name = name
        self.endpoint = endpoint
        self.skills = skills
        self.languages = languages
        self.hasPIN = hasPIN
        self.createdAt = createdAt
    }
}


import Foundation

/// A customer: who, their numbers, how important, which language.
public struct Customer: Sendable, Codable, Equatable {
    public var id: Int64
    public var name: String
    /// As entered; matched through `PhoneNumberPlan.key`.
    public var phones: [String]
    /// 0 = none; higher is more important.
    public var vipTier: Int
    public var language: String?
    public var notes: String?
    public var createdAt: Date

    public init(id: Int64, name: String, phones: [String] = [], vipTier: Int = 0, language: String? = nil, notes: String? = nil, createdAt: Date = Date()) {
        self.id = id
        self.name = name
        self.phones = phones
        self.vipTier = vipTier
        self.language = language
        self.notes = notes
        self.createdAt = createdAt
    }
}

/// A customer to add: everything but the id.
public struct CustomerDraft: Sendable, Equatable {
    public var name: String
    public var phones: [String]
    public var vipTier: Int
    public var language: String?
    public var notes: String?

    public init(name: String, phones: [String], vipTier: Int = 0, language: String? = nil, notes: String? = nil) {
        self.name = name
        self.phones = phones
        self.vipTier = vipTier
        self.language = language
        self.notes = notes
    }
}

import Foundation

/// A parsed Asterisk-style configuration file with its includes resolved and templates applied.
public struct INIDocument: Sendable {
    /// Every section in file order, templates included (see `INISection.isTemplate`).
    public var sections: [INISection] = []

    public init(sections: [INISection] = []) { self.sections = sections }

    /// Sections that are not templates: what the file configures.
    public var concreteSections: [INISection] { sections.filter { !$0.isTemplate } }

    /// Non-template sections with this name (compared without case, as Asterisk does).
    public func sections(named name: String) -> [INISection] {
        concreteSections.filter { $0.name.caseInsensitiveCompare(name) == .orderedSame }
    }
}

/// `[name]`, `[name](!)` (a template) or `[name](template, …)` (inheriting), and its entries.
public struct INISection: Sendable {
    public var name: String
    public var isTemplate: Bool
    /// Templates this section inherits from, in order.
    public var templates: [String]
    /// Inherited entries first, then the section's own, each in file order.
    public var entries: [INIEntry]
    public var location: SourceLocation

    /// The value a key has: the last one given, so a section overrides what a template set
    /// (Asterisk's `ast_variable_retrieve` does the same).
    public func entry(_ key: String) -> INIEntry? {
        entries.last { $0.key.caseInsensitiveCompare(key) == .orderedSame }
    }

    /// Every value given for a repeated key, in order.
    public func entries(_ key: String) -> [INIEntry] {
        entries.filter { $0.key.caseInsensitiveCompare(key) == .orderedSame }
    }
}

/// `key = value`, or `key => value` (an Asterisk "object" line such as a dialplan `exten =>`).
public struct INIEntry: Sendable, Hashable {
    public var key: String
    public var value: String
    public var isObject: Bool
    public var location: SourceLocation
}

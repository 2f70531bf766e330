import Foundation

/// Parses the configuration language Asterisk admins already know (`asterisk.conf`, `queues.conf`):
///
/// - `[section]`; `[name](!)` declares a template, `[name](a,b)` inherits a and b's entries,
///   `[name](!,a)` both, `[name](+)` adds to the section of that name defined before.
/// - `key = value` and `key => value`; repeated keys are kept in order.
/// - `;` starts a comment (`\;` is a literal semicolon); `;--` … `--;` is a block comment.
/// - `#include file` and `#tryinclude file` (missing is fine), relative to the including file;
///   an include cycle is an error.
///
/// Every error names `file:line`.
public struct INIParser {
    public static let maxIncludeDepth = 32

    private var document = INIDocument()
    /// The section entries go into, as an index into `document.sections`.
    private var current: Int?
    private var includeStack: [String] = []

    private init() {}

    public static func parse(file path: String) throws -> INIDocument {
        var parser = INIParser()
        try parser.include(path: path, from: nil, optional: false)
        return parser.document
    }

    /// Parses `text` as if it were the content of `file` (whose folder includes are relative to).
    public static func parse(text: String, file: String) throws -> INIDocument {
        var parser = INIParser()
        parser.includeStack = [file]
        try parser.parseLines(of: text, file: file)
        return parser.document
    }

    private mutating func include(path: String, from location: SourceLocation?, optional: Bool) throws {
        let resolved = Self.resolve(path, relativeTo: location?.file)
        if includeStack.contains(resolved) {
            let chain = (includeStack + [resolved]).joined(separator: " → ")
            throw ConfigError.at(location, "#include cycle: \(chain)")
        }
        guard includeStack.count < Self.maxIncludeDepth else {
            throw ConfigError.at(location, "#include nested deeper than \(Self.maxIncludeDepth) files")
        }
        let text: String
        do {
            text = try String(contentsOfFile: resolved, encoding: .utf8)
        } catch {
            if optional { return }
            let reason = (error as? CocoaError)?.code == .fileReadNoSuchFile ? "no such file" : "cannot read it"
            if let location { throw ConfigError.at(location, "#include \(resolved): \(reason)") }
            throw ConfigError.at(nil, "\(resolved): \(reason)")
        }
        includeStack.append(resolved)
        defer { includeStack.removeLast() }
        try parseLines(of: text, file: resolved)
    }

    static func resolve(_ path: String, relativeTo including: String?) -> String {
        guard !path.hasPrefix("/"), let including else { return path }
        let folder = (including as NSString).deletingLastPathComponent
        return folder.isEmpty ? path : (folder as NSString).appendingPathComponent(path)
    }

    private mutating func parseLines(of text: String, file: String) throws {
        var inBlockComment = false
        var lineNumber = 0
        // "\r\n" is one Character in Swift, so split on newline characters rather than on "\n".
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            lineNumber += 1
            let location = SourceLocation(file: file, line: lineNumber)
            var line = rawLine
            if inBlockComment {
                guard let end = line.range(of: "--;") else { continue }
                line = line[end.upperBound...]
                inBlockComment = false
            }
            let (content, opensBlock) = Self.stripComment(line)
            inBlockComment = opensBlock
            let trimmed = content.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            if trimmed.hasPrefix("#") {
                try directive(trimmed, at: location)
            } else if trimmed.hasPrefix("[") {
                try sectionHeader(trimmed, at: location)
            } else {
                try entry(trimmed, at: location)
            }
        }
    }

    /// The line without its comment, and whether a block comment starts (and does not end) on it.
    static func stripComment(_ line: Substring) -> (String, opensBlock: Bool) {
        var result = ""
        var index = line.startIndex
        while index < line.endIndex {
            let character = line[index]
            if character == "\\", line.index(after: index) < line.endIndex, line[line.index(after: index)] == ";" {
                result.append(";")
                index = line.index(index, offsetBy: 2)
                continue
            }
            if character == ";" {
                let rest = line[index...]
                if rest.hasPrefix(";--") {
                    let afterOpen = rest.dropFirst(3)
                    if let end = afterOpen.range(of: "--;") {
                        index = end.upperBound
                        continue
                    }
                    return (result, true)
                }
                return (result, false)
            }
            result.append(character)
            index = line.index(after: index)
        }
        return (result, false)
    }

    private mutating func directive(_ line: String, at location: SourceLocation) throws {
        let parts = line.split(maxSplits: 1, whereSeparator: { $0 == " " || $0 == "\t" })
        let name = parts[0].lowercased()
        guard name == "#include" || name == "#tryinclude" else {
            throw ConfigError.at(location, "unknown directive '\(parts[0])' (expected #include or #tryinclude)")
        }
        var target = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
        if target.count >= 2, target.hasPrefix("\""), target.hasSuffix("\"") || target.hasPrefix("<") && target.hasSuffix(">") {
            target = String(target.dropFirst().dropLast())
        }
        guard !target.isEmpty else { throw ConfigError.at(location, "\(name) needs a file name") }
        try include(path: target, from: location, optional: name == "#tryinclude")
    }

    private mutating func sectionHeader(_ line: String, at location: SourceLocation) throws {
        guard let close = line.firstIndex(of: "]") else {
            throw ConfigError.at(location, "section header has no closing ']'")
        }
        let name = line[line.index(after: line.startIndex)..<close].trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty else { throw ConfigError.at(location, "section name is empty") }
        var options: [String] = []
        let rest = line[line.index(after: close)...].trimmingCharacters(in: .whitespaces)
        if !rest.isEmpty {
            guard rest.hasPrefix("("), rest.hasSuffix(")") else {
                throw ConfigError.at(location, "unexpected '\(rest)' after section [\(name)]: only (options) may follow")
            }
            options = rest.dropFirst().dropLast().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        }
        var isTemplate = false
        var appending = false
        var templates: [String] = []
        for option in options where !option.isEmpty {
            switch option {
            case "!": isTemplate = true
            case "+": appending = true
            default: templates.append(option)
            }
        }
        if appending {
            guard let existing = document.sections.lastIndex(where: { $0.name == name }) else {
                throw ConfigError.at(location, "[\(name)](+) adds to a section that is not defined before it")
            }
            current = existing
            return
        }
        var inherited: [INIEntry] = []
        for template in templates {
            guard let source = document.sections.last(where: { $0.name == template }) else {
                throw ConfigError.at(location, "[\(name)] inherits from '\(template)', which is not defined before it")
            }
            inherited += source.entries
        }
        document.sections.append(
            INISection(name: name, isTemplate: isTemplate, templates: templates, entries: inherited, location: location)
        )
        current = document.sections.count - 1
    }

    private mutating func entry(_ line: String, at location: SourceLocation) throws {
        guard let equals = line.firstIndex(of: "=") else {
            throw ConfigError.at(location, "expected 'key = value', found '\(line)'")
        }
        let key = line[..<equals].trimmingCharacters(in: .whitespaces)
        var valueStart = line.index(after: equals)
        let isObject = valueStart < line.endIndex && line[valueStart] == ">"
        if isObject { valueStart = line.index(after: valueStart) }
        let value = line[valueStart...].trimmingCharacters(in: .whitespaces)
        guard !key.isEmpty else { throw ConfigError.at(location, "entry has no key before '='") }
        guard let current else {
            throw ConfigError.at(location, "'\(key)' is outside any section: put a [section] line before it")
        }
        document.sections[current].entries.append(INIEntry(key: key, value: value, isObject: isObject, location: location))
    }
}

import Foundation

/// A dialplan file as Asterisk's `pbx_config` reads it: contexts with their extensions'
/// priorities, includes and `#include`s. Lines it cannot read are kept as problems.
public struct DialplanFile: Sendable {
    public struct Priority: Sendable, Equatable {
        /// 1, 2, … (a `hint` is 0).
        public var number: Int
        public var label: String?
        /// The application, or for a hint the device.
        public var application: String
        public var arguments: String
        public var line: Int
    }

    public struct Context: Sendable {
        public var name: String
        public var line: Int
        /// Extension (pattern) → its priorities in order; `order` keeps the file's order.
        public var extensions: [String: [Priority]] = [:]
        public var order: [String] = []
        public var includes: [(name: String, line: Int)] = []
        /// `[globals]`'s `NAME = value` lines.
        public var variables: [String: String] = [:]
    }

    public var name: String
    public var contexts: [Context] = []
    public var fileIncludes: [(file: String, line: Int)] = []
    /// `(line, message)` for what is not dialplan.
    public var problems: [(line: Int, message: String)] = []

    /// Reads `lines` (numbered from 1).
    public init(name: String, lines: [String]) {
        self.name = name
        var lastExtension: String?
        // After a context line that could not be read, its lines are not problems of their own.
        var inBrokenContext = false
        for (offset, raw) in lines.enumerated() {
            let number = offset + 1
            let text = Self.withoutComment(raw).trimmingCharacters(in: .whitespaces)
            if text.isEmpty { continue }
            if text.hasPrefix("#") {
                let parts = text.split(separator: " ", maxSplits: 1).map(String.init)
                if parts[0] == "#include" || parts[0] == "#tryinclude", parts.count == 2 {
                    fileIncludes.append((parts[1].trimmingCharacters(in: CharacterSet(charactersIn: "\" <>")), number))
                } else {
                    problems.append((number, "'\(parts[0])' is not #include or #tryinclude with a file"))
                }
                continue
            }
            if text.hasPrefix("[") {
                guard let close = text.firstIndex(of: "]"), close > text.index(after: text.startIndex) else {
                    problems.append((number, "a context is written [name]"))
                    inBrokenContext = true
                    continue
                }
                let name = String(text[text.index(after: text.startIndex)..<close])
                if name.contains(where: { $0.isWhitespace || $0 == "[" }) {
                    problems.append((number, "'\(name)' is not a context name"))
                    inBrokenContext = true
                    continue
                }
                contexts.append(Context(name: name, line: number))
                lastExtension = nil
                inBrokenContext = false
                continue
            }
            if inBrokenContext { continue }
            guard !contexts.isEmpty else {
                problems.append((number, "'\(text)' comes before any [context]"))
                continue
            }
            let (key, value) = Self.keyValue(text)
            guard let key, let value else {
                problems.append((number, "'\(text)' is not KEY => VALUE"))
                continue
            }
            let index = contexts.count - 1
            if contexts[index].name == "globals" || contexts[index].name == "general" {
                contexts[index].variables[key] = value
                continue
            }
            switch key.lowercased() {
            case "exten":
                let parts = Self.split(value, maxParts: 3)
                guard parts.count == 3 else {
                    problems.append((number, "exten => needs PATTERN,PRIORITY,APPLICATION(ARGUMENTS)"))
                    continue
                }
                let pattern = parts[0].split(separator: "/", maxSplits: 1).first.map(String.init) ?? parts[0]
                add(pattern, priority: parts[1], application: parts[2], at: number, in: index)
                lastExtension = pattern
            case "same":
                guard let extensionName = lastExtension else {
                    problems.append((number, "same => has no exten => line before it in [\(contexts[index].name)]"))
                    continue
                }
                let parts = Self.split(value, maxParts: 2)
                guard parts.count == 2 else {
                    problems.append((number, "same => needs PRIORITY,APPLICATION(ARGUMENTS)"))
                    continue
                }
                add(extensionName, priority: parts[0], application: parts[1], at: number, in: index)
            case "include":
                contexts[index].includes.append((value, number))
            case "switch", "ignorepat":
                continue
            default:
                problems.append((number, "'\(key) =>' is not exten, same, include, switch or ignorepat"))
            }
        }
    }

    /// Adds a priority line; problems with the priority itself are noted here.
    private mutating func add(_ pattern: String, priority text: String, application: String, at line: Int, in index: Int) {
        var priorityText = text.trimmingCharacters(in: .whitespaces)
        var label: String?
        if let open = priorityText.firstIndex(of: "("), priorityText.hasSuffix(")") {
            label = String(priorityText[priorityText.index(after: open)..<priorityText.index(before: priorityText.endIndex)])
            priorityText = String(priorityText[..<open])
        }
        let existing = contexts[index].extensions[pattern] ?? []
        let number: Int
        switch priorityText.lowercased() {
        case "hint":
            contexts[index].extensions[pattern, default: []].append(Priority(number: 0, label: nil, application: application, arguments: "", line: line))
            if existing.isEmpty { contexts[index].order.append(pattern) }
            return
        case "n":
            guard let last = existing.last(where: { $0.number > 0 }) else {
                problems.append((line, "extension \(pattern) in [\(contexts[index].name)] starts with priority n: the first is 1"))
                return
            }
            number = last.number + 1
        default:
            guard let value = Int(priorityText), value >= 1 else {
                problems.append((line, "'\(text)' is not a priority (1, 2, …, n, n(label) or hint)"))
                return
            }
            let expected = (existing.last(where: { $0.number > 0 })?.number ?? 0) + 1
            if value != expected {
                problems.append((line, expected == 1
                    ? "extension \(pattern) in [\(contexts[index].name)] starts at priority \(value), not 1"
                    : "priority \(value) of \(pattern) in [\(contexts[index].name)] does not follow \(expected - 1)"))
            }
            number = value
        }
        let (app, arguments) = Self.application(application)
        contexts[index].extensions[pattern, default: []].append(Priority(number: number, label: label, application: app, arguments: arguments, line: line))
        if existing.isEmpty { contexts[index].order.append(pattern) }
    }

    /// `App(args)` → ("App", "args"); `App` → ("App", "").
    static func application(_ text: String) -> (String, String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let open = trimmed.firstIndex(of: "(") else { return (trimmed, "") }
        let name = String(trimmed[..<open]).trimmingCharacters(in: .whitespaces)
        var arguments = String(trimmed[trimmed.index(after: open)...])
        if arguments.hasSuffix(")") { arguments.removeLast() }
        return (name, arguments)
    }

    /// `key => value` or `key = value`.
    static func keyValue(_ text: String) -> (String?, String?) {
        for separator in ["=>", "="] {
            if let range = text.range(of: separator) {
                let key = text[..<range.lowerBound].trimmingCharacters(in: .whitespaces)
                let value = text[range.upperBound...].trimmingCharacters(in: .whitespaces)
                return key.isEmpty ? (nil, nil) : (key, value)
            }
        }
        return (nil, nil)
    }

    /// Splits at top-level commas (not inside parentheses, `${…}` or `$[…]`; a pattern's `[1-5]`
    /// holds no comma) into at most `maxParts`.
    static func split(_ text: String, maxParts: Int) -> [String] {
        var parts: [String] = []
        var current = ""
        var depth = 0
        var previous: Character?
        for character in text {
            if character == "," && depth == 0 && parts.count < maxParts - 1 {
                parts.append(current.trimmingCharacters(in: .whitespaces))
                current = ""
                previous = character
                continue
            }
            if character == "(" || (previous == "$" && (character == "{" || character == "[")) {
                depth += 1
            } else if ")]}".contains(character) {
                depth = max(0, depth - 1)
            }
            current.append(character)
            previous = character
        }
        parts.append(current.trimmingCharacters(in: .whitespaces))
        return parts
    }

    /// The line without its comment (`;` not escaped as `\;`).
    static func withoutComment(_ line: String) -> String {
        var result = ""
        var previous: Character?
        for character in line {
            if character == ";" && previous != "\\" { break }
            result.append(character)
            previous = character
        }
        return result
    }
}

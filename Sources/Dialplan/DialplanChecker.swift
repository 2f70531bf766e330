import Foundation

/// Checks rendered dialplan files as Asterisk would read them, before Asterisk does: syntax,
/// patterns, priorities, Goto/Gosub targets, applications and functions that exist in the
/// Asterisk they are for (`AsteriskCatalog`), and balanced `${…}` and `$[…]`. Each problem is
/// at a line of the file checked; the caller maps it back to its template.
public struct DialplanChecker: Sendable {
    public struct Problem: Sendable, Equatable {
        public var file: String
        public var line: Int
        public var message: String

        public init(file: String, line: Int, message: String) {
            self.file = file
            self.line = line
            self.message = message
        }
    }

    public let catalog: AsteriskCatalog
    /// Contexts defined elsewhere (the admin's own `extensions.conf`) that targets may name.
    public var knownContexts: Set<String> = []

    public init(catalog: AsteriskCatalog = .asterisk20) {
        self.catalog = catalog
    }

    /// Problems in `files`, which are checked together (a Goto may cross files).
    public func check(_ files: [DialplanFile], lines: [String: [String]]) -> [Problem] {
        var problems: [Problem] = []
        for file in files {
            problems += file.problems.map { Problem(file: file.name, line: $0.line, message: $0.message) }
            for (index, text) in (lines[file.name] ?? []).enumerated() {
                if let message = Self.unbalanced(DialplanFile.withoutComment(text)) { problems.append(Problem(file: file.name, line: index + 1, message: message)) }
            }
        }
        var contexts: [String: [DialplanFile.Context]] = [:]
        for file in files { for context in file.contexts { contexts[context.name, default: []].append(context) } }
        for file in files {
            for context in file.contexts {
                for include in context.includes where contexts[include.name] == nil && !knownContexts.contains(include.name) {
                    problems.append(Problem(file: file.name, line: include.line, message: "include => \(include.name): no such context"))
                }
                for pattern in context.order {
                    if let message = Self.patternProblem(pattern) {
                        problems.append(Problem(file: file.name, line: context.extensions[pattern]?.first?.line ?? context.line, message: message))
                    }
                    let priorities = context.extensions[pattern] ?? []
                    var labels: [String: Int] = [:]
                    for priority in priorities {
                        if let label = priority.label {
                            if labels[label] != nil {
                                problems.append(Problem(file: file.name, line: priority.line, message: "label \(label) is used twice in \(pattern) of [\(context.name)]"))
                            }
                            labels[label] = priority.number
                        }
                    }
                    for priority in priorities where priority.number > 0 {
                        problems += check(priority, pattern: pattern, context: context.name, labels: labels, contexts: contexts, file: file.name)
                    }
                }
            }
        }
        return problems.sorted { ($0.file, $0.line) < ($1.file, $1.line) }
    }

    private func check(
        _ priority: DialplanFile.Priority, pattern: String, context: String, labels: [String: Int], contexts: [String: [DialplanFile.Context]], file: String
    ) -> [Problem] {
        var problems: [Problem] = []
        func problem(_ message: String) { problems.append(Problem(file: file, line: priority.line, message: message)) }
        if !catalog.hasApplication(priority.application) {
            problem("no application \(priority.application) in Asterisk \(catalog.version)\(catalog.suggestion(forApplication: priority.application).map { " (did you mean \($0)?)" } ?? "")")
        }
        for function in Self.functions(in: priority.arguments, application: priority.application) where !catalog.hasFunction(function) {
            problem("no function \(function) in Asterisk \(catalog.version)")
        }
        for target in Self.targets(of: priority.application, priority.arguments) {
            if let message = resolve(target, pattern: pattern, context: context, labels: labels, contexts: contexts) { problem(message) }
        }
        return problems
    }

    /// A jump's target: `[[context,]exten,]priority-or-label`.
    struct Target: Equatable {
        var context: String?
        var exten: String?
        var priority: String
    }

    /// Why the target does not exist, or nil when it does (or cannot be known: it uses `${…}`).
    private func resolve(_ target: Target, pattern: String, context: String, labels: [String: Int], contexts: [String: [DialplanFile.Context]]) -> String? {
        let all = [target.context, target.exten, target.priority].compactMap { $0 }
        if all.contains(where: { $0.contains("$") }) { return nil }
        let contextName = target.context ?? context
        guard let defined = contexts[contextName] else {
            return knownContexts.contains(contextName) ? nil : "jumps to [\(contextName)], which no file defines"
        }
        let extensionName = target.exten ?? pattern
        let candidates = defined.compactMap { found -> [DialplanFile.Priority]? in
            if let exact = found.extensions[extensionName] { return exact }
            return target.exten == nil ? nil : found.order.first { Self.matches(extensionName, pattern: $0) }.flatMap { found.extensions[$0] }
        }
        guard let priorities = candidates.first else { return "jumps to \(extensionName) in [\(contextName)], which has no such extension" }
        if let number = Int(target.priority) {
            return priorities.contains { $0.number == number } ? nil : "jumps to priority \(number) of \(extensionName) in [\(contextName)], which it does not have"
        }
        return priorities.contains { $0.label == target.priority } ? nil : "jumps to label \(target.priority) in \(extensionName) of [\(contextName)], which has no such label"
    }

    /// The targets of Goto, GotoIf, Gosub, GosubIf (both branches of the `If`s).
    static func targets(of application: String, _ arguments: String) -> [Target] {
        func parse(_ text: String) -> Target? {
            var text = text.trimmingCharacters(in: .whitespaces)
            if let open = text.firstIndex(of: "(") { text = String(text[..<open]) } // Gosub's arguments
            guard !text.isEmpty else { return nil }
            let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            switch parts.count {
            case 1: return Target(context: nil, exten: nil, priority: parts[0])
            case 2: return Target(context: nil, exten: parts[0], priority: parts[1])
            case 3: return Target(context: parts[0], exten: parts[1], priority: parts[2])
            default: return nil
            }
        }
        switch application.lowercased() {
        case "goto", "gosub":
            return parse(arguments).map { [$0] } ?? []
        case "gotoif", "gosubif":
            guard let question = Self.topLevelQuestion(arguments) else { return [] }
            let branches = String(arguments[arguments.index(after: question)...])
            let colon = Self.topLevelColon(branches)
            let first = colon.map { String(branches[..<$0]) } ?? branches
            let second = colon.map { String(branches[branches.index(after: $0)...]) }
            return [parse(first), second.flatMap(parse)].compactMap { $0 }
        default:
            return []
        }
    }

    /// The `?` of `GotoIf(condition?…)` outside `$[…]` and `${…}`.
    static func topLevelQuestion(_ text: String) -> String.Index? {
        var depth = 0
        for index in text.indices {
            let character = text[index]
            if "[{(".contains(character) { depth += 1 } else if "]})".contains(character) { depth -= 1 } else if character == "?" && depth == 0 { return index }
        }
        return nil
    }

    static func topLevelColon(_ text: String) -> String.Index? {
        var depth = 0
        for index in text.indices {
            let character = text[index]
            if "[{(".contains(character) { depth += 1 } else if "]})".contains(character) { depth -= 1 } else if character == ":" && depth == 0 { return index }
        }
        return nil
    }

    /// Dialplan functions used: `${NAME(…)}`, and `Set(NAME(…)=…)`'s left side.
    static func functions(in arguments: String, application: String) -> [String] {
        var names: [String] = []
        var rest = Substring(arguments)
        while let open = rest.range(of: "${") {
            let after = rest[open.upperBound...]
            let name = after.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
            if !name.isEmpty, after.dropFirst(name.count).first == "(" { names.append(String(name)) }
            rest = after
        }
        if application.lowercased() == "set" || application.lowercased() == "execif" {
            let assignment = application.lowercased() == "execif" ? (arguments.range(of: "Set(").map { String(arguments[$0.upperBound...]) } ?? "") : arguments
            let name = assignment.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
            if !name.isEmpty, assignment.dropFirst(name.count).first == "(", assignment.contains("=") { names.append(String(name)) }
        }
        return names
    }

    /// What is wrong with a line's `${…}` and `$[…]`, if anything.
    static func unbalanced(_ text: String) -> String? {
        var stack: [Character] = []
        var previous: Character?
        for character in text {
            if previous == "$" && (character == "{" || character == "[") {
                stack.append(character == "{" ? "}" : "]")
            } else if character == "{" || character == "[" {
                if !stack.isEmpty { stack.append(character == "{" ? "}" : "]") }
            } else if character == "}" || character == "]" {
                if let expected = stack.last {
                    guard expected == character else { return "'\(character)' closes what '\(expected)' should: unbalanced ${…} or $[…]" }
                    stack.removeLast()
                }
            }
            previous = character
        }
        guard let open = stack.first else { return nil }
        return open == "}" ? "${ without its closing }" : "$[ without its closing ]"
    }

    /// Why `pattern` is not an extension Asterisk takes, or nil.
    static func patternProblem(_ pattern: String) -> String? {
        guard pattern.hasPrefix("_") else {
            let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "*#+-_"))
            return pattern.unicodeScalars.allSatisfy(allowed.contains) ? nil : "'\(pattern)' is not an extension (digits, letters, * # + -) or a pattern (_…)"
        }
        let characters = Array(pattern.dropFirst())
        guard !characters.isEmpty else { return "'_' alone is not a pattern" }
        var index = 0
        while index < characters.count {
            let character = characters[index]
            switch character {
            case "X", "Z", "N", "x", "z", "n", "*", "#", "+", "-": index += 1
            case ".", "!":
                guard index == characters.count - 1 else { return "pattern \(pattern): '\(character)' matches the rest, so it comes last" }
                index += 1
            case "[":
                guard let close = characters[index...].firstIndex(of: "]") else { return "pattern \(pattern): '[' without ']'" }
                let set = characters[(index + 1)..<close]
                guard !set.isEmpty, set.allSatisfy({ $0.isNumber || "-*#+".contains($0) }) else {
                    return "pattern \(pattern): [\(String(set))] is not a set of digits such as [1-5]"
                }
                index = close + 1
            default:
                guard character.isNumber || character.isLetter else { return "pattern \(pattern): '\(character)' is not X, Z, N, a digit, [set], . or !" }
                index += 1
            }
        }
        return nil
    }

    /// Whether `exten` matches `pattern` (a literal, or `_` with X Z N [set] . !).
    static func matches(_ exten: String, pattern: String) -> Bool {
        guard pattern.hasPrefix("_") else { return exten == pattern }
        let pattern = Array(pattern.dropFirst()), exten = Array(exten)
        var p = 0, e = 0
        while p < pattern.count {
            let token = pattern[p]
            if token == "." { return e < exten.count }
            if token == "!" { return true }
            guard e < exten.count else { return false }
            let character = exten[e]
            switch token {
            case "X", "x": guard character.isNumber else { return false }
            case "Z", "z": guard character.isNumber, character != "0" else { return false }
            case "N", "n": guard character.isNumber, character != "0", character != "1" else { return false }
            case "[":
                guard let close = pattern[p...].firstIndex(of: "]") else { return false }
                if !Self.inSet(character, Array(pattern[(p + 1)..<close])) { return false }
                p = close
            default: guard token == character else { return false }
            }
            p += 1
            e += 1
        }
        return e == exten.count
    }

    private static func inSet(_ character: Character, _ set: [Character]) -> Bool {
        var index = 0
        while index < set.count {
            if index + 2 < set.count, set[index + 1] == "-", let low = set[index].asciiValue, let high = set[index + 2].asciiValue, let value = character.asciiValue {
                if (low...high).contains(value) { return true }
                index += 3
            } else {
                if set[index] == character { return true }
                index += 1
            }
        }
        return false
    }
}

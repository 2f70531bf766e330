import Foundation

/// A context as the running Asterisk has it loaded: the output of `dialplan show CONTEXT`, read
/// back into extensions and their priorities (`1. App(args)`, `[label] 6. App(args)`, hints).
public struct LoadedContext: Sendable, Equatable {
    public struct Step: Sendable, Equatable {
        /// 0 for a hint.
        public var priority: Int
        public var label: String?
        /// `App(args)`, or for a hint the device.
        public var command: String
    }

    public var name: String
    public var extensions: [String: [Step]] = [:]
    public var includes: [String] = []

    /// Reads `dialplan show NAME`'s lines; nil when Asterisk has no such context.
    public init?(name: String, output: [String]) {
        self.name = name
        guard output.contains(where: { $0.contains("[ Context '\(name)'") }) else { return nil }
        var current: String?
        for line in output {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("Include =>") {
                if let open = trimmed.firstIndex(of: "'"), let close = trimmed[trimmed.index(after: open)...].firstIndex(of: "'") {
                    includes.append(String(trimmed[trimmed.index(after: open)..<close]))
                }
                continue
            }
            var rest = Substring(trimmed)
            if rest.hasPrefix("'"), let close = rest.dropFirst().firstIndex(of: "'"), rest[close...].hasPrefix("' =>") {
                current = String(rest[rest.index(after: rest.startIndex)..<close])
                rest = rest[rest.index(close, offsetBy: 4)...].drop { $0 == " " }
            }
            guard let exten = current else { continue }
            let body = Self.withoutSource(String(rest))
            if body.hasPrefix("hint:") {
                extensions[exten, default: []].append(Step(priority: 0, label: nil, command: body.dropFirst(5).trimmingCharacters(in: .whitespaces)))
                continue
            }
            var label: String?
            var text = Substring(body)
            if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
                label = String(text[text.index(after: text.startIndex)..<close])
                text = text[text.index(after: close)...].drop { $0 == " " }
            }
            guard let dot = text.firstIndex(of: "."), let priority = Int(text[..<dot]) else { continue }
            extensions[exten, default: []].append(Step(priority: priority, label: label, command: text[text.index(after: dot)...].trimmingCharacters(in: .whitespaces)))
        }
    }

    /// The line without Asterisk's trailing `[file:line]` (or `[pbx_config]`).
    static func withoutSource(_ text: String) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasSuffix("]"), let open = trimmed.range(of: " [", options: .backwards) else { return trimmed }
        let source = trimmed[open.upperBound...]
        guard source.contains(":") || source.hasPrefix("pbx_config") || source.hasPrefix("registrar") else { return trimmed }
        return trimmed[..<open.lowerBound].trimmingCharacters(in: .whitespaces)
    }
}

extension DialplanFile.Context {
    /// What this context's lines become once Asterisk has loaded them, to compare with
    /// `LoadedContext`.
    public var expected: [String: [LoadedContext.Step]] {
        extensions.mapValues { priorities in
            priorities.map { priority in
                priority.number == 0
                    ? LoadedContext.Step(priority: 0, label: nil, command: priority.application)
                    : LoadedContext.Step(priority: priority.number, label: priority.label, command: "\(priority.application)(\(priority.arguments))")
            }
        }
    }
}

import Foundation

/// The dialplan templates' language, small on purpose: what an admin needs to write Asterisk's
/// own syntax with values filled in, and nothing more.
///
///     {{agi.url}}                      a value; dotted names reach into records
///     {{#each did in dids}}            the lines up to {{/each}} once per item of a list,
///     exten => {{did.number}},1,…      the item named by the word before `in`
///     {{/each}}
///     {{#if hagi}} … {{#else}} … {{/if}}   lines kept when the value is set (a list: not empty;
///                                      text: not empty, not no/false/0)
///     {{! a note }}                    left out of the result
///
/// Block tags stand alone on their line. Everything else is copied as it is — `${EXTEN}` and
/// `$[…]` are Asterisk's and untouched. Each rendered line remembers the template line it came
/// from, so problems found in the result are reported at the template's line.
public struct Template: Sendable {
    public let name: String
    let nodes: [Node]

    indirect enum Node: Sendable {
        case line(text: String, number: Int)
        case each(item: String, list: String, body: [Node], number: Int)
        case when(value: String, then: [Node], otherwise: [Node], number: Int)
    }

    /// Parses `text`; `name` (the template's file) is used in problems. Every problem found is
    /// thrown at once.
    public init(name: String, text: String) throws {
        self.name = name
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if text.hasSuffix("\n") { lines.removeLast() }
        var parser = Parser(name: name, lines: lines)
        nodes = parser.parse()
        if !parser.problems.isEmpty { throw TemplateError(parser.problems) }
    }

    /// The lines rendered from `values`, each with its template line.
    public func render(_ values: TemplateValue) throws -> [RenderedLine] {
        var problems: [TemplateProblem] = []
        var output: [RenderedLine] = []
        render(nodes, scope: [values], into: &output, problems: &problems)
        if !problems.isEmpty { throw TemplateError(problems) }
        return output
    }

    private func render(_ nodes: [Node], scope: [TemplateValue], into output: inout [RenderedLine], problems: inout [TemplateProblem]) {
        for node in nodes {
            switch node {
            case .line(let text, let number):
                output.append(RenderedLine(text: substitute(text, scope: scope, line: number, problems: &problems), templateLine: number))
            case .each(let item, let list, let body, let number):
                guard let value = lookup(list, in: scope) else {
                    problems.append(TemplateProblem(template: name, line: number, message: "unknown value '\(list)'"))
                    continue
                }
                guard case .list(let items) = value else {
                    problems.append(TemplateProblem(template: name, line: number, message: "'\(list)' is not a list"))
                    continue
                }
                for element in items { render(body, scope: [.record([item: element])] + scope, into: &output, problems: &problems) }
            case .when(let name, let then, let otherwise, let number):
                guard let value = lookup(name, in: scope) else {
                    problems.append(TemplateProblem(template: self.name, line: number, message: "unknown value '\(name)'"))
                    continue
                }
                render(value.isSet ? then : otherwise, scope: scope, into: &output, problems: &problems)
            }
        }
    }

    /// `{{name}}` replaced by its text; an unknown name or a list is a problem.
    private func substitute(_ text: String, scope: [TemplateValue], line: Int, problems: inout [TemplateProblem]) -> String {
        var result = ""
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            result += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                problems.append(TemplateProblem(template: name, line: line, message: "'{{' without '}}'"))
                return result + rest[open.lowerBound...]
            }
            let name = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            rest = rest[close.upperBound...]
            if name.hasPrefix("!") { continue }
            switch lookup(name, in: scope) {
            case .text(let value): result += value
            case .list, .record: problems.append(TemplateProblem(template: self.name, line: line, message: "'\(name)' is not a text value"))
            case nil: problems.append(TemplateProblem(template: self.name, line: line, message: "unknown value '\(name)'"))
            }
        }
        return result + rest
    }

    /// `a.b.c` in the innermost scope that has `a`.
    private func lookup(_ path: String, in scope: [TemplateValue]) -> TemplateValue? {
        let parts = path.split(separator: ".").map(String.init)
        guard let first = parts.first else { return nil }
        for frame in scope {
            guard case .record(let fields) = frame, var value = fields[first] else { continue }
            for part in parts.dropFirst() {
                guard case .record(let inner) = value, let next = inner[part] else { return nil }
                value = next
            }
            return value
        }
        return nil
    }

    private struct Parser {
        let name: String
        let lines: [String]
        var index = 0
        var problems: [TemplateProblem] = []

        /// Nodes up to the end, or to a closing tag (left for the caller).
        mutating func parse(until closers: Set<String> = []) -> [Node] {
            var nodes: [Node] = []
            while index < lines.count {
                let text = lines[index]
                let number = index + 1
                guard let tag = Self.blockTag(text) else {
                    nodes.append(.line(text: text, number: number))
                    index += 1
                    continue
                }
                let words = tag.split(separator: " ").map(String.init)
                if closers.contains(words[0]) { return nodes }
                index += 1
                switch words[0] {
                case "#each":
                    // A malformed opening tag still has its block read, so its closing tag is not a second problem.
                    let wellFormed = words.count == 4 && words[2] == "in"
                    if !wellFormed { problems.append(TemplateProblem(template: name, line: number, message: "'{{\(tag)}}': write {{#each ITEM in LIST}}")) }
                    let body = parse(until: ["/each"])
                    close("/each", opened: "#each", at: number)
                    if wellFormed { nodes.append(.each(item: words[1], list: words[3], body: body, number: number)) }
                case "#if":
                    let wellFormed = words.count == 2
                    if !wellFormed { problems.append(TemplateProblem(template: name, line: number, message: "'{{\(tag)}}': write {{#if VALUE}}")) }
                    let then = parse(until: ["#else", "/if"])
                    var otherwise: [Node] = []
                    if index < lines.count, Self.blockTag(lines[index]) == "#else" {
                        index += 1
                        otherwise = parse(until: ["/if"])
                    }
                    close("/if", opened: "#if", at: number)
                    if wellFormed { nodes.append(.when(value: words[1], then: then, otherwise: otherwise, number: number)) }
                default:
                    problems.append(TemplateProblem(template: name, line: number, message: "'{{\(tag)}}' without its opening tag, or not a tag (#each, #if, #else, /each, /if)"))
                }
            }
            return nodes
        }

        private mutating func close(_ closer: String, opened: String, at line: Int) {
            if index < lines.count, Self.blockTag(lines[index]) == closer {
                index += 1
            } else {
                problems.append(TemplateProblem(template: name, line: line, message: "{{\(opened) …}} has no {{\(closer)}}"))
            }
        }

        /// The tag of a line that is one block tag (`{{#each …}}`, `{{/if}}`, …), else nil.
        static func blockTag(_ line: String) -> String? {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("{{"), trimmed.hasSuffix("}}"), trimmed.count > 4 else { return nil }
            let inner = trimmed.dropFirst(2).dropLast(2).trimmingCharacters(in: .whitespaces)
            guard let first = inner.first, first == "#" || first == "/", !inner.contains("{{") else { return nil }
            return inner.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        }
    }
}

/// A value templates are filled from.
public enum TemplateValue: Sendable, Equatable {
    case text(String)
    case list([TemplateValue])
    case record([String: TemplateValue])

    /// `{{#if}}`'s test.
    var isSet: Bool {
        switch self {
        case .text(let text): !text.isEmpty && !["no", "false", "0"].contains(text.lowercased())
        case .list(let items): !items.isEmpty
        case .record(let fields): !fields.isEmpty
        }
    }
}

/// One line of a rendered file and the template line it came from.
public struct RenderedLine: Sendable, Equatable {
    public var text: String
    /// The template's line; 0 for lines no template line made (a rendered file's header).
    public var templateLine: Int

    public init(text: String, templateLine: Int) {
        self.text = text
        self.templateLine = templateLine
    }
}

/// A problem at a template's line: `template:line: message`.
public struct TemplateProblem: Sendable, Equatable, CustomStringConvertible {
    public var template: String
    public var line: Int
    public var message: String

    public init(template: String, line: Int, message: String) {
        self.template = template
        self.line = line
        self.message = message
    }

    public var description: String { "\(template):\(line): \(message)" }
}

/// Every problem a template has.
public struct TemplateError: Error, CustomStringConvertible {
    public var problems: [TemplateProblem]
    public init(_ problems: [TemplateProblem]) { self.problems = problems }
    public var description: String { problems.map(\.description).joined(separator: "\n") }
}

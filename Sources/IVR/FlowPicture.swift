import Core
import Config
import Foundation

/// A flow drawn for people: an indented tree from the start node, or Graphviz DOT.
public enum FlowPicture {
    public static func tree(_ flow: Flow) -> String {
        var lines = ["\(flow.name) (start: \(flow.start))"]
        var shown: Set<String> = []
        func walk(_ name: String, _ label: String, _ depth: Int) {
            let indent = String(repeating: "  ", count: depth)
            guard let node = flow.node(name) else {
                lines.append("\(indent)\(label)[\(name)] (missing)")
                return
            }
            guard shown.insert(name).inserted else {
                lines.append("\(indent)\(label)→ [\(name)]")
                return
            }
            lines.append("\(indent)\(label)[\(name)] \(summary(node))")
            for (edge, target) in edges(node) { walk(target, edge.isEmpty ? "" : "\(edge): ", depth + 1) }
        }
        walk(flow.start, "", 1)
        if let onError = flow.onError { walk(onError, "on error: ", 1) }
        return lines.joined(separator: "\n")
    }

    public static func dot(_ flow: Flow) -> String {
        var lines = ["digraph \"\(flow.name)\" {", "  rankdir=LR;", "  node [shape=box, fontname=\"sans-serif\"];"]
        for node in flow.nodes.values.sorted(by: { $0.location.line < $1.location.line }) {
            lines.append("  \"\(node.name)\" [label=\"\(node.name)\\n\(summary(node).replacingOccurrences(of: "\"", with: "'"))\"];")
            for (edge, target) in edges(node) {
                lines.append("  \"\(node.name)\" -> \"\(target)\"\(edge.isEmpty ? "" : " [label=\"\(edge)\"]");")
            }
        }
        lines.append("}")
        return lines.joined(separator: "\n")
    }

    static func summary(_ node: Node) -> String {
        switch node.kind {
        case .play(let prompts): "play \(prompts.joined(separator: "&"))"
        case .menu(let menu): "menu \(menu.prompts.joined(separator: "&"))"
        case .collect(let collect): "collect \(collect.minDigits)-\(collect.maxDigits) digits → ${\(collect.variable)}\(collect.sensitive ? " (sensitive)" : "")"
        case .say(let say): "say \(say.what.rawValue) \(say.value)"
        case .condition(let when, _, _): "if \(when.text)"
        case .set(let variables, let language): "set " + (variables.map { "\($0.name)=\($0.value)" } + (language.map { ["language=\($0)"] } ?? [])).joined(separator: ", ")
        case .lookup: "look up the caller"
        case .queue(let queue): "queue \(queue.name)"
        case .transfer(let transfer): "transfer \(transfer.target)"
        case .voicemail: "voicemail"
        case .survey(let questions): "survey (\(questions.count) questions)"
        case .ticket(let ticket): "ticket \(ticket.category ?? "") \(ticket.priority.rawValue): \(ticket.subject)"
        case .ticketStatus: "tell the caller's ticket status"
        case .goto(let target): "go to \(target)"
        case .subflow(let flow, _): "run flow \(flow)"
        case .hangup: "hang up"
        }
    }

    /// The node's ways on, labelled.
    static func edges(_ node: Node) -> [(String, String)] {
        var edges: [(String, String)] = []
        switch node.kind {
        case .menu(let menu):
            edges += menu.options.map { ("key \($0.key)", $0.target) }
            if let exhausted = menu.exhausted { edges.append(("no choice", exhausted)) }
        case .collect(let collect): if let exhausted = collect.exhausted { edges.append(("no valid input", exhausted)) }
        case .condition(_, let then, let otherwise): edges += [("yes", then), ("no", otherwise)]
        case .lookup(let found, let notFound):
            if let found { edges.append(("found", found)) }
            if let notFound { edges.append(("not found", notFound)) }
        case .transfer(let transfer):
            if let fallback = transfer.fallback { edges.append(("not answered", fallback)) }
            if let after = transfer.afterCall { edges.append(("they hung up", after)) }
        case .queue(let queue): if let after = queue.afterCall { edges.append(("agent hung up", after)) }
        case .ticketStatus(let status):
            if let found = status.found { edges.append(("found", found)) }
            if let notFound = status.notFound { edges.append(("not found", notFound)) }
        case .goto(let target): edges.append(("", target))
        case .subflow(_, let returnTo): if let returnTo { edges.append(("then", returnTo)) }
        default: break
        }
        if let next = node.next { edges.append(("", next)) }
        return edges
    }
}

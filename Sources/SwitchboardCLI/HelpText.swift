import Core
extension CommandSpec {
    /// The `--help` page of this command, reached by `path`.
    func help(path: [String]) -> String {
        var lines: [String] = []
        let usageTail = (subcommands.isEmpty ? "" : " <command>")
            + (options.isEmpty ? "" : " [options]")
            + arguments.map { ($0.isOptional ? " [\($0.name)]" : " \($0.name)") + ($0.repeats ? "…" : "") }.joined()
        lines.append("\(path.joined(separator: " ")) — \(summary)")
        lines.append("")
        lines.append("Usage: \(path.joined(separator: " "))\(usageTail)")
        if let discussion {
            lines.append("")
            lines.append(discussion)
        }
        /// A titled block of two columns, the first padded to its widest entry.
        func section(_ title: String, _ rows: [(String, String)]) {
            guard !rows.isEmpty else { return }
            lines.append("")
            lines.append(title)
            let width = rows.map(\.0.count).max() ?? 0
            for (name, text) in rows { lines.append("  \(name.padding(toLength: width + 2))\(text)") }
        }
        section("Commands:", subcommands.map { ($0.name, $0.summary) })
        section("Arguments:", arguments.map { ($0.name, $0.help) })
        section("Options:", options.map { option in
            let short = option.short.map { "-\($0), " } ?? ""
            let value = option.valueName.map { " \($0)" } ?? ""
            return ("\(short)--\(option.name)\(value)", option.help)
        } + [("-h, --help", "show this help")])
        if !subcommands.isEmpty {
            lines.append("")
            lines.append("Run '\(path.joined(separator: " ")) <command> --help' for a command's own help.")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

extension String {
    func padding(toLength length: Int) -> String {
        count >= length ? self + " " : self + String(repeating: " ", count: length - count)
    }
}

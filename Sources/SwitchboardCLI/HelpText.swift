extension CommandSpec {
    /// The `--help` page of this command, reached by `path`.
    func help(path: [String]) -> String {
        var lines: [String] = []
        let usageTail = (subcommands.isEmpty ? "" : " <command>")
            + (options.isEmpty ? "" : " [options]")
            + arguments.map { $0.isOptional ? " [\($0.name)]" : " \($0.name)" }.joined()
        lines.append("\(path.joined(separator: " ")) — \(summary)")
        lines.append("")
        lines.append("Usage: \(path.joined(separator: " "))\(usageTail)")
        if let discussion {
            lines.append("")
            lines.append(discussion)
        }
        if !subcommands.isEmpty {
            lines.append("")
            lines.append("Commands:")
            let width = subcommands.map(\.name.count).max() ?? 0
            for command in subcommands {
                lines.append("  \(command.name.padding(toLength: width + 2))\(command.summary)")
            }
        }
        if !arguments.isEmpty {
            lines.append("")
            lines.append("Arguments:")
            let width = arguments.map(\.name.count).max() ?? 0
            for argument in arguments {
                lines.append("  \(argument.name.padding(toLength: width + 2))\(argument.help)")
            }
        }
        lines.append("")
        lines.append("Options:")
        let rendered = options.map { option -> (String, String) in
            let short = option.short.map { "-\($0), " } ?? ""
            let value = option.valueName.map { " \($0)" } ?? ""
            return ("\(short)--\(option.name)\(value)", option.help)
        } + [("-h, --help", "show this help")]
        let width = rendered.map(\.0.count).max() ?? 0
        for (flag, help) in rendered {
            lines.append("  \(flag.padding(toLength: width + 2))\(help)")
        }
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

import Core
/// Matches arguments against the command tree.
enum CommandLineParser {
    enum Outcome {
        case run(CommandSpec, ParsedCommand)
        /// `--help` (or a command with subcommands and no action): print help for this command.
        case help(CommandSpec, path: [String])
    }

    static func parse(_ arguments: [String], root: CommandSpec) throws -> Outcome {
        var command = root
        var parsed = ParsedCommand(path: [root.name])
        var index = 0
        var onlyPositionals = false

        // Subcommand words come first: `switchboard config check --config x`.
        while index < arguments.count, !command.subcommands.isEmpty {
            let word = arguments[index]
            if word == "--help" || word == "-h" || word == "help" { return .help(command, path: parsed.path) }
            if word.hasPrefix("-") { break }
            guard let next = command.subcommand(word) else {
                let names = command.subcommands.map(\.name)
                var message = "unknown command '\(word)' for '\(parsed.path.joined(separator: " "))'"
                if let suggestion = nearestSpelling(of: word, among: names) { message += "; did you mean '\(suggestion)'?" }
                throw UsageError(message: message, commandPath: parsed.path)
            }
            command = next
            parsed.path.append(word)
            index += 1
        }

        while index < arguments.count {
            let word = arguments[index]
            index += 1
            if onlyPositionals || !word.hasPrefix("-") || word == "-" {
                parsed.arguments.append(word)
                continue
            }
            if word == "--" {
                onlyPositionals = true
                continue
            }
            if word == "--help" || word == "-h" { return .help(command, path: parsed.path) }
            let (spec, inlineValue) = try option(word, of: command, path: parsed.path)
            if spec.valueName == nil {
                if inlineValue != nil {
                    throw UsageError(message: "option --\(spec.name) takes no value", commandPath: parsed.path)
                }
                parsed.flags.insert(spec.name)
            } else if let inlineValue {
                parsed.values[spec.name] = inlineValue
            } else if index < arguments.count {
                parsed.values[spec.name] = arguments[index]
                index += 1
            } else {
                throw UsageError(message: "option --\(spec.name) needs a value (\(spec.valueName!))", commandPath: parsed.path)
            }
        }

        guard command.action != nil else {
            if let first = parsed.arguments.first {
                throw UsageError(message: "unexpected '\(first)'", commandPath: parsed.path)
            }
            return .help(command, path: parsed.path)
        }
        let required = command.arguments.filter { !$0.isOptional }.count
        if parsed.arguments.count < required {
            let missing = command.arguments[parsed.arguments.count]
            throw UsageError(message: "missing argument \(missing.name)", commandPath: parsed.path)
        }
        if parsed.arguments.count > command.arguments.count, command.arguments.last?.repeats != true {
            let extra = parsed.arguments[command.arguments.count]
            throw UsageError(message: "unexpected argument '\(extra)'", commandPath: parsed.path)
        }
        return .run(command, parsed)
    }

    private static func option(_ word: String, of command: CommandSpec, path: [String]) throws -> (OptionSpec, String?) {
        if word.hasPrefix("--") {
            let body = word.dropFirst(2)
            let name = body.split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
            let value = body.contains("=") ? String(body.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)[1]) : nil
            if let spec = command.options.first(where: { $0.name == name }) { return (spec, value) }
            var message = "unknown option '--\(name)' for '\(path.joined(separator: " "))'"
            if let suggestion = nearestSpelling(of: name, among: command.options.map(\.name)) {
                message += "; did you mean '--\(suggestion)'?"
            }
            throw UsageError(message: message, commandPath: path)
        }
        let letter = word.dropFirst().first
        if word.count == 2, let spec = command.options.first(where: { $0.short == letter }) { return (spec, nil) }
        throw UsageError(message: "unknown option '\(word)' for '\(path.joined(separator: " "))'", commandPath: path)
    }
}

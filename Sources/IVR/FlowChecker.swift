import Config
import Foundation

/// `switchboard flows check`: what would go wrong in a call, found before any call does.
public enum FlowChecker {
    /// Sound file extensions Asterisk plays.
    static let soundExtensions = ["wav", "WAV", "gsm", "ulaw", "alaw", "sln", "sln16", "g722", "g729"]

    /// Every problem in the flows of `folder`; `sounds` is Asterisk's sounds folder (prompts are
    /// looked for in `<sounds>/<language>/`), nil to skip the prompt check.
    public static func check(folder: String, sounds: String?) -> (flows: [String: Flow], diagnostics: [ConfigDiagnostic]) {
        let (flows, loadDiagnostics) = FlowLoader.loadFolder(folder)
        var diagnostics = loadDiagnostics
        for flow in flows.values.sorted(by: { $0.name < $1.name }) {
            diagnostics += check(flow, library: flows, sounds: sounds)
        }
        return (flows, diagnostics)
    }

    public static func check(_ flow: Flow, library: [String: Flow], sounds: String?) -> [ConfigDiagnostic] {
        var found: [ConfigDiagnostic] = []
        if flow.node(flow.start) == nil { found.append(.error("start node [\(flow.start)] does not exist", at: flow.location)) }
        if let onError = flow.onError, flow.node(onError) == nil { found.append(.error("on-error node [\(onError)] does not exist", at: flow.location)) }
        let nodes = flow.nodes.values.sorted { $0.location.line < $1.location.line }
        for node in nodes {
            for target in node.targets where flow.node(target) == nil {
                found.append(.error("node [\(node.name)] leads to [\(target)], which does not exist", at: node.location))
            }
            if case .subflow(let name, _) = node.kind, library[name] == nil {
                found.append(.error("node [\(node.name)] runs flow '\(name)', which does not exist", at: node.location))
            }
            if case .menu(let menu) = node.kind, menu.exhausted == nil {
                found.append(.warning("menu [\(node.name)] has no exhausted = node: after \(menu.retries) tries the caller goes to error handling", at: node.location))
            }
        }
        // Reachability from the start (and the error handler).
        var reached: Set<String> = []
        var queue = [flow.start] + (flow.onError.map { [$0] } ?? [])
        while let name = queue.popLast() {
            guard reached.insert(name).inserted, let node = flow.node(name) else { continue }
            queue += node.targets
        }
        for node in nodes where !reached.contains(node.name) {
            found.append(.warning("node [\(node.name)] is never reached", at: node.location))
        }
        found += loops(flow, nodes)
        if let sounds { found += missingPrompts(flow, nodes, sounds: sounds) }
        return found
    }

    /// Cycles made only of nodes that never wait for the caller: a call would spin in them.
    static func loops(_ flow: Flow, _ nodes: [Node]) -> [ConfigDiagnostic] {
        var reported: Set<String> = []
        var found: [ConfigDiagnostic] = []
        for node in nodes where !node.takesInput {
            // Depth-first through input-free nodes, looking for a way back to `node`.
            var stack = node.targets
            var seen: Set<String> = []
            while let name = stack.popLast() {
                if name == node.name {
                    if reported.insert(node.name).inserted {
                        found.append(.error("node [\(node.name)] is in a loop that never waits for the caller", at: node.location))
                    }
                    break
                }
                guard seen.insert(name).inserted, let next = flow.node(name), !next.takesInput else { continue }
                stack += next.targets
            }
        }
        return found
    }

    /// Prompts that are not in the sounds folder for one of the languages the flow plays in.
    static func missingPrompts(_ flow: Flow, _ nodes: [Node], sounds: String) -> [ConfigDiagnostic] {
        let languages = languages(of: flow)
        var found: [ConfigDiagnostic] = []
        for node in nodes {
            for prompt in node.prompts where !prompt.contains("${") {
                if let missing = missing(prompt, languages: languages, sounds: sounds) {
                    found.append(.error("node [\(node.name)]: \(missing)", at: node.location))
                }
            }
        }
        return found
    }

    /// The languages a flow's calls play in: its own and every one a `set` node switches to.
    public static func languages(of flow: Flow) -> Set<String> {
        var languages: Set<String> = [flow.language ?? "en"]
        for node in flow.nodes.values { if case .set(_, let language?) = node.kind, !language.contains("${") { languages.insert(language) } }
        return languages
    }

    /// Whether Asterisk finds `prompt` for a channel in `language`. It looks, as file.c's
    /// `fileexists_core` does, in the language (`zh_TW`), the language without its region
    /// (`zh`), no language folder, and then the default language (`en`): so a prompt that is
    /// only in `en/` plays, in English, on a Mandarin call.
    public static func exists(_ prompt: String, language: String, sounds: String) -> Bool {
        if prompt.hasPrefix("/") { return playable(prompt) }
        let base = language.split(separator: "_").first.map(String.init) ?? language
        var folders: [String] = []
        for folder in [language, base, "", "en"] where !folders.contains(folder) { folders.append(folder) }
        return folders.contains { folder in playable(sounds + "/" + (folder.isEmpty ? "" : folder + "/") + prompt) }
    }

    /// A sound file at `path` without extension, in a format Asterisk plays.
    static func playable(_ path: String) -> Bool {
        soundExtensions.contains { FileManager.default.fileExists(atPath: path + "." + $0) }
    }

    /// Prompts that the server itself plays (`used` says where: feature codes, queue hold),
    /// missing for one of `languages`.
    public static func missingPrompts(_ prompts: [String], used: String, languages: [String], sounds: String) -> [ConfigDiagnostic] {
        prompts.compactMap { prompt in missing(prompt, languages: Set(languages), sounds: sounds).map { .error("\(used): \($0)", at: nil) } }
    }

    /// "prompt 'P' is missing for zh, en (…)", or nil when every language finds it.
    static func missing(_ prompt: String, languages: Set<String>, sounds: String) -> String? {
        let missing = languages.sorted().filter { !exists(prompt, language: $0, sounds: sounds) }
        guard !missing.isEmpty else { return nil }
        return "prompt '\(prompt)' is missing for \(missing.joined(separator: ", ")) (Asterisk looks in \(sounds)/<language>/, \(sounds)/ and \(sounds)/en/)"
    }
}

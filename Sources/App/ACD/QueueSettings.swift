import ACD
import Config
import Foundation
import Reports

/// A queue as admins write it in the queues file (`[acd] queues`), routing and holding together.
///
///     [support]
///     skills = support:3
///     priority = 0
///     strategy = longest-idle      ; best-skill, fewest-calls, round-robin
///     service_level = 20           ; seconds, for reports
///     service_level_target = 80    ; percent answered within service_level, for reports
///     short_abandon = 5            ; a caller who hangs up sooner is a short abandon
///     ring_timeout = 15
///     wrapup = 10
///     max_misses = 2               ; rings not answered in a row before the agent is paused
///     max_wait = 600               ; then the flow goes on (voicemail in the samples)
///     announce_every = 30          ; position and estimated wait, 0 for never
///     music_class = default
///     record = yes                 ; MixMonitor from the moment an agent answers; `legs`:
///                                  ; also the caller's and the agent's side in files of their own
///     callback_key = #             ; leave the line and be called back, keeping the place
///     rule = 30 relax support:2    ; after 30 s, support level 2 is enough
///     rule = 60 also billing:4     ; after 60 s, billing 4 agents may take it too
///     rule = 90 priority +5
///     rule = 300 overflow general
///     rule = 60 offer voicemail    ; `*` leaves for voicemail from 60 s on (told with exit_prompt)
///     rule = 120 offer callback    ; the callback key works from 120 s on (told with callback_prompt)
public struct QueueSettings: Sendable {
    public var definition: QueueDefinition
    public var maxWaitSeconds: Int
    public var announceEverySeconds: Int
    public var musicClass: String
    public var record: Bool
    /// `record = legs`: each side in a file of its own beside the mixed one.
    public var recordLegs = false
    /// Days a recording of this queue is kept (`recordings purge`); nil: until purged by hand.
    public var retentionDays: Int?
    /// A caller who hangs up in the queue sooner than this is a short abandon, not an abandon.
    public var shortAbandonSeconds = 5.0
    /// The share of calls to answer within the service level's threshold (reports draw it).
    public var serviceLevelTarget = 0.8
    /// The key that turns the wait into a callback request (nil: callbacks not offered).
    public var callbackKey: Character?
    /// From how long a wait the callback key works, told with `callbackPrompt`; nil: from the start, untold.
    public var offerCallbackAfterSeconds: Int?
    public var callbackPrompt = "custom/queue-callback-offer"
    /// From how long a wait `*` leaves the queue, told with `exitPrompt`; nil: from the start, untold.
    public var offerExitAfterSeconds: Int?
    public var exitPrompt = "custom/queue-voicemail-offer"

    /// What reports measure the queue's service level against.
    public var reportTarget: ReportSheets.Target { ReportSheets.Target(seconds: definition.serviceLevelSeconds, share: serviceLevelTarget) }

    /// Defaults for a queue a flow names that the queues file does not.
    public init(_ definition: QueueDefinition) {
        self.definition = definition
        maxWaitSeconds = 600
        announceEverySeconds = 30
        musicClass = "default"
        record = false
    }

    /// Every queue in the file; every problem as `file:line: message`.
    public static func load(file: String) throws -> [String: QueueSettings] {
        var problems: [ConfigDiagnostic] = []
        var queues: [String: QueueSettings] = [:]
        for section in try INIParser.parse(file: file).concreteSections {
            var definition = QueueDefinition(name: section.name, skills: [:])
            var settings = QueueSettings(definition)
            func number(_ entry: INIEntry) -> Double? {
                guard let value = Double(entry.value), value >= 0 else {
                    problems.append(.error("\(entry.key): '\(entry.value)' is not a number of seconds", at: entry.location))
                    return nil
                }
                return value
            }
            for entry in section.entries {
                switch entry.key {
                case "skills":
                    guard let skills = skillLevels(entry.value) else {
                        problems.append(.error("skills: '\(entry.value)' is not skill:level, … (levels 1-5)", at: entry.location))
                        continue
                    }
                    definition.skills = skills
                case "priority": if let value = Int(entry.value) { definition.priority = value } else { problems.append(.error("priority: '\(entry.value)' is not a whole number", at: entry.location)) }
                case "strategy":
                    guard let strategy = QueueDefinition.Strategy(rawValue: entry.value) else {
                        problems.append(.error("strategy: '\(entry.value)' is not one of \(QueueDefinition.Strategy.allCases.map(\.rawValue).joined(separator: ", "))", at: entry.location))
                        continue
                    }
                    definition.strategy = strategy
                case "service_level": if let value = number(entry) { definition.serviceLevelSeconds = value }
                case "short_abandon": if let value = number(entry) { settings.shortAbandonSeconds = value }
                case "service_level_target":
                    guard let value = Double(entry.value), (0...100).contains(value) else {
                        problems.append(.error("service_level_target: '\(entry.value)' is not a percentage (0-100)", at: entry.location))
                        continue
                    }
                    settings.serviceLevelTarget = value / 100
                case "ring_timeout": if let value = number(entry) { definition.ringTimeoutSeconds = value }
                case "wrapup": if let value = number(entry) { definition.wrapUpSeconds = value }
                case "max_misses":
                    guard let value = Int(entry.value), value >= 1 else {
                        problems.append(.error("max_misses: '\(entry.value)' is not a whole number of at least 1", at: entry.location))
                        continue
                    }
                    definition.maxMisses = value
                case "max_wait": if let value = number(entry) { settings.maxWaitSeconds = Int(value) }
                case "announce_every": if let value = number(entry) { settings.announceEverySeconds = Int(value) }
                case "music_class": settings.musicClass = entry.value
                case "record":
                    switch entry.value.lowercased() {
                    case "yes", "true", "on", "1": settings.record = true
                    case "no", "false", "off", "0": settings.record = false
                    case "legs": (settings.record, settings.recordLegs) = (true, true)
                    default: problems.append(.error("record: '\(entry.value)' is not yes, no or legs", at: entry.location))
                    }
                case "retention":
                    guard let days = RecordingRetention.days(entry.value) else {
                        problems.append(.error("retention: '\(entry.value)' is not a number of days such as 90d", at: entry.location))
                        continue
                    }
                    settings.retentionDays = days
                case "callback_key":
                    guard entry.value.count == 1, let key = entry.value.first, "0123456789#".contains(key) else {
                        problems.append(.error("callback_key: '\(entry.value)' is not one key (0-9 or #)", at: entry.location))
                        continue
                    }
                    settings.callbackKey = key
                case "callback_prompt": settings.callbackPrompt = entry.value
                case "exit_prompt": settings.exitPrompt = entry.value
                case "rule":
                    let words = entry.value.split(separator: " ").map(String.init)
                    if words.count == 3, words[1] == "offer", let after = Int(words[0]), after >= 0 {
                        switch words[2] {
                        case "callback": settings.offerCallbackAfterSeconds = after
                        case "voicemail": settings.offerExitAfterSeconds = after
                        default: problems.append(.error("rule: 'offer \(words[2])' is not offer callback | offer voicemail", at: entry.location))
                        }
                        continue
                    }
                    guard let rule = rule(entry.value) else {
                        problems.append(.error("rule: '\(entry.value)' is not SECONDS relax SKILL:LEVEL | also SKILL:LEVEL,… | priority +N | overflow QUEUE | offer callback | offer voicemail", at: entry.location))
                        continue
                    }
                    definition.rules.append(rule)
                default:
                    problems.append(.warning("[\(section.name)]: unknown key '\(entry.key)'", at: entry.location))
                }
            }
            definition.rules.sort { $0.after < $1.after }
            if definition.skills.isEmpty { problems.append(.error("[\(section.name)] needs skills =", at: section.location)) }
            if settings.offerCallbackAfterSeconds != nil, settings.callbackKey == nil {
                problems.append(.error("[\(section.name)]: 'offer callback' needs callback_key =", at: section.location))
            }
            settings.definition = definition
            queues[section.name] = settings
        }
        for settings in queues.values {
            for rule in settings.definition.rules {
                if case .overflow(let target) = rule.change, queues[target] == nil {
                    problems.append(.error("[\(settings.definition.name)]: overflow to unknown queue '\(target)'", at: nil))
                }
            }
        }
        let errors = problems.filter { $0.severity == .error }
        if !errors.isEmpty { throw ConfigError(errors) }
        return queues
    }

    static func skillLevels(_ text: String) -> [String: Int]? {
        var skills: [String: Int] = [:]
        for item in text.split(separator: ",") {
            let parts = item.split(separator: ":").map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty, let level = Int(parts[1]), (1...5).contains(level) else { return nil }
            skills[parts[0]] = level
        }
        return skills.isEmpty ? nil : skills
    }

    static func rule(_ text: String) -> QueueDefinition.Rule? {
        let words = text.split(separator: " ", maxSplits: 2).map(String.init)
        guard words.count == 3, let after = Double(words[0]) else { return nil }
        switch words[1] {
        case "relax":
            guard let skills = skillLevels(words[2]), skills.count == 1 else { return nil }
            return .init(after: after, .relax(skill: skills.first!.key, level: skills.first!.value))
        case "also":
            return skillLevels(words[2]).map { .init(after: after, .alternative($0)) }
        case "priority":
            return Int(words[2].replacingOccurrences(of: "+", with: "")).map { .init(after: after, .raisePriority(by: $0)) }
        case "overflow":
            return .init(after: after, .overflow(to: words[2]))
        default:
            return nil
        }
    }
}

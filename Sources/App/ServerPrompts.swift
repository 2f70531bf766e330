import IVR

/// Prompts Switchboard plays outside the flows' own nodes, so `flows check` can look for each
/// one in the languages it plays in (README: "Prompts").
public enum ServerPrompts {
    public struct Group: Sendable {
        /// Who plays them, as `flows check` names it.
        public var usedBy: String
        public var prompts: [String]
        /// nil: in the flows' languages; otherwise these (agents' phones speak the default).
        public var languages: [String]?
    }

    /// Every group; `queues` adds the configured queues' offer prompts.
    public static func groups(queues: [String: QueueSettings]) -> [Group] {
        let offers = queues.values.flatMap { settings in
            [settings.offerCallbackAfterSeconds.map { _ in settings.callbackPrompt }, settings.offerExitAfterSeconds.map { _ in settings.exitPrompt }].compactMap { $0 }
        }
        return [
            Group(usedBy: "flows (error handling, voicemail, callback)", prompts: FlowRunner.builtInPrompts, languages: nil),
            Group(usedBy: "queue hold", prompts: QueueHold.Prompt.all + Set(offers).sorted(), languages: nil),
            Group(usedBy: "agent feature codes (*51-*54)", prompts: AgentFeatureHandler.Prompt.all, languages: ["en"]),
        ]
    }
}

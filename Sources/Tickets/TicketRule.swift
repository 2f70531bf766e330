import Core
import Foundation

/// Which ended calls become tickets, and what the ticket says. A rule per kind of call; at
/// most one ticket per call and rule (the store enforces it), and a caller who already has an
/// open ticket from within `repeatWindow` gets the call linked to that one instead.
public struct TicketRule: Sendable, Equatable {
    /// The calls a rule is for.
    public enum Trigger: String, Sendable, CaseIterable, Codable {
        /// Left the queue unserved after the short-abandon threshold (short abandons never).
        case abandoned
        /// Left a voicemail (the file is linked).
        case voicemail
        /// Asked to be called back.
        case callback
        /// A flow error ended the call.
        case error
    }

    public var trigger: Trigger
    public var category: String
    public var priority: TicketPriority
    /// With `${CALLER}`, `${NAME}`, `${QUEUE}`, `${WAIT}` (seconds in the queue), `${UNIQUEID}`.
    public var subject: String

    public init(trigger: Trigger, category: String? = nil, priority: TicketPriority = .normal, subject: String? = nil) {
        self.trigger = trigger
        self.category = category ?? trigger.rawValue
        self.priority = priority
        self.subject = subject ?? Self.defaultSubjects[trigger]!
    }

    static let defaultSubjects: [Trigger: String] = [
        .abandoned: "Call back ${CALLER}: hung up in ${QUEUE} after ${WAIT} s",
        .voicemail: "Voicemail from ${CALLER}",
        .callback: "Callback requested by ${CALLER} in ${QUEUE}",
        .error: "Call from ${CALLER} ended by an IVR error",
    ]

    /// The trigger an ended call matches, if any.
    public static func trigger(of call: CallRecord) -> Trigger? {
        switch call.outcome {
        case .abandoned: .abandoned
        case .voicemail: .voicemail
        case .callback: .callback
        case .error: .error
        default: nil
        }
    }

    /// The ticket this rule makes of `call` (`steps` its timeline): assigned to the call's queue,
    /// linked to the call, its voicemail file and its recording.
    public func draft(for call: CallRecord, steps: [CallEvent], customerName: String?) -> TicketDraft {
        let wait = Int(((call.waitSeconds ?? 0) + (call.ringSeconds ?? 0)).rounded())
        let values = [
            "CALLER": call.callerNumber ?? "unknown", "NAME": customerName ?? call.callerName ?? "", "QUEUE": call.queue ?? "",
            "WAIT": "\(wait)", "UNIQUEID": call.uniqueID,
        ]
        var text = subject
        for (name, value) in values { text = text.replacingOccurrences(of: "${\(name)}", with: value) }
        return TicketDraft(
            subject: text, category: category, priority: priority, customerID: call.customerID, phone: call.callerNumber,
            assignee: call.queue.map(TicketAssignee.queue), queue: call.queue, createdBy: "rule:\(trigger.rawValue)",
            call: TicketCall(uniqueID: call.uniqueID, rule: trigger.rawValue, at: call.endedAt ?? call.arrivedAt),
            files: (trigger == .voicemail ? Self.voicemailFile(steps).map { [TicketFile(path: $0, kind: .voicemail)] } ?? [] : [])
                + (call.recording.map { [TicketFile(path: $0, kind: .recording)] } ?? [])
        )
    }

    /// The WAV a voicemail step names (`PATH 12 s`, or `PATH (the caller hung up)`): RECORD FILE
    /// writes PATH.wav.
    static func voicemailFile(_ steps: [CallEvent]) -> String? {
        guard let detail = steps.last(where: { $0.kind == .voicemail })?.detail else { return nil }
        let path = detail.replacingOccurrences(of: #" (\(the caller hung up\)|\d+ s)$"#, with: "", options: .regularExpression)
        return path.isEmpty ? nil : path + ".wav"
    }
}

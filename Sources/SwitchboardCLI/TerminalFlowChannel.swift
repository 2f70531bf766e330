import Core
import Foundation
import IVR
import Store

/// `flows try`: the caller's side of a call at the terminal. Prompts are shown by name, digits
/// are typed (Enter sends them; nothing within the node's timeout is a timeout), transfers
/// and queues are shown and taken as answered.
struct TerminalFlowChannel: CallChannel {
    let caller: CallerInfo
    let terminal: Terminal

    func answer() async throws {}

    /// `flows try` never holds a caller: its queues are answered at once.
    var wake: (@Sendable () -> Void)? { nil }
    func hold(seconds: Double) async throws -> Held { .timedOut }
    func announce(_ prompts: [String], keys: String) async throws -> Held {
        _ = try await play(prompts, interruptingDigits: keys)
        return .timedOut
    }

    func play(_ prompts: [String], interruptingDigits: String) async throws -> Character? {
        guard !prompts.isEmpty else { return nil }
        terminal.print("  ♪ " + prompts.joined(separator: " & "))
        if let typed = terminal.input.pending(), let first = typed.first, interruptingDigits.contains(first) { return first }
        return nil
    }

    func sensitive<T>(_ body: () async throws -> T) async throws -> T { try await body() }

    func readDigits(prompts: [String], maxDigits: Int, timeoutSeconds: Double, terminator: Character?) async throws -> (digits: String, timedOut: Bool) {
        if !prompts.isEmpty { terminal.print("  ♪ " + prompts.joined(separator: " & ")) }
        terminal.print("  ⌨ keys? (up to \(maxDigits), \(Int(timeoutSeconds)) s)")
        switch await terminal.input.next(timeout: timeoutSeconds) {
        case .end: throw FlowError.callerHungUp
        case .timeout:
            terminal.print("    (no keys: timeout)")
            return ("", true)
        case .line(let line):
            var digits = ""
            for character in line where "0123456789*#".contains(character) {
                if character == terminator { break }
                digits.append(character)
            }
            return (String(digits.prefix(maxDigits)), digits.isEmpty)
        }
    }

    func say(_ what: Node.Say.What, _ value: String) async throws {
        terminal.print("  🗣 \(what.rawValue) \(value)")
    }

    func setLanguage(_ language: String) async throws {
        terminal.print("  language: \(language)")
    }

    func setVariable(_ name: String, _ value: String) async throws {
        terminal.print("  set \(name) = \(value)")
    }

    func setMusic(_ on: Bool, musicClass: String) async throws {
        terminal.print("  ♫ music on hold \(on ? "on (\(musicClass))" : "off")")
    }

    func startRecording(_ path: String, bridgedOnly: Bool, legs: Bool) async throws {
        terminal.print("  ● recording \(bridgedOnly ? "the talk" : "the call") to \(path)\(legs ? " (and each side)" : "")")
    }

    /// Nothing is recorded here.
    var recording: String? { nil }

    func stopRecording() async throws {
        terminal.print("  ■ recording stopped")
    }

    func transfer(_ target: String, timeoutSeconds: Int, continuing: Bool) async throws -> TransferOutcome {
        terminal.print("  ☎ dial \(target) (rings up to \(timeoutSeconds) s): answered")
        return .answered(by: target)
    }

    func record(_ path: String, maxSeconds: Int) async throws -> Double {
        terminal.print("  ● record \(path).wav (up to \(maxSeconds) s)")
        return 0
    }

    func hangup() async throws {
        terminal.print("  ✆ hang up")
    }
}

/// `flows try`'s services: customers from the database when there is one, a fixed clock
/// (`--at`), queues that show what they would do, and every step printed.
struct TerminalFlowServices: FlowServices {
    let terminal: Terminal
    let store: Store?
    let flows: [String: Flow]
    let at: Date
    let timeZone: TimeZone
    let operatorTarget: String

    func customer(number: String) async throws -> Customer? {
        guard let customer = try await store?.customers(phone: number).first else { return nil }
        terminal.print("  customer: \(customer.name), VIP tier \(customer.vipTier)\(customer.language.map { ", \($0)" } ?? "")")
        return customer
    }

    func lastCall(number: String, before uniqueID: String) async throws -> CallRecord? {
        try await store?.callHistory(number: number, limit: 1).first { $0.outcome != nil }
    }

    func enqueue(_ queue: Node.Queue, caller: CallerInfo, variables: [String: String], channel: any CallChannel) async throws -> QueueOutcome {
        let skills = queue.skills.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: ",")
        terminal.print("  ⏳ queue \(queue.name) (skills \(skills.isEmpty ? "none" : skills), priority \(queue.priority)): an agent answers")
        return .connected(agent: "(agent)")
    }

    func voicemailPath(uniqueID: String) -> String { "voicemail-\(uniqueID)" }

    func recordingPath(owner: String, uniqueID: String, agent: String?) -> String { "\(owner)/\(uniqueID).wav" }

    func saveSurvey(uniqueID: String, answers: [Int]) async throws {
        terminal.print("  survey answers: \(answers.map(String.init).joined(separator: ", "))")
    }

    func record(uniqueID: String, _ event: CallEvent) {
        if event.kind == .node { terminal.print("→ [\(event.node ?? "")]") } else if event.kind == .error { terminal.print("  ✗ \(event.summary)") }
    }

    func flow(named name: String) -> Flow? { flows[name] }

    func now() -> Date { at }

    /// Shown, not written: trying a flow changes nothing in the database.
    func createTicket(_ draft: TicketDraft) async throws -> Ticket? {
        terminal.print("  🎫 a ticket would be made: \(draft.subject) (\(draft.category ?? "no category"), \(draft.priority.rawValue))")
        return nil
    }

    func ticket(keyed: String?, callerNumber: String?) async throws -> Ticket? {
        if let keyed, let id = TicketNumber.id(keyed) { return try await store?.ticket(id: id) }
        guard let callerNumber else { return nil }
        return try await store?.openTickets(phone: callerNumber).first
    }
}

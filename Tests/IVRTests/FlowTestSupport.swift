import Config
import Core
import Foundation
import IVR
import Synchronization

/// A caller scripted for the interpreter: keys to type at each read, and a log of what they heard.
final class ScriptedChannel: CallChannel, @unchecked Sendable {
    let caller: CallerInfo
    /// One entry per read: the keys typed (nil: nothing, a timeout); when they run out the caller hangs up.
    var keys: [String?]
    var heard: [String] = []
    var missingPrompts: Set<String> = []
    var transferOutcome: TransferOutcome = .answered(by: "PJSIP/operator-0001")

    init(number: String? = "13800138000", keys: [String?] = []) {
        caller = CallerInfo(number: number, name: "Zhou Min", dnis: "4008", uniqueID: "1795470000.1", language: "en")
        self.keys = keys
    }

    func answer() async throws { heard.append("answer") }
    var wake: (@Sendable () -> Void)? { nil }
    func hold(seconds: Double) async throws -> Held {
        heard.append("hold \(seconds)")
        return .timedOut
    }
    func announce(_ prompts: [String], keys: String) async throws -> Held {
        _ = try await play(prompts, interruptingDigits: keys)
        return .timedOut
    }

    func play(_ prompts: [String], interruptingDigits: String) async throws -> Character? {
        for prompt in prompts {
            heard.append(missingPrompts.contains(prompt) ? "missing \(prompt)" : "play \(prompt)")
        }
        return nil
    }

    /// Inside `sensitive { }`: what is heard is kept masked, as a log would show it.
    var masking = false
    func sensitive<T>(_ body: () async throws -> T) async throws -> T {
        masking = true
        defer { masking = false }
        return try await body()
    }

    func mask(_ text: String) -> String { masking ? String(repeating: "*", count: text.count) : text }

    func readDigits(prompts: [String], maxDigits: Int, timeoutSeconds: Double, terminator: Character?) async throws -> (digits: String, timedOut: Bool) {
        _ = try await play(prompts, interruptingDigits: "")
        guard !keys.isEmpty else { throw FlowError.callerHungUp }
        guard let typed = keys.removeFirst() else { return ("", true) }
        heard.append("keys \(mask(typed))")
        return (String(typed.prefix { $0 != terminator }.prefix(maxDigits)), false)
    }

    func say(_ what: Node.Say.What, _ value: String) async throws { heard.append("say \(what.rawValue) \(mask(value))") }
    func setLanguage(_ language: String) async throws { heard.append("language \(language)") }
    func setVariable(_ name: String, _ value: String) async throws { heard.append("set \(name)=\(mask(value))") }
    func setMusic(_ on: Bool, musicClass: String) async throws { heard.append("music \(on)") }
    func startRecording(_ path: String, bridgedOnly: Bool, legs: Bool) async throws {
        heard.append("record \(bridgedOnly ? "talk" : "call") \(path)\(legs ? " with legs" : "")")
        recording = path
    }
    func stopRecording() async throws {
        heard.append("stop recording")
        recording = nil
    }
    var recording: String?

    func transfer(_ target: String, timeoutSeconds: Int, continuing: Bool) async throws -> TransferOutcome {
        heard.append("dial \(target)")
        return transferOutcome
    }

    func record(_ path: String, maxSeconds: Int) async throws -> Double {
        heard.append("record \(path)")
        return 12
    }

    func hangup() async throws { heard.append("hangup") }
}

/// Services with a fixed clock, customers by number, and every event kept.
final class RecordingServices: FlowServices, @unchecked Sendable {
    var customers: [String: Customer] = [:]
    var clock = Date(timeIntervalSince1970: 1_795_680_000)
    var events: [String] = []
    var surveys: [[Int]] = []
    var queueOutcome: QueueOutcome = .connected(agent: "1001")
    var flows: [String: Flow] = [:]
    var lastCallOutcome: String?

    func customer(number: String) async throws -> Customer? { customers[number] }
    func lastCall(number: String, before uniqueID: String) async throws -> CallRecord? {
        lastCallOutcome.flatMap(CallOutcome.init(rawValue:)).map { outcome in
            var call = CallRecord(uniqueID: "earlier", arrivedAt: clock)
            call.outcome = outcome
            return call
        }
    }
    func enqueue(_ queue: Node.Queue, caller: CallerInfo, variables: [String: String], channel: any CallChannel) async throws -> QueueOutcome {
        events.append("enqueue \(queue.name) priority \(queue.priority)")
        return queueOutcome
    }
    func voicemailPath(uniqueID: String) -> String { "/recordings/voicemail-\(uniqueID)" }
    func recordingPath(owner: String, uniqueID: String, agent: String?) -> String { "/recordings/\(owner)/\(uniqueID).wav" }
    func saveSurvey(uniqueID: String, answers: [Int]) async throws { surveys.append(answers) }
    /// Steps as `kind summary`: `choice main:main, key 1`.
    func record(uniqueID: String, _ event: CallEvent) { events.append("\(event.kind.rawValue) \(event.summary)") }
    func flow(named name: String) -> Flow? { flows[name] }
    func now() -> Date { clock }
    var timeZone = TimeZone(identifier: "UTC")!
    var operatorTarget = "PJSIP/operator"
    var tickets: [Ticket] = []

    func createTicket(_ draft: TicketDraft) async throws -> Ticket? {
        let ticket = Ticket(
            id: Int64(tickets.count + 1), subject: draft.subject, category: draft.category, priority: draft.priority, status: .new,
            customerID: draft.customerID, phone: draft.phone, assignee: draft.assignee, queue: draft.queue, slaPolicy: nil, firstResponseDue: nil,
            resolutionDue: nil, firstResponseLeft: nil, resolutionLeft: nil, firstResponseAt: nil, createdAt: clock, createdBy: draft.createdBy,
            updatedAt: clock, solvedAt: nil, closedAt: nil, calls: draft.call.map { [$0] } ?? [], files: []
        )
        tickets.append(ticket)
        return ticket
    }

    func ticket(keyed: String?, callerNumber: String?) async throws -> Ticket? {
        if let keyed { return tickets.first { ($0.number == keyed || String($0.id) == keyed) && $0.phone == callerNumber } }
        return tickets.last { $0.phone == callerNumber && $0.status.isOpen }
    }
}

/// Flow files written to a temporary folder.
final class FlowFolder {
    let path = NSTemporaryDirectory() + "flows-\(UUID().uuidString.prefix(8))"

    init(_ files: [String: String]) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(toFile: path + "/" + name, atomically: true, encoding: .utf8) }
    }

    func flow(_ name: String) throws -> Flow {
        let (flow, diagnostics) = FlowLoader.load(file: path + "/" + name + ".conf")
        guard let flow else { throw ConfigError(diagnostics) }
        return flow
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// Runs `flow` with the scripted channel and services.
func run(_ flow: Flow, _ channel: ScriptedChannel, _ services: RecordingServices = RecordingServices(), logger: Logger = .silent) async -> FlowRunner.Outcome {
    await FlowRunner(flow: flow, channel: channel, services: services, logger: logger).run()
}

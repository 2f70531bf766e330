import Core
import Foundation

/// Runs a flow for one call: node by node over a `CallChannel`, with `${NAME}` variables, a loop
/// guard, and error handling that never strands a caller — a runtime error goes to the flow's
/// `on-error` node, or apologises and transfers to the operator, and is logged with flow, node
/// and uniqueid. Digits from a `sensitive` collect are masked in every event and log line.
public struct FlowRunner {
    public struct Outcome: Sendable, Equatable {
        /// Nodes taken, `flow:node`.
        public var path: [String] = []
        public var result = Ending.hangup
        public var variables: [String: String] = [:]
    }

    /// How the call left the flow.
    public enum Ending: String, Sendable, Equatable {
        /// The flow hung up (a `hangup` node, or its last node).
        case hangup
        case callerHungUp = "caller-hung-up"
        /// A `transfer` node's target answered.
        case transferred
        /// An agent from a queue took the call.
        case queued
        case callback
        /// The operator took the call after a flow error.
        case `operator`
        case failed
    }

    /// Prompts the runner plays itself, outside any node's: the built-in error handler's
    /// apology, the voicemail beep, the thanks after a callback request.
    public static let builtInPrompts = [Prompt.apology, Prompt.beep, Prompt.callbackThanks]

    enum Prompt {
        static let apology = "sorry"
        static let beep = "beep"
        static let callbackThanks = "queue-thankyou"
    }

    public let flow: Flow
    public let channel: any CallChannel
    public let services: any FlowServices
    public let logger: Logger

    public init(flow: Flow, channel: any CallChannel, services: any FlowServices, logger: Logger) {
        self.flow = flow
        self.channel = channel
        self.services = services
        self.logger = logger.with("flow", flow.name).with("uniqueid", channel.caller.uniqueID)
    }

    /// The state of one run.
    struct Run {
        var flow: Flow
        var returns: [(flow: Flow, node: String?)] = []
        var variables: [String: String]
        var sensitive: Set<String> = []
        var customer: Customer?
        var language: String
        var stepsWithoutInput = 0
        var handlingError = false
        var outcome = Outcome()
    }

    public func run() async -> Outcome {
        let caller = channel.caller
        var run = Run(flow: flow, variables: [
            "CALLERID(num)": caller.number ?? "", "CALLERID(name)": caller.name ?? "", "DNIS": caller.dnis ?? "",
            "UNIQUEID": caller.uniqueID, "LANGUAGE": caller.language, "FLOW": flow.name,
            "OPERATOR": flow.operatorTarget ?? services.operatorTarget,
        ], language: caller.language)
        var current: String? = flow.start
        do {
            try await channel.answer()
            record(CallEvent(.answered))
        } catch {
            run.outcome.result = .callerHungUp
            current = nil
        }
        if current != nil, let language = flow.language { try? await setLanguage(language, &run) }
        if current != nil, flow.record { await recordWholeCall() }
        while let name = current {
            do {
                current = try await step(name, &run)
            } catch FlowError.callerHungUp {
                run.outcome.result = .callerHungUp
                current = nil
            } catch let error as FlowError where error.isChannelLost {
                logger.error("flow ended: \(error)", ["node": name])
                record(CallEvent(.error, node: "\(run.flow.name):\(name)", detail: "\(error)"))
                run.outcome.result = .failed
                current = nil
            } catch {
                current = await recover(from: error, at: name, &run)
            }
        }
        run.outcome.variables = run.variables.filter { !run.sensitive.contains($0.key) }
        return run.outcome
    }

    /// `record = yes`: MixMonitor from the answer on. A recording that cannot start is logged;
    /// the call goes on unrecorded.
    private func recordWholeCall() async {
        let path = services.recordingPath(owner: flow.name, uniqueID: channel.caller.uniqueID, agent: nil)
        do {
            try await channel.startRecording(path, bridgedOnly: false, legs: false)
            record(CallEvent(.recording, detail: path))
        } catch {
            logger.error("cannot record the call: \(error)", ["file": path])
        }
    }

    /// Logs the error and goes where the flow says errors go; the built-in handler apologises
    /// and transfers to the operator. An error inside error handling ends in the built-in one.
    private func recover(from error: any Error, at node: String, _ run: inout Run) async -> String? {
        logger.error("flow error: \(error)", ["node": node])
        record(CallEvent(.error, node: "\(run.flow.name):\(node)", detail: "\(error)"))
        if !run.handlingError, let onError = run.flow.onError, run.flow.node(onError) != nil {
            run.handlingError = true
            run.stepsWithoutInput = 0
            return onError
        }
        do {
            _ = try? await channel.play([Prompt.apology], interruptingDigits: "")
            let target = run.flow.operatorTarget ?? services.operatorTarget
            if case .answered = try await channel.transfer(target, timeoutSeconds: 60, continuing: false) {
                run.outcome.result = .operator
                record(CallEvent(.operator, detail: target))
            } else {
                run.outcome.result = .failed
                try? await channel.hangup()
            }
        } catch {
            run.outcome.result = .callerHungUp
        }
        return nil
    }

    /// Runs one node; returns the next one's name, or nil when the call leaves the flow.
    private func step(_ name: String, _ run: inout Run) async throws -> String? {
        guard let node = run.flow.node(name) else { throw FlowError.unknownNode(name) }
        run.outcome.path.append("\(run.flow.name):\(name)")
        run.stepsWithoutInput = node.takesInput ? 0 : run.stepsWithoutInput + 1
        if run.stepsWithoutInput > run.flow.maxStepsWithoutInput { throw FlowError.loop(steps: run.stepsWithoutInput) }
        record(CallEvent(.node, node: "\(run.flow.name):\(name)"))
        // A step that carries a sensitive value (`say digits ${CARD}`, `CARD_COPY = ${CARD}`)
        // runs masked, and what it sets is sensitive too.
        if mentionsSensitive(node, run) {
            if case .set(let variables, _) = node.kind { run.sensitive.formUnion(variables.map(\.0)) }
            var masked = run
            let next = try await channel.sensitive { try await perform(node, &masked) }
            run = masked
            return next
        }
        return try await perform(node, &run)
    }

    /// Whether the node's texts use a variable the flow marked sensitive.
    private func mentionsSensitive(_ node: Node, _ run: Run) -> Bool {
        guard !run.sensitive.isEmpty else { return false }
        let texts: [String]
        switch node.kind {
        case .play(let prompts), .hangup(let prompts): texts = prompts
        case .say(let say): texts = [say.value]
        case .set(let variables, let language): texts = variables.map(\.1) + [language ?? ""]
        case .transfer(let transfer): texts = [transfer.target]
        default: texts = []
        }
        return texts.contains { text in run.sensitive.contains { text.contains("${\($0)}") } }
    }

    /// What the node does; the next node's name, or nil when the call leaves the flow.
    private func perform(_ node: Node, _ run: inout Run) async throws -> String? {
        switch node.kind {
        case .play(let prompts):
            _ = try await channel.play(substitute(prompts, run), interruptingDigits: "")
            return end(node.next, &run)
        case .menu(let menu):
            return try await self.menu(menu, node, &run)
        case .collect(let collect):
            return try await self.collect(collect, node, &run)
        case .say(let say):
            try await channel.say(say.what, substitute(say.value, run))
            return end(node.next, &run)
        case .condition(let when, let then, let otherwise):
            return when.holds(in: context(run)) ? then : otherwise
        case .set(let variables, let language):
            for (variable, value) in variables {
                let resolved = substitute(value, run)
                run.variables[variable] = resolved
                try await channel.setVariable(variable, resolved)
            }
            // A language from a variable that is empty (a customer without one) changes nothing.
            if let language, case let resolved = substitute(language, run), !resolved.isEmpty { try await setLanguage(resolved, &run) }
            return end(node.next, &run)
        case .lookup(let found, let notFound):
            let number = run.variables["CALLERID(num)"].flatMap { $0.isEmpty ? nil : $0 }
            let customer = try await number.asyncMap { try await services.customer(number: $0) } ?? nil
            if let number, let last = try await services.lastCall(number: number, before: channel.caller.uniqueID), let outcome = last.outcome {
                run.variables["LAST_CALL_OUTCOME"] = outcome.rawValue
                run.variables["LAST_CALL_TIME"] = String(Int(last.arrivedAt.timeIntervalSince1970))
            }
            run.customer = customer
            if let customer {
                run.variables["CUSTOMER_ID"] = String(customer.id)
                run.variables["CUSTOMER_NAME"] = customer.name
                run.variables["CUSTOMER_TIER"] = String(customer.vipTier)
                if let language = customer.language { run.variables["CUSTOMER_LANGUAGE"] = language }
                return found ?? end(node.next, &run)
            }
            return notFound ?? end(node.next, &run)
        case .queue(let queue):
            record(CallEvent(.queued, queue: queue.name))
            switch try await services.enqueue(queue, caller: channel.caller, variables: run.variables, channel: channel) {
            case .connected(let agent):
                run.outcome.result = .queued
                run.variables["AGENT"] = agent
                // The agent hung up first and the caller is still here (or the next step finds them gone).
                return queue.afterCall
            case .gaveUp(let why):
                logger.info("left the queue without an agent: \(why)", ["queue": queue.name])
                return end(node.next, &run)
            case .callbackRequested:
                _ = try? await channel.play([Prompt.callbackThanks], interruptingDigits: "")
                try await channel.hangup()
                run.outcome.result = .callback
                return nil
            }
        case .transfer(let transfer):
            let resolved = substitute(transfer.target, run)
            let outcome = try await channel.transfer(resolved, timeoutSeconds: transfer.timeoutSeconds, continuing: transfer.afterCall != nil)
            if case .answered = outcome {
                run.outcome.result = .transferred
                record(CallEvent(.transferred, detail: resolved))
                return transfer.afterCall
            }
            guard let fallback = transfer.fallback else { throw FlowError.failed("transfer to \(transfer.target): \(outcome)") }
            return fallback
        case .voicemail(let prompts, let maxSeconds):
            _ = try await channel.play(substitute(prompts, run), interruptingDigits: "")
            _ = try await channel.play([Prompt.beep], interruptingDigits: "")
            let path = services.voicemailPath(uniqueID: channel.caller.uniqueID)
            let seconds: Double
            do {
                seconds = try await channel.record(path, maxSeconds: maxSeconds)
            } catch FlowError.callerHungUp {
                // Asterisk keeps what was recorded up to the hang-up.
                record(CallEvent(.voicemail, detail: "\(path) (the caller hung up)"))
                throw FlowError.callerHungUp
            }
            record(CallEvent(.voicemail, detail: String(format: "%@ %.0f s", path, seconds)))
            return end(node.next, &run)
        case .survey(let questions):
            var answers: [Int] = []
            for question in substitute(questions, run) {
                var answer = 0
                for _ in 0..<2 where answer == 0 {
                    let (digits, _) = try await channel.readDigits(prompts: [question], maxDigits: 1, timeoutSeconds: 6, terminator: nil)
                    if let value = Int(digits), (1...5).contains(value) { answer = value }
                }
                answers.append(answer)
            }
            try await services.saveSurvey(uniqueID: channel.caller.uniqueID, answers: answers)
            record(CallEvent(.survey, digits: answers.map(String.init).joined()))
            return end(node.next, &run)
        case .ticket(let spec):
            let draft = TicketDraft(
                subject: substitute(spec.subject, run), category: spec.category, priority: spec.priority, customerID: run.customer?.id,
                phone: channel.caller.number, assignee: spec.queue.map(TicketAssignee.queue), queue: spec.queue, createdBy: "flow:\(run.flow.name)",
                call: TicketCall(uniqueID: channel.caller.uniqueID, rule: "flow:\(run.flow.name)/\(node.name)", at: services.now())
            )
            if let ticket = try await services.createTicket(draft) {
                run.variables["TICKET"] = ticket.number
                run.variables["TICKET_DIGITS"] = String(ticket.id)
                record(CallEvent(.ticket, detail: "\(ticket.number) created: \(ticket.subject)"))
            }
            return end(node.next, &run)
        case .ticketStatus(let spec):
            return try await tellTicket(spec, node, &run)
        case .goto(let target):
            return target
        case .subflow(let name, let returnTo):
            guard let other = services.flow(named: name) else { throw FlowError.unknownFlow(name) }
            run.returns.append((run.flow, returnTo ?? node.next))
            run.flow = other
            return other.start
        case .hangup(let prompts):
            if !prompts.isEmpty { _ = try await channel.play(substitute(prompts, run), interruptingDigits: "") }
            try await channel.hangup()
            run.outcome.result = .hangup
            return nil
        }
    }

    private func record(_ event: CallEvent) { services.record(uniqueID: channel.caller.uniqueID, event) }

    /// `ticket-status`: the number keyed (or none: the caller's newest open ticket), then its
    /// number, status and, while it is open, when it is due, said to the caller.
    private func tellTicket(_ spec: Node.TicketStatusNode, _ node: Node, _ run: inout Run) async throws -> String? {
        typealias Spoken = Node.TicketStatusNode
        let (keyed, _) = try await channel.readDigits(prompts: substitute(spec.prompts, run), maxDigits: 10, timeoutSeconds: 6, terminator: "#")
        guard let ticket = try await services.ticket(keyed: keyed.isEmpty ? nil : keyed, callerNumber: channel.caller.number) else {
            _ = try await channel.play([Spoken.notFoundPrompt], interruptingDigits: "")
            record(CallEvent(.ticket, detail: keyed.isEmpty ? "no open ticket for the caller" : "ticket \(keyed) not found for the caller"))
            return spec.notFound ?? end(node.next, &run)
        }
        run.variables["TICKET"] = ticket.number
        run.variables["TICKET_DIGITS"] = String(ticket.id)
        run.variables["TICKET_STATUS"] = ticket.status.rawValue
        _ = try await channel.play([Spoken.numberIs], interruptingDigits: "")
        try await channel.say(.digits, String(ticket.id))
        _ = try await channel.play([Spoken.statusPrompt(ticket.status)], interruptingDigits: "")
        if ticket.status == .new || ticket.status == .open, let due = ticket.resolutionDue {
            let seconds = String(Int(due.timeIntervalSince1970))
            run.variables["TICKET_DUE"] = seconds
            _ = try await channel.play([Spoken.dueBy], interruptingDigits: "")
            try await channel.say(.date, seconds)
            try await channel.say(.time, seconds)
        }
        record(CallEvent(.ticket, detail: "\(ticket.number) told: \(ticket.status.rawValue)"))
        return spec.found ?? end(node.next, &run)
    }

    /// Where a node with nothing after it leads: back to the calling flow, or the end.
    private func end(_ next: String?, _ run: inout Run) -> String? {
        if let next { return next }
        guard let (caller, returnTo) = run.returns.popLast() else { return nil }
        run.flow = caller
        return returnTo ?? end(nil, &run)
    }

    private func menu(_ menu: Node.Menu, _ node: Node, _ run: inout Run) async throws -> String? {
        let keys = String(menu.options.map(\.key))
        for attempt in 1...menu.retries {
            let (digits, _) = try await channel.readDigits(prompts: substitute(menu.prompts, run), maxDigits: 1, timeoutSeconds: menu.timeoutSeconds, terminator: nil)
            if let key = digits.first, let option = menu.options.first(where: { $0.key == key }) {
                record(CallEvent(.choice, node: "\(run.flow.name):\(node.name)", digits: String(key)))
                return option.target
            }
            guard attempt < menu.retries else { break }
            let retryPrompts = digits.isEmpty ? menu.timeoutPrompts : menu.invalidPrompts
            if !retryPrompts.isEmpty { _ = try await channel.play(substitute(retryPrompts, run), interruptingDigits: keys) }
        }
        if let exhausted = menu.exhausted { return exhausted }
        throw FlowError.noValidInput(tries: menu.retries)
    }

    private func collect(_ collect: Node.Collect, _ node: Node, _ run: inout Run) async throws -> String? {
        for attempt in 1...collect.retries {
            let prompts = substitute(collect.prompts, run)
            let read = { try await channel.readDigits(prompts: prompts, maxDigits: collect.maxDigits, timeoutSeconds: collect.timeoutSeconds, terminator: collect.terminator) }
            let (digits, _) = collect.sensitive ? try await channel.sensitive(read) : try await read()
            if Self.accepts(digits, collect) {
                run.variables[collect.variable] = digits
                if collect.sensitive { run.sensitive.insert(collect.variable) }
                let shown = collect.sensitive ? String(repeating: "*", count: digits.count) : digits
                record(CallEvent(.input, node: "\(run.flow.name):\(node.name)", digits: shown, detail: collect.variable))
                return end(node.next, &run)
            }
            if attempt < collect.retries { _ = try await channel.play(substitute(collect.invalidPrompts, run), interruptingDigits: "") }
        }
        if let exhausted = collect.exhausted { return exhausted }
        throw FlowError.noValidInput(tries: collect.retries)
    }

    /// Whether collected digits pass the node's checks: length, pattern, Luhn.
    static func accepts(_ digits: String, _ collect: Node.Collect) -> Bool {
        guard (collect.minDigits...collect.maxDigits).contains(digits.count), digits.allSatisfy(\.isNumber) else { return false }
        if let pattern = collect.pattern, digits.range(of: pattern, options: .regularExpression) == nil { return false }
        if collect.luhn, !Luhn.isValid(digits) { return false }
        return true
    }

    private func setLanguage(_ language: String, _ run: inout Run) async throws {
        try await channel.setLanguage(language)
        run.language = language
        run.variables["LANGUAGE"] = language
    }

    func context(_ run: Run) -> Condition.Context {
        let now = services.now()
        let calendar = Calendar(identifier: .gregorian)
        let parts = calendar.dateComponents(in: services.timeZone, from: now)
        let date = String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
        return Condition.Context(
            weekday: (parts.weekday ?? 1) - 1, minuteOfDay: (parts.hour ?? 0) * 60 + (parts.minute ?? 0), date: date,
            holidays: Set(run.flow.holidays.keys), callerNumber: channel.caller.number,
            customerFound: run.customer != nil, tier: run.customer?.vipTier ?? 0, language: run.language, variables: run.variables
        )
    }

    /// `${NAME}` replaced by the variable's value (empty when unset).
    func substitute(_ text: String, _ run: Run) -> String {
        guard text.contains("${") else { return text }
        var result = ""
        var rest = Substring(text)
        while let open = rest.range(of: "${") {
            result += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].firstIndex(of: "}") else { return result + rest[open.lowerBound...] }
            result += run.variables[String(rest[open.upperBound..<close])] ?? ""
            rest = rest[rest.index(after: close)...]
        }
        return result + rest
    }

    func substitute(_ texts: [String], _ run: Run) -> [String] { texts.map { substitute($0, run) } }
}

/// The Luhn check digit test (payment cards, many account numbers).
enum Luhn {
    static func isValid(_ digits: String) -> Bool {
        let values = digits.compactMap(\.wholeNumberValue)
        guard values.count == digits.count, values.count >= 2 else { return false }
        let sum = values.reversed().enumerated().reduce(0) { total, item in
            let doubled = item.offset % 2 == 1 ? item.element * 2 : item.element
            return total + (doubled > 9 ? doubled - 9 : doubled)
        }
        return sum % 10 == 0
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}

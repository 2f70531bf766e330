import App
import Config
import Core
import Foundation
import Glibc
import Store

/// `switchboard tickets …`: the follow-ups owed to customers, read and changed in the database
/// (a running server keeps adding those its rules make of calls). Every change is written to
/// the ticket's history as the Unix user who ran the command.
enum TicketsCommand {
    static let statusNames = TicketStatus.allCases.map(\.rawValue).joined(separator: ", ")
    static let priorityNames = TicketPriority.allCases.map(\.rawValue).joined(separator: ", ")
    static let number = ArgumentSpec(name: "TICKET", help: "the ticket's number: T-000123, or its digits")
    static let comment = OptionSpec.value("comment", "TEXT", "a comment for the history")

    static let spec = CommandSpec(
        name: "tickets",
        summary: "tickets: list, show, create, assign, comment, pending, solve, close, reopen, search, wrapup",
        subcommands: [
            CommandSpec(
                name: "list", summary: "tickets, newest first",
                options: [
                    .value("status", "LIST", "only these statuses (\(statusNames); default: new, open, pending)"),
                    .flag("all", "every status"),
                    .value("queue", "NAME", "tickets of a queue"),
                    .value("agent", "ID", "tickets assigned to an agent"),
                    .flag("overdue", "open tickets past a due time now"),
                    .value("customer", "ID", "a customer's tickets"),
                    .value("phone", "NUMBER", "tickets of a number, however it is written"),
                    .value("limit", "N", "at most N (default 100)"),
                    .flag("csv", "one line per ticket, comma-separated, with a header"),
                    .config, .json,
                ],
                action: list
            ),
            CommandSpec(name: "search", summary: "tickets whose subject or comments hold TEXT", options: [.value("limit", "N", "at most N (default 100)"), .config, .json],
                        arguments: [ArgumentSpec(name: "TEXT", help: "words to find")], action: search),
            CommandSpec(name: "show", summary: "one ticket: its fields, due times, calls, files and whole history", options: [.config, .json], arguments: [number], action: show),
            CommandSpec(
                name: "create", summary: "a new ticket",
                options: [
                    .value("subject", "TEXT", "what it is about (required)"),
                    .value("phone", "NUMBER", "the customer's number"),
                    .value("customer", "ID", "the customer"),
                    .value("category", "NAME", "its category (SLA policies can match it)"),
                    .value("priority", "LEVEL", "\(priorityNames) (default normal)"),
                    .value("queue", "NAME", "give it to a queue"),
                    .value("agent", "ID", "give it to an agent"),
                    .value("call", "UNIQUEID", "the call it is about"),
                    .config, .json,
                ],
                action: create
            ),
            CommandSpec(name: "assign", summary: "give a ticket to an agent or a queue", options: [.value("agent", "ID", "the agent"), .value("queue", "NAME", "the queue"), comment, .config],
                        arguments: [number], action: { try await change($0, $1, nil) }),
            CommandSpec(name: "comment", summary: "add a comment", options: [.config], arguments: [number, ArgumentSpec(name: "TEXT", help: "the comment")],
                        action: { try await change($0, $1, .comment) }),
            CommandSpec(name: "priority", summary: "set the priority", options: [comment, .config], arguments: [number, ArgumentSpec(name: "LEVEL", help: priorityNames)],
                        action: { try await change($0, $1, nil) }),
            CommandSpec(name: "pending", summary: "waiting on the customer: the SLA clock stops", options: [comment, .config], arguments: [number],
                        action: { try await change($0, $1, .status(.pending)) }),
            CommandSpec(name: "solve", summary: "mark solved", options: [comment, .config], arguments: [number], action: { try await change($0, $1, .status(.solved)) }),
            CommandSpec(name: "close", summary: "close it", options: [comment, .config], arguments: [number], action: { try await change($0, $1, .status(.closed)) }),
            CommandSpec(name: "reopen", summary: "open a solved or closed ticket again (or a pending one)", options: [comment, .config], arguments: [number],
                        action: { try await change($0, $1, .status(.open)) }),
            CommandSpec(
                name: "wrapup", summary: "an agent's wrap-up code for the call they handled last, as *55 on the phone",
                options: [.config], arguments: [ArgumentSpec(name: "AGENT", help: "the agent's id"), ArgumentSpec(name: "CODE", help: "a code of the tickets file's [wrapup]")],
                action: wrapUp
            ),
        ]
    )

    /// Who is changing tickets: the Unix user running the command.
    static var who: String {
        guard let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name else { return "user:uid-\(geteuid())" }
        return "user:" + String(cString: name)
    }

    @Sendable static func list(_ parsed: ParsedCommand, _ terminal: Terminal) async throws {
        var filter = TicketFilter(limit: try parsed.integer("limit", default: 100, range: 1...10_000_000))
        if !parsed.flag("all") {
            filter.statuses = try parsed.list("status").map { try $0.map { try status($0, parsed) } } ?? [.new, .open, .pending]
        }
        filter.queue = parsed.value("queue")
        filter.assignee = parsed.value("agent").map(TicketAssignee.agent)
        filter.customerID = try parsed.value("customer").map { try customer($0, parsed) }
        filter.phone = parsed.value("phone")
        if parsed.flag("overdue") { filter.overdueAt = Date() }
        try await print(filter, parsed, terminal)
    }

    @Sendable static func search(_ parsed: ParsedCommand, _ terminal: Terminal) async throws {
        try await print(TicketFilter(text: parsed.argument(0), limit: try parsed.integer("limit", default: 100, range: 1...10_000_000)), parsed, terminal)
    }

    static func print(_ filter: TicketFilter, _ parsed: ParsedCommand, _ terminal: Terminal) async throws {
        let (tickets, config) = try await StoreAccess.with(parsed, readOnly: true) { store, config in (try await store.tickets(filter), config) }
        if parsed.flag("json") { return terminal.print(try JSONOutput.encode(tickets)) }
        let clock = CallTimes(config.general.timeZone)
        let now = Date()
        let rows = tickets.map { ticket in
            [
                ticket.number, ticket.status.rawValue, ticket.priority.rawValue, ticket.assignee?.description ?? "-", ticket.phone ?? "-",
                ticket.resolutionDue.map(clock.full) ?? "-", ticket.isOverdue(at: now) ? "overdue" : "", ticket.subject,
            ]
        }
        if parsed.flag("csv") {
            let header = ["number", "status", "priority", "assignee", "phone", "resolution_due", "overdue", "subject"]
            return terminal.print(([header] + rows).map(CSV.line).joined(separator: "\n"))
        }
        guard !tickets.isEmpty else { return terminal.print("no tickets") }
        terminal.print(TextTable.render(header: ["TICKET", "STATUS", "PRIORITY", "ASSIGNEE", "PHONE", "DUE", "", "SUBJECT"], rows: rows))
    }

    @Sendable static func show(_ parsed: ParsedCommand, _ terminal: Terminal) async throws {
        let id = try id(parsed.argument(0), "TICKET", parsed)
        let (found, history, config) = try await StoreAccess.with(parsed, readOnly: true) { store, config in
            (try await store.ticket(id: id), try await store.ticketHistory(id: id), config)
        }
        guard let ticket = found else { throw ControlCommandError("no ticket \(TicketNumber.text(id))") }
        struct Shown: Encodable { var ticket: Ticket; var history: [TicketChange] }
        if parsed.flag("json") { return terminal.print(try JSONOutput.encode(Shown(ticket: ticket, history: history))) }
        let clock = CallTimes(config.general.timeZone)
        func time(_ date: Date?) -> String { date.map(clock.full) ?? "-" }
        var lines = [
            "\(ticket.number)  \(ticket.subject)",
            "status:     \(ticket.status.rawValue)\(ticket.isOverdue(at: Date()) ? " (overdue)" : "")",
            "priority:   \(ticket.priority.rawValue)",
            "category:   \(ticket.category ?? "-")",
            "customer:   \(ticket.customerID.map { "#\($0)" } ?? "-") \(ticket.phone ?? "")",
            "assignee:   \(ticket.assignee?.description ?? "-")",
            "created:    \(time(ticket.createdAt)) by \(ticket.createdBy)",
            "sla:        \(ticket.slaPolicy ?? "none")",
            "response:   due \(time(ticket.firstResponseDue)), made \(time(ticket.firstResponseAt))",
            "resolution: due \(ticket.resolutionLeft.map { "— clock stopped, \(CallTimes.duration($0)) of open time left" } ?? time(ticket.resolutionDue))",
        ]
        if !ticket.calls.isEmpty { lines.append("calls:      " + ticket.calls.map { "\($0.uniqueID) (\($0.rule))" }.joined(separator: ", ")) }
        if !ticket.files.isEmpty { lines.append("files:      " + ticket.files.map { "\($0.path) (\($0.kind.rawValue))" }.joined(separator: ", ")) }
        lines.append("")
        lines.append(TextTable.render(
            header: ["WHEN", "WHO", "WHAT", "FROM", "TO"],
            rows: history.map { [clock.full($0.at), $0.who, $0.field, $0.old ?? "", $0.new ?? ""] }
        ))
        terminal.print(lines.joined(separator: "\n"))
    }

    @Sendable static func create(_ parsed: ParsedCommand, _ terminal: Terminal) async throws {
        guard let subject = parsed.value("subject") else { throw UsageError(message: "a ticket needs --subject", commandPath: parsed.path) }
        if parsed.value("agent") != nil, parsed.value("queue") != nil { throw UsageError(message: "give it to --agent or --queue, not both", commandPath: parsed.path) }
        var draft = TicketDraft(
            subject: subject, category: parsed.value("category"), priority: try parsed.value("priority").map { try priority($0, parsed) } ?? .normal,
            customerID: try parsed.value("customer").map { try customer($0, parsed) }, phone: parsed.value("phone"),
            assignee: parsed.value("agent").map(TicketAssignee.agent) ?? parsed.value("queue").map(TicketAssignee.queue),
            queue: parsed.value("queue"), createdBy: who
        )
        if let call = parsed.value("call") { draft.call = TicketCall(uniqueID: call, rule: "manual", at: Date()) }
        let (created, zone) = try await StoreAccess.with(parsed) { store, config in
            if let customer = draft.customerID, try await store.customer(id: customer) == nil { throw ControlCommandError("no customer \(customer)") }
            return (try await TicketDesk.make(config: config, store: store).create(draft), config.general.timeZone)
        }
        guard let ticket = created else { throw ControlCommandError("call \(parsed.value("call") ?? "") has a ticket already") }
        if parsed.flag("json") { return terminal.print(try JSONOutput.encode(ticket)) }
        terminal.print("\(ticket.number) created" + (ticket.resolutionDue.map { ", to be resolved by \(CallTimes(zone).full($0))" } ?? ""))
    }

    /// A change to one ticket; `action` nil: taken from the subcommand (assign, priority).
    static func change(_ parsed: ParsedCommand, _ terminal: Terminal, _ given: TicketDesk.Action?) async throws {
        let id = try id(parsed.argument(0), "TICKET", parsed)
        var action = given
        var comment = parsed.value("comment")
        switch parsed.path.last {
        case "assign":
            switch (parsed.value("agent"), parsed.value("queue")) {
            case (let agent?, nil): action = .assign(.agent(agent))
            case (nil, let queue?): action = .assign(.queue(queue))
            default: throw UsageError(message: "assign needs --agent ID or --queue NAME", commandPath: parsed.path)
            }
        case "priority": action = .priority(try priority(parsed.argument(1), parsed))
        case "comment": comment = parsed.argument(1)
        default: break
        }
        let ticket = try await StoreAccess.with(parsed) { store, config in
            try await TicketDesk.make(config: config, store: store).apply(action!, to: id, who: who, comment: comment)
        }
        terminal.print("\(ticket.number): \(ticket.status.rawValue), \(ticket.priority.rawValue), \(ticket.assignee?.description ?? "unassigned")")
    }

    @Sendable static func wrapUp(_ parsed: ParsedCommand, _ terminal: Terminal) async throws {
        let ticket = try await StoreAccess.with(parsed) { store, config in
            try await TicketDesk.make(config: config, store: store).wrapUp(agent: parsed.argument(0), code: parsed.argument(1))
        }
        terminal.print("\(ticket.number): \(ticket.status.rawValue), \(ticket.priority.rawValue), \(ticket.assignee?.description ?? "unassigned")")
    }

    static func id(_ text: String, _ what: String, _ parsed: ParsedCommand) throws -> Int64 {
        guard let id = TicketNumber.id(text) else { throw UsageError(message: "\(what) '\(text)' is not a ticket number such as T-000123", commandPath: parsed.path) }
        return id
    }

    static func customer(_ text: String, _ parsed: ParsedCommand) throws -> Int64 {
        guard let id = Int64(text), id > 0 else { throw UsageError(message: "--customer '\(text)' is not a customer id", commandPath: parsed.path) }
        return id
    }

    static func status(_ text: String, _ parsed: ParsedCommand) throws -> TicketStatus {
        guard let status = TicketStatus(rawValue: text) else { throw UsageError(message: "--status '\(text)' is not one of \(statusNames)", commandPath: parsed.path) }
        return status
    }

    static func priority(_ text: String, _ parsed: ParsedCommand) throws -> TicketPriority {
        guard let priority = TicketPriority(rawValue: text) else { throw UsageError(message: "priority '\(text)' is not one of \(priorityNames)", commandPath: parsed.path) }
        return priority
    }
}

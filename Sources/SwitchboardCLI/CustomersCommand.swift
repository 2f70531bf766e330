import Core
import Foundation
import Store

/// `switchboard customers …`: the people who call, matched by their numbers.
enum CustomersCommand {
    static let spec = CommandSpec(
        name: "customers",
        summary: "add, list, show and import customers",
        subcommands: [
            CommandSpec(
                name: "add", summary: "add a customer",
                options: [
                    .value("name", "NAME", "the customer's name"),
                    .value("phone", "NUMBERS", "phone numbers, separated by ';' (written any way: +86 138-0013-8000)"),
                    .value("vip", "TIER", "VIP tier 0-9 (default 0: none)"),
                    .value("language", "CODE", "preferred language, such as zh"),
                    .value("notes", "TEXT", "notes for agents"),
                    .config, .json,
                ],
                action: add
            ),
            CommandSpec(
                name: "list", summary: "list customers",
                options: [.value("limit", "N", "at most N (default 100)"), .config, .json], action: list
            ),
            CommandSpec(
                name: "show", summary: "show a customer by id, or by a phone number with --phone",
                options: [.value("phone", "NUMBER", "find by phone number instead of id"), .config, .json],
                arguments: [ArgumentSpec(name: "ID", help: "the customer's id", isOptional: true)], action: show
            ),
            CommandSpec(
                name: "import", summary: "add customers from a CSV file",
                discussion: """
                    The first row names the columns: name and phone are required; vip, language and
                    notes are optional. Several numbers go in one field separated by ';'. Every bad
                    row is reported with its line number; nothing is written unless all rows are
                    good, or --partial is given (then the good rows are added).
                    """,
                options: [.flag("partial", "add the good rows even when some are bad"), .config, .json],
                arguments: [ArgumentSpec(name: "FILE", help: "the CSV file")], action: importFile
            ),
        ]
    )

    @Sendable static func add(_ parsed: ParsedCommand, _ terminal: Terminal) async throws {
        guard let name = parsed.value("name"), let phones = parsed.value("phone") else {
            throw UsageError(message: "a customer needs --name and --phone", commandPath: parsed.path)
        }
        let draft = CustomerDraft(
            name: name, phones: phones.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) },
            vipTier: try parsed.integer("vip", default: 0, range: 0...9), language: parsed.value("language"), notes: parsed.value("notes")
        )
        let customer = try await StoreAccess.with(parsed) { store, _ in try await store.addCustomer(draft) }
        if parsed.flag("json") { return terminal.print(try JSONOutput.encode(customer)) }
        terminal.print("added customer \(customer.id) (\(customer.name))")
    }

    @Sendable static func list(_ parsed: ParsedCommand, _ terminal: Terminal) async throws {
        let limit = try parsed.integer("limit", default: 100, range: 1...1_000_000)
        let customers = try await StoreAccess.with(parsed, readOnly: true) { store, _ in try await store.customers(limit: limit) }
        if parsed.flag("json") { return terminal.print(try JSONOutput.encode(customers)) }
        guard !customers.isEmpty else { return terminal.print("no customers; add them with 'switchboard customers add' or 'import'") }
        terminal.print(TextTable.render(
            header: ["ID", "NAME", "PHONES", "VIP", "LANGUAGE"],
            rows: customers.map { [String($0.id), $0.name, $0.phones.joined(separator: "; "), String($0.vipTier), $0.language ?? ""] }
        ))
    }

    @Sendable static func show(_ parsed: ParsedCommand, _ terminal: Terminal) async throws {
        let found: [Customer] = try await StoreAccess.with(parsed, readOnly: true) { store, _ in
            if let phone = parsed.value("phone") { return try await store.customers(phone: phone) }
            guard let text = parsed.arguments.first else {
                throw UsageError(message: "give a customer id or --phone NUMBER", commandPath: parsed.path)
            }
            guard let id = Int64(text) else { throw UsageError(message: "'\(text)' is not a customer id (use --phone for a number)", commandPath: parsed.path) }
            return try await store.customer(id: id).map { [$0] } ?? []
        }
        guard !found.isEmpty else { throw StoreError.notFound(parsed.value("phone").map { "customer with number \($0)" } ?? "customer \(parsed.arguments[0])") }
        if parsed.flag("json") { return terminal.print(try JSONOutput.encode(found)) }
        terminal.print(found.map { customer in
            """
            customer: \(customer.id)
            name:     \(customer.name)
            phones:   \(customer.phones.joined(separator: "; "))
            VIP tier: \(customer.vipTier)
            language: \(customer.language ?? "-")
            notes:    \(customer.notes ?? "-")
            """
        }.joined(separator: "\n\n"))
    }

    @Sendable static func importFile(_ parsed: ParsedCommand, _ terminal: Terminal) async throws {
        let file = parsed.argument(0)
        guard let data = FileManager.default.contents(atPath: file) else { throw StoreError.notFound(file) }
        let (rows, problems) = CustomerCSV.parse(String(decoding: data, as: UTF8.self))
        let partial = parsed.flag("partial")
        let (added, failures) = try await StoreAccess.with(parsed) { store, _ -> (Int, [(Int, String)]) in
            var failures = problems.map { ($0.line, $0.reason) }
            for (line, draft) in rows {
                do { try store.validate(draft) } catch { failures.append((line, "\(error)")) }
            }
            guard failures.isEmpty || partial else { return (0, failures.sorted { $0.0 < $1.0 }) }
            let result = try await store.importCustomers(rows, partial: partial)
            return (result.added, failures.sorted { $0.0 < $1.0 })
        }
        for (line, reason) in failures { terminal.printError("\(file):\(line): \(reason)") }
        if parsed.flag("json") {
            struct Summary: Encodable { var added: Int; var failed: Int }
            terminal.print(try JSONOutput.encode(Summary(added: added, failed: failures.count)))
        } else if failures.isEmpty || partial {
            terminal.print("imported \(added) customer\(added == 1 ? "" : "s")\(failures.isEmpty ? "" : ", skipped \(failures.count) bad row\(failures.count == 1 ? "" : "s")")")
        } else {
            terminal.printError("nothing imported: \(failures.count) bad row\(failures.count == 1 ? "" : "s") (fix them, or add the good ones with --partial)")
        }
        if !failures.isEmpty && !partial { throw ExitStatus(code: 1) }
    }
}

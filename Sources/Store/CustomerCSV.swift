import Core
import Foundation

/// Reads a customers file: CSV (RFC 4180: commas, double-quoted fields with "" for a quote and
/// line breaks inside quotes) with a header row naming the columns `name`, `phone` (several
/// numbers separated by `;`), and optionally `vip`, `language`, `notes`, in any order.
/// Every row is kept with the line it starts on, so problems are reported where they are.
public enum CustomerCSV {
    public struct Problem: Error, Equatable, CustomStringConvertible {
        public var line: Int
        public var reason: String
        public var description: String { "line \(line): \(reason)" }
    }

    public static let columns = ["name", "phone", "vip", "language", "notes"]

    /// The rows that read as customers, and a problem for each that does not. A header that
    /// cannot be used is a single problem on line 1 and no rows.
    public static func parse(_ text: String) -> (rows: [(line: Int, draft: CustomerDraft)], problems: [Problem]) {
        let records = self.records(text)
        guard let header = records.first else { return ([], [Problem(line: 1, reason: "the file is empty")]) }
        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        if let unknown = names.first(where: { !columns.contains($0) }) {
            return ([], [Problem(line: header.line, reason: "unknown column '\(unknown)' (columns: \(columns.joined(separator: ", ")))")])
        }
        guard names.contains("name"), names.contains("phone") else {
            return ([], [Problem(line: header.line, reason: "the header needs at least the columns name and phone")])
        }
        var rows: [(line: Int, draft: CustomerDraft)] = []
        var problems: [Problem] = []
        for record in records.dropFirst() where !(record.fields.count == 1 && record.fields[0].isEmpty) {
            guard record.fields.count == names.count else {
                problems.append(Problem(line: record.line, reason: "\(record.fields.count) fields, the header has \(names.count)"))
                continue
            }
            var field: [String: String] = [:]
            for (name, value) in zip(names, record.fields) { field[name] = value.trimmingCharacters(in: .whitespaces) }
            let phones = (field["phone"] ?? "").split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            var vip = 0
            if let text = field["vip"], !text.isEmpty {
                guard let number = Int(text) else {
                    problems.append(Problem(line: record.line, reason: "vip '\(text)' is not a number"))
                    continue
                }
                vip = number
            }
            rows.append((record.line, CustomerDraft(
                name: field["name"] ?? "", phones: phones, vipTier: vip,
                language: field["language"].flatMap { $0.isEmpty ? nil : $0 },
                notes: field["notes"].flatMap { $0.isEmpty ? nil : $0 }
            )))
        }
        return (rows, problems)
    }

    /// Records with the line each starts on.
    static func records(_ text: String) -> [(line: Int, fields: [String])] {
        var records: [(line: Int, fields: [String])] = []
        var fields: [String] = []
        var field = ""
        var quoted = false
        var line = 1
        var recordLine = 1
        var characters = Array(text.replacingOccurrences(of: "\r\n", with: "\n"))
        if characters.first == "\u{FEFF}" { characters.removeFirst() }
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if quoted {
                if character == "\"" {
                    if index + 1 < characters.count, characters[index + 1] == "\"" {
                        field.append("\"")
                        index += 1
                    } else {
                        quoted = false
                    }
                } else {
                    if character == "\n" { line += 1 }
                    field.append(character)
                }
            } else {
                switch character {
                case "\"" where field.isEmpty: quoted = true
                case ",":
                    fields.append(field)
                    field = ""
                case "\n":
                    fields.append(field)
                    records.append((recordLine, fields))
                    fields = []
                    field = ""
                    line += 1
                    recordLine = line
                default: field.append(character)
                }
            }
            index += 1
        }
        if !field.isEmpty || !fields.isEmpty {
            fields.append(field)
            records.append((recordLine, fields))
        }
        return records
    }
}

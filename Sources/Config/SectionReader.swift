import Foundation
import Wire

/// Reads typed values from one section, noting wrong types as errors and keys nobody asked for
/// as warnings, all with `file:line`.
struct SectionReader {
    let section: INISection
    private(set) var diagnostics: [ConfigDiagnostic] = []
    private var known: Set<String> = []

    init(_ section: INISection) { self.section = section }

    /// Warnings for every key of the section that no reader asked for.
    mutating func finish() -> [ConfigDiagnostic] {
        for entry in section.entries where !known.contains(entry.key.lowercased()) {
            diagnostics.append(.warning("unknown key '\(entry.key)' in [\(section.name)]", at: entry.location))
        }
        return diagnostics
    }

    mutating func string(_ key: String) -> String? {
        known.insert(key.lowercased())
        return section.entry(key)?.value
    }

    mutating func path(_ key: String, relativeTo file: String?) -> String? {
        guard let value = string(key) else { return nil }
        guard !value.isEmpty else {
            fail(key, "must not be empty")
            return nil
        }
        return INIParser.resolve(value, relativeTo: file)
    }

    /// A TCP port; `allowZero` for listeners, where 0 asks the system for a free port.
    mutating func port(_ key: String, allowZero: Bool = false) -> UInt16? {
        guard let text = string(key) else { return nil }
        guard let port = UInt16(text), port > 0 || allowZero else {
            fail(key, "'\(text)' is not a port number (\(allowZero ? 0 : 1)-65535)")
            return nil
        }
        return port
    }

    mutating func address(_ key: String) -> String? {
        guard let text = string(key) else { return nil }
        guard (try? SocketAddress(host: text, port: 0)) != nil else {
            fail(key, "'\(text)' is not an IPv4 or IPv6 address")
            return nil
        }
        return text
    }

    /// `host:port` (`[::1]:9273` for IPv6), the host an IP address.
    /// `host:port` to listen on; port 0 takes a free one (the server's status names it).
    mutating func endpoint(_ key: String) -> (host: String, port: UInt16)? {
        guard let text = string(key) else { return nil }
        let parsed: (host: String, port: UInt16)? = {
            guard let colon = text.lastIndex(of: ":"), let port = UInt16(text[text.index(after: colon)...]) else { return nil }
            var host = String(text[..<colon])
            if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            return (try? SocketAddress(host: host, port: port)) == nil ? nil : (host, port)
        }()
        if parsed == nil { fail(key, "'\(text)' is not an address and port such as 127.0.0.1:9273") }
        return parsed
    }

    /// A repeatable key whose values are also comma-separated lists.
    mutating func list(_ key: String) -> [(String, SourceLocation)]? {
        known.insert(key.lowercased())
        let entries = section.entries(key)
        guard !entries.isEmpty else { return nil }
        return entries.flatMap { entry in
            entry.value.split(separator: ",").map { ($0.trimmingCharacters(in: .whitespaces), entry.location) }
        }.filter { !$0.0.isEmpty }
    }

    mutating func addressRanges(_ key: String) -> [AddressRange]? {
        guard let items = list(key) else { return nil }
        var ranges: [AddressRange] = []
        for (text, location) in items {
            do {
                ranges.append(try AddressRange(parsing: text))
            } catch {
                diagnostics.append(.error("\(key): \(error)", at: location))
            }
        }
        return ranges
    }

    /// A string of ASCII digits whose length is in `count` (country codes, dialling prefixes).
    mutating func digits(_ key: String, count: ClosedRange<Int>) -> String? {
        guard let text = string(key) else { return nil }
        guard count.contains(text.count), text.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            fail(key, "'\(text)' is not \(count.lowerBound == count.upperBound ? "\(count.lowerBound)" : "\(count.lowerBound) to \(count.upperBound)") digits")
            return nil
        }
        return text
    }

    mutating func choice<Value>(_ key: String, _ parse: (String) -> Value?, expected: String) -> Value? {
        value(key, parse, expected: "one of \(expected)")
    }

    /// The value `parse` makes of the text; an error saying "'text' is not `expected`" when it makes none.
    mutating func value<Value>(_ key: String, _ parse: (String) -> Value?, expected: String) -> Value? {
        guard let text = string(key) else { return nil }
        guard let value = parse(text) else {
            fail(key, "'\(text)' is not \(expected)")
            return nil
        }
        return value
    }

    private mutating func fail(_ key: String, _ message: String) {
        diagnostics.append(.error("\(key): \(message)", at: section.entry(key)?.location ?? section.location))
    }
}

import Foundation

/// A manager.conf snippet as Asterisk reads it: one `[user]` section per AMI user with keys
/// manager.conf knows. Lines it cannot read are problems.
public struct ManagerUsers: Sendable {
    /// The users the file defines.
    public var users: [String] = []
    public var problems: [(line: Int, message: String)] = []

    /// The keys a manager user takes (Asterisk 20's manager.conf).
    static let keys: Set<String> = [
        "secret", "deny", "permit", "acl", "read", "write", "writetimeout", "displayconnects", "allowmultiplelogin", "eventfilter",
        "setvar", "timestampevents", "channelvars",
    ]

    public init(name: String, lines: [String]) {
        var inUser = false
        for (offset, raw) in lines.enumerated() {
            let number = offset + 1
            let text = DialplanFile.withoutComment(raw).trimmingCharacters(in: .whitespaces)
            if text.isEmpty { continue }
            if text.hasPrefix("[") {
                guard text.hasSuffix("]"), text.count > 2 else {
                    problems.append((number, "a user is written [name]"))
                    continue
                }
                let user = String(text.dropFirst().dropLast())
                if user == "general" {
                    problems.append((number, "[general] belongs to manager.conf itself, not to a snippet of users"))
                }
                users.append(user)
                inUser = true
                continue
            }
            let (key, value) = DialplanFile.keyValue(text)
            guard let key, value != nil else {
                problems.append((number, "'\(text)' is not KEY = VALUE"))
                continue
            }
            if !inUser { problems.append((number, "'\(key)' comes before any [user]")) }
            if !Self.keys.contains(key.lowercased()) { problems.append((number, "'\(key)' is not a manager user's setting (\(Self.keys.sorted().joined(separator: ", ")))")) }
        }
    }
}

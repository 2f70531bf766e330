import Config
import Foundation
import Glibc

/// What a person may do with Switchboard. Each command needs one; a higher role may do what a
/// lower one may.
public enum Role: String, Sendable, Codable, Comparable, CaseIterable {
    /// Their own state only (log in, pause, wrap-up).
    case agent
    /// Queues, live calls, spying, reports, tickets, recordings.
    case supervisor
    /// Everything: agents, customers, database, dialplan, configuration.
    case admin

    public static func < (lhs: Role, rhs: Role) -> Bool { allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)! }
}

/// A Unix user as the system knows them: from a socket peer's uid (SO_PEERCRED) or the
/// process's own.
public struct Identity: Sendable, Equatable, Codable {
    public var uid: UInt32
    public var user: String
    public var groups: [String]

    public init(uid: UInt32, user: String, groups: [String]) {
        self.uid = uid
        self.user = user
        self.groups = groups
    }

    /// The user and the groups the system lists for `uid` (primary and supplementary).
    public static func of(uid: UInt32) -> Identity {
        guard let entry = getpwuid(uid), let namePointer = entry.pointee.pw_name else { return Identity(uid: uid, user: "uid-\(uid)", groups: []) }
        let user = String(cString: namePointer)
        let primary = entry.pointee.pw_gid
        var count: Int32 = 64
        var ids = [gid_t](repeating: 0, count: Int(count))
        if getgrouplist(namePointer, primary, &ids, &count) == -1 {
            ids = [gid_t](repeating: 0, count: Int(count))
            _ = getgrouplist(namePointer, primary, &ids, &count)
        }
        let groups = ids.prefix(Int(max(0, count))).compactMap { id -> String? in
            guard let group = getgrgid(id), let name = group.pointee.gr_name else { return nil }
            return String(cString: name)
        }
        return Identity(uid: uid, user: user, groups: groups)
    }

    /// The process's own user.
    public static var current: Identity { of(uid: geteuid()) }
}

/// Who holds which role (`[control] admins`, `supervisors`, `agents`: user names and
/// `@group`s). Root and the user the server runs as are admins; nobody else has a role unless
/// the configuration gives one.
public struct AccessPolicy: Sendable {
    let admins: [String]
    let supervisors: [String]
    let agents: [String]
    /// The user the server runs as (the one who owns its data).
    let serverUID: UInt32

    public init(_ control: SwitchboardConfig.Control, serverUID: UInt32 = geteuid()) {
        admins = control.admins
        supervisors = control.supervisors
        agents = control.agents
        self.serverUID = serverUID
    }

    /// The highest role `identity` holds, nil for none.
    public func role(of identity: Identity) -> Role? {
        if identity.uid == 0 || identity.uid == serverUID { return .admin }
        if Self.names(admins, identity) { return .admin }
        if Self.names(supervisors, identity) { return .supervisor }
        if agentID(of: identity) != nil { return .agent }
        return nil
    }

    /// The agent an agent-role user is: `user:AGENT` in `agents`, else their user name.
    public func agentID(of identity: Identity) -> String? {
        for entry in agents {
            let parts = entry.split(separator: ":", maxSplits: 1).map(String.init)
            if parts.count == 2, parts[0] == identity.user { return parts[1] }
            if parts.count == 1, Self.names([entry], identity) { return identity.user }
        }
        return nil
    }

    static func names(_ entries: [String], _ identity: Identity) -> Bool {
        entries.contains { entry in entry.hasPrefix("@") ? identity.groups.contains(String(entry.dropFirst())) : entry == identity.user }
    }

    /// Refuses, naming the role needed, unless `identity` holds `needed` (or more).
    public func require(_ needed: Role, of identity: Identity, for command: String) throws -> Role {
        guard let held = role(of: identity), held >= needed else {
            let has = role(of: identity).map { "has the \($0.rawValue) role" } ?? "has no role"
            throw AccessDenied(description: "\(command) needs the \(needed.rawValue) role; \(identity.user) \(has) ([control] \(needed.rawValue)s in switchboard.conf)")
        }
        return held
    }
}

/// A command refused for want of a role; nothing was changed.
public struct AccessDenied: Error, CustomStringConvertible {
    public var description: String
}

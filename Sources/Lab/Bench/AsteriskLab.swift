import App
import Config
import Foundation
import Glibc
import Synchronization
import Wire

/// A private, real Asterisk for the latency benchmark and the real-Asterisk test tier: a build
/// folder with `start`, `stop` and `rx` scripts and a `sample-etc/` configuration (the team's
/// Asterisk 20.20.1 in ../shared/asterisk), run from its own short folder under /tmp with its
/// own manager port, Switchboard's shipped dialplan included and pointed at `agiPort`, and every
/// prompt of `sounds/prompts.conf` spoken into its sounds (scripts/prompts).
public final class AsteriskLab: Sendable {
    public struct LabError: Error, CustomStringConvertible {
        public var description: String
        public init(description: String) { self.description = description }
    }

    /// The build: `SWITCHBOARD_ASTERISK`, else `../shared/asterisk` beside the project; nil
    /// (with the reason) when neither has the scripts.
    public static func locate(projectRoot: String) -> (build: String?, why: String) {
        let environment = ProcessInfo.processInfo.environment["SWITCHBOARD_ASTERISK"]
        let candidate = environment ?? (projectRoot as NSString).appendingPathComponent("../shared/asterisk")
        let path = (candidate as NSString).standardizingPath
        let named = environment != nil ? "SWITCHBOARD_ASTERISK=\(path)" : path
        guard FileManager.default.isExecutableFile(atPath: path + "/start") else { return (nil, "no Asterisk build at \(named) (its start script is missing)") }
        return (path, "Asterisk build at \(named)")
    }

    public let build: String
    public let projectRoot: String
    public let folder: String
    public let amiPort: UInt16
    /// Where the dialplan sends FastAGI (`agi://127.0.0.1:<agiPort>`).
    public let agiPort: UInt16
    /// PJSIP's UDP port on 127.0.0.1 when the lab has SIP (`sip: true`): agent phones 2001 and
    /// 2002 and the trunk register or call there (the build's sample-etc-pjsip).
    public let sipPort: UInt16?
    public var soundsFolder: String { folder + "/var/lib/sounds" }
    public var logFolder: String { folder + "/log" }
    public static let amiUser = "switchboard"
    public static let amiSecret = "lab-secret"
    /// A second manager user, for whoever watches the lab (a test, the benchmark's probe) apart
    /// from the Switchboard under test.
    public static let observerUser = "observer"
    public static let observerSecret = "lab-observer"

    /// Writes the instance's configuration; `extraDialplan` is appended to extensions.conf. With
    /// `sip`, PJSIP is loaded with the build's sample phones and trunk (calls from the trunk run
    /// `[switchboard-inbound]`, with `trunkCallerID` as the caller) on ports of its own.
    public init(build: String, projectRoot: String, agiPort: UInt16, extraDialplan: String = "", sip: Bool = false, trunkCallerID: String? = nil) throws {
        self.build = build
        self.projectRoot = projectRoot
        self.agiPort = agiPort
        amiPort = try Self.freePort()
        sipPort = sip ? try Self.freePort() : nil
        folder = NSTemporaryDirectory().hasPrefix("/tmp") ? "/tmp/sbl-\(UUID().uuidString.prefix(6))" : NSTemporaryDirectory() + "sbl-\(UUID().uuidString.prefix(6))"
        let files = FileManager.default
        try files.copyItem(atPath: build + "/sample-etc", toPath: folder + "/etc")
        // The build may be read-only (CI's copy of it is): the instance's own files are not.
        try files.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder + "/etc")
        for name in try files.contentsOfDirectory(atPath: folder + "/etc") {
            try files.setAttributes([.posixPermissions: 0o644], ofItemAtPath: folder + "/etc/" + name)
        }
        let manager = try String(contentsOfFile: folder + "/etc/manager.conf", encoding: .utf8)
        let observer = "\n[\(Self.observerUser)]\nsecret = \(Self.observerSecret)\npermit = 127.0.0.1/255.255.255.255\nread = all\nwrite = all\n"
        try (Self.replacing(manager, [("port = 15038", "port = \(amiPort)"), ("secret = test-secret", "secret = \(Self.amiSecret)")]) + observer)
            .write(toFile: folder + "/etc/manager.conf", atomically: true, encoding: .utf8)
        // Attended transfers (AMI Atxfer) need a feature code for them, as the README's install says.
        let features = try String(contentsOfFile: folder + "/etc/features.conf", encoding: .utf8)
        try (features + "\n[featuremap]\natxfer => *2\n").write(toFile: folder + "/etc/features.conf", atomically: true, encoding: .utf8)
        // Device states over AMI (DeviceStateChange, DeviceStateList) come from this module, which
        // a production Asterisk loads by itself (autoload) and the sample's short list leaves out.
        var modules = try String(contentsOfFile: folder + "/etc/modules.conf", encoding: .utf8) + "load => res_manager_devicestate.so\nload => res_parking.so\n"
        // Call parking (supervisors' `call park`), with Asterisk's usual default lot.
        try "[general]\n\n[default]\nparkext => 700\nparkpos => 701-720\ncontext => parkedcalls\n"
            .write(toFile: folder + "/etc/res_parking.conf", atomically: true, encoding: .utf8)
        if let sipPort {
            let pjsip = build + "/sample-etc-pjsip"
            modules += try String(contentsOfFile: pjsip + "/modules-pjsip.conf", encoding: .utf8)
            for name in ["pjproject.conf"] { try files.copyItem(atPath: pjsip + "/" + name, toPath: folder + "/etc/" + name) }
            // RTP ports of its own too: a block of 100 drawn from 30000-49999.
            let rtp = 30_000 + Int.random(in: 0..<200) * 100
            try "[general]\nrtpstart = \(rtp)\nrtpend = \(rtp + 99)\nicesupport = no\nstrictrtp = no\n".write(toFile: folder + "/etc/rtp.conf", atomically: true, encoding: .utf8)
            var endpoints = try Self.replacing(String(contentsOfFile: pjsip + "/pjsip.conf", encoding: .utf8), [
                ("bind = 127.0.0.1:5160", "bind = 127.0.0.1:\(sipPort)"), ("context = inbound", "context = switchboard-inbound"),
            ])
            if let trunkCallerID {
                endpoints = try Self.replacing(endpoints, [("[trunk](endpoint-tpl)\n", "[trunk](endpoint-tpl)\ncallerid = \(trunkCallerID)\n")])
            }
            try endpoints.write(toFile: folder + "/etc/pjsip.conf", atomically: true, encoding: .utf8)
        }
        try modules.write(toFile: folder + "/etc/modules.conf", atomically: true, encoding: .utf8)
        let url = "agi://127.0.0.1:\(agiPort)"
        // The shipped dialplan templates, rendered for this lab's Switchboard.
        var config = SwitchboardConfig()
        config.agi.port = agiPort
        config.dialplan.templatesPath = projectRoot + "/dialplans"
        config.ivr.operatorTarget = "Local/1003@agents"
        for file in try DialplanTemplates(config: config, agents: [], wrapUpCodes: [:]).files {
            try file.text.write(toFile: folder + "/etc/" + file.name, atomically: true, encoding: .utf8)
        }
        let sample = try String(contentsOfFile: folder + "/etc/extensions.conf", encoding: .utf8)
        try (Self.replacing(sample, [("AGI_URL = agi://127.0.0.1:4573", "AGI_URL = \(url)")]) + "\n#include extensions_switchboard.conf\n" + extraDialplan)
            .write(toFile: folder + "/etc/extensions.conf", atomically: true, encoding: .utf8)
    }

    /// Writes `folder/switchboard.conf` for a Switchboard serving this lab, with the flows in
    /// `folder/ivr`, queues in `folder/queues.conf` and agents in `folder/agents.conf`; its path.
    public func writeSwitchboardConfig(in folder: String, loginAtStart: Bool, logLevel: String, operatorTarget: String = "Local/1003@agents") throws -> String {
        try FileManager.default.createDirectory(atPath: folder + "/recordings", withIntermediateDirectories: true)
        let path = folder + "/switchboard.conf"
        try """
            [general]
            database = sb.db
            recordings = recordings
            loglevel = \(logLevel)
            trunk = Local/{number}@callee
            [agi]
            bindaddr = 127.0.0.1
            port = \(agiPort)
            [ami]
            host = 127.0.0.1
            port = \(amiPort)
            username = \(Self.amiUser)
            secret = \(Self.amiSecret)
            [ivr]
            flows = ivr
            sounds = \(soundsFolder)
            operator = \(operatorTarget)
            [acd]
            login_at_start = \(loginAtStart ? "yes" : "no")
            queues = queues.conf
            agents = agents.conf
            [control]
            socket = sb.ctl
            [reports]
            queue_log = queue_log
            """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Starts Asterisk (about 1.5 s) and gives it the prompts; the sounds folder becomes a tree
    /// of links to the build's with the spoken prompts added.
    public func start() async throws {
        try await run(build + "/start", [folder])
        let sounds = soundsFolder
        try FileManager.default.removeItem(atPath: sounds)
        let cache = ProcessInfo.processInfo.environment["ASTERISK_CACHE"] ?? "/tmp/asterisk-20.20.1"
        try await run("cp", ["-rs", cache + "/sounds", sounds])
        try await run(projectRoot + "/scripts/prompts", [sounds])
    }

    /// Stops the instance and removes its folder (kept when `keep`, for a look at the logs).
    public func stop(keep: Bool = false) async {
        _ = try? await run(build + "/stop", [folder])
        if !keep { try? FileManager.default.removeItem(atPath: folder) }
    }

    /// An AMI outage for Switchboard: its user's secret is changed (it cannot log in again) and
    /// its sessions are kicked; the observer's stay. `restoreManager()` ends it.
    public func breakManager() async throws {
        try await setSwitchboardSecret("outage-\(UUID().uuidString.prefix(4))")
        let sessions = try await rx("manager show connected").split(separator: "\n").compactMap { line -> String? in
            let words = line.split(separator: " ")
            return words.first == Substring(Self.amiUser) && words.count >= 5 ? String(words[4]) : nil
        }
        for session in sessions { try await rx("manager kick session \(session)") }
    }

    public func restoreManager() async throws { try await setSwitchboardSecret(Self.amiSecret) }

    private func setSwitchboardSecret(_ secret: String) async throws {
        let path = folder + "/etc/manager.conf"
        var lines = try String(contentsOfFile: path, encoding: .utf8).components(separatedBy: "\n")
        guard let section = lines.firstIndex(of: "[\(Self.amiUser)]"), let line = lines[section...].firstIndex(where: { $0.hasPrefix("secret = ") }) else {
            throw LabError(description: "no [\(Self.amiUser)] secret in \(path)")
        }
        lines[line] = "secret = \(secret)"
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        try await rx("manager reload")
    }

    /// A CLI command, as `asterisk -rx`.
    @discardableResult
    public func rx(_ command: String) async throws -> String { try await run(build + "/rx", [folder, command]) }

    /// Runs a program to its end; its standard output, or an error with its last words. Spawned
    /// and reaped here (Foundation's Process can miss the exit of a script that leaves a daemon
    /// behind, as `start` does, and passes on the spawning thread's blocked signals), waiting
    /// without holding a thread.
    @discardableResult
    func run(_ program: String, _ arguments: [String]) async throws -> String {
        let output = folder + "/.run-\(UUID().uuidString.prefix(6))"
        defer {
            try? FileManager.default.removeItem(atPath: output + ".out")
            try? FileManager.default.removeItem(atPath: output + ".err")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output + ".out", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, output + ".err", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        // The child starts with no signal blocked and every handler at its default: a thread of
        // ours blocks signals, and Asterisk, which inherits the mask, wakes its manager sessions
        // with SIGURG: blocked, no AMI event or response is ever sent.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        var all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv = ([program] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawnp(&pid, program, &actions, &attributes, argv, environ)
        guard spawned == 0 else { throw LabError(description: "cannot run \(program): \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        while true {
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid { break }
            if reaped < 0 {
                guard errno == EINTR else { throw LabError(description: "waiting for \(program): \(String(cString: strerror(errno)))") }
                continue
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        let out = (try? String(contentsOfFile: output + ".out", encoding: .utf8)) ?? ""
        let code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        guard code == 0 else {
            let said = ((try? String(contentsOfFile: output + ".err", encoding: .utf8)) ?? "").split(separator: "\n").suffix(5).joined(separator: "\n")
            throw LabError(description: "\((program as NSString).lastPathComponent) \(arguments.joined(separator: " ")) exited \(code): \(said)")
        }
        return out
    }

    /// A TCP port nothing uses now (bound, then released), for a program that binds it itself
    /// a moment later (Asterisk, a SIP phone, a peer), and not handed out again by this process
    /// until it has gone round the whole block. Taken in turn from 20000-29999 (or up to the
    /// ephemeral range, where that starts lower): below the kernel's ephemeral range (a port from
    /// it, what binding port 0 gives, can be taken meanwhile as the local end of any outgoing
    /// connection, which tests running beside it make all the time), and below the RTP blocks
    /// the lab's Asterisks use (30000-49999). In turn, not at random: two tests starting
    /// together would draw the same port far more often than one would guess.
    public static func freePort() throws -> UInt16 {
        let ephemeralStart = (try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8))
            .flatMap { $0.split(whereSeparator: \.isWhitespace).first.flatMap { Int($0) } } ?? 32768
        let top = min(30_000, ephemeralStart)
        if top > 21_000 {
            for _ in 0..<100 {
                let port = UInt16(20_000 + nextPort.add(1, ordering: .relaxed).oldValue % (top - 20_000))
                if let listener = try? Listener(bind: try SocketAddress(host: "127.0.0.1", port: port)) {
                    listener.close()
                    return port
                }
            }
        }
        let listener = try Listener(bind: try SocketAddress(host: "127.0.0.1", port: 0))
        defer { listener.close() }
        guard case .ipv4(_, let port) = listener.localAddress else { throw LabError(description: "no IPv4 port") }
        return port
    }

    /// The next port `freePort` tries; from a random start, so that two processes rarely
    /// walk the same ports together.
    private static let nextPort = Atomic<Int>(Int.random(in: 0..<10_000))

    static func replacing(_ text: String, _ pairs: [(String, String)]) throws -> String {
        var result = text
        for (old, new) in pairs {
            guard result.contains(old) else { throw LabError(description: "the sample configuration has no '\(old)'") }
            result = result.replacingOccurrences(of: old, with: new)
        }
        return result
    }
}

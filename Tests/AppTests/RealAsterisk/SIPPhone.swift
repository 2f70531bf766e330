import Lab
import App
import Core
import Foundation
import Glibc
import Testing
import Wire

/// A real SIP user agent (Debian's baresip) on 127.0.0.1: an agent's phone that registers and
/// answers by itself, or a customer calling through the trunk. It sends a steady tone, records
/// nothing, and is steered through its ctrl_tcp module (dial, DTMF by RFC 4733, hang up).
final class SIPPhone: @unchecked Sendable {
    /// baresip, or why the SIP call is skipped.
    static let located: (path: String?, why: String) = {
        let path = "/usr/bin/baresip"
        guard FileManager.default.isExecutableFile(atPath: path) else { return (nil, "no baresip (apt-get install baresip-core)") }
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/sox") else { return (nil, "no sox (apt-get install sox)") }
        return (path, "baresip at \(path)")
    }()

    let folder: String
    let control: UInt16
    private let process = Process()

    /// - Parameters:
    ///   - user, password: the account on the lab's PJSIP (2001, 2002, trunk).
    ///   - registers: an agent's phone registers (and answers calls by itself); the trunk does not.
    init(user: String, password: String, lab: AsteriskLab, registers: Bool) throws {
        let sipPort = try #require(lab.sipPort)
        folder = lab.folder + "/ua-\(user)"
        control = try AsteriskLab.freePort()
        let listen = try AsteriskLab.freePort()
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let tone = folder + "/tone.wav"
        let sox = Process()
        sox.executableURL = URL(fileURLWithPath: "/usr/bin/sox")
        sox.arguments = ["-n", "-r", "8000", "-c", "1", "-b", "16", tone, "synth", "120", "sine", "440", "vol", "0.1"]
        try sox.run()
        sox.waitUntilExit()
        try """
            poll_method epoll
            sip_listen 127.0.0.1:\(listen)
            sip_trans_def udp
            net_interface 127.0.0.1
            audio_player aufile,\(folder)/heard.wav
            audio_source aufile,\(tone)
            audio_alert aufile,/dev/null
            module_path /usr/lib/baresip/modules
            module g711.so
            module aufile.so
            module_app account.so
            module_app menu.so
            module_app ctrl_tcp.so
            ctrl_tcp_listen 127.0.0.1:\(control)
            """.write(toFile: folder + "/config", atomically: true, encoding: .utf8)
        let account = "<sip:\(user)@127.0.0.1:\(sipPort)>;auth_pass=\(password)" + (registers ? ";answermode=auto;regint=60" : ";regint=0")
        try account.write(toFile: folder + "/accounts", atomically: true, encoding: .utf8)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/baresip")
        process.arguments = ["-f", folder]
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: createdFile(folder + "/log.txt")))
        process.standardError = process.standardOutput
        try process.run()
    }

    deinit { stop() }

    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    /// What the phone logged (progress lines and carriage returns removed).
    var log: String {
        let raw = (try? Data(contentsOf: URL(fileURLWithPath: folder + "/log.txt"))) ?? Data()
        return String(decoding: raw.filter { $0 != 0 }, as: UTF8.self).replacingOccurrences(of: "\r", with: "\n")
    }

    /// Sends a ctrl_tcp command (a JSON netstring) and returns the answer's text.
    @discardableResult
    func command(_ name: String, _ parameters: String = "") async throws -> String {
        let connection = try await Connection.connect(to: try SocketAddress(host: "127.0.0.1", port: control))
        defer { connection.close() }
        let body = try JSONSerialization.data(withJSONObject: ["command": name, "params": parameters, "token": "t"])
        try await connection.write(Array("\(body.count):".utf8) + Array(body) + Array(",".utf8))
        return String(decoding: try await connection.read(deadline: .after(.seconds(3))), as: UTF8.self)
    }

    /// Waits until the phone's log contains `text`.
    func waitForLog(_ text: String, seconds: Double = 20) async throws {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while !log.contains(text) {
            guard ContinuousClock.now < deadline else { throw AsteriskLab.LabError(description: "\(folder): no '\(text)' within \(seconds) s:\n\(log.suffix(1500))") }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    private func createdFile(_ path: String) -> String {
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        return path
    }
}

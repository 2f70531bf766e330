import AMI
import Core
import Dialplan
import Foundation
import Lab
import Testing

/// `switchboard dialplan apply` against the real Asterisk: the shipped templates installed and
/// loaded, a new number reaching its flow; a template with a mistake applying nothing; a file
/// Asterisk cannot load rolled back while the old dialplan goes on routing calls.
extension RealAsteriskTests {
    @Test func dialplanApplyLoadsChecksAndRollsBack() async throws {
        try await withCenter { center in
            let templates = center.folder + "/templates"
            try FileManager.default.createDirectory(atPath: templates, withIntermediateDirectories: true)
            let shipped = try String(contentsOfFile: LabCenter.projectRoot + "/dialplans/extensions_switchboard.conf", encoding: .utf8)
            try shipped.write(toFile: templates + "/extensions_switchboard.conf", atomically: true, encoding: .utf8)
            let installed = center.lab.folder + "/etc/extensions_switchboard.conf"
            // A manager user of its own, in a snippet manager.conf includes once.
            try "[sb-watch]\nsecret = {{ami.secret}}\ndeny = 0.0.0.0/0.0.0.0\npermit = {{ami.permit}}\nread = call\nwrite = system\n"
                .write(toFile: templates + "/manager_switchboard.conf", atomically: true, encoding: .utf8)
            let manager = center.lab.folder + "/etc/manager.conf"
            try (try String(contentsOfFile: manager, encoding: .utf8) + "\n#include manager_switchboard.conf\n").write(toFile: manager, atomically: true, encoding: .utf8)
            #expect(try await center.send(.command("manager show user sb-watch")).output.contains { $0.contains("There is no manager called sb-watch") })
            let config = try String(contentsOfFile: center.configPath, encoding: .utf8)
            try (config + "\n[dialplan]\ntemplates = templates\nasterisk = \(center.lab.folder)/etc\nnumber = 4010 => self-service\n")
                .write(toFile: center.configPath, atomically: true, encoding: .utf8)

            // Every application this Asterisk has is in the catalog `dialplan check` uses.
            let applications = try await center.send(.command("core show applications")).output
                .compactMap { line -> String? in
                    let name = line.split(separator: ":").first?.trimmingCharacters(in: .whitespaces) ?? ""
                    return line.contains(":") && !name.isEmpty && !name.contains(" ") ? name : nil
                }
            #expect(applications.count > 20)
            #expect(applications.filter { !AsteriskCatalog.asterisk20.hasApplication($0) }.isEmpty)

            let applied = try await center.command(["dialplan", "apply", "--yes"])
            #expect(applied.code == 0, "\(applied.out)\(applied.err)")
            #expect(applied.out.contains("dialplan applied"), "\(applied.out)")
            #expect(try String(contentsOfFile: installed, encoding: .utf8).contains("exten => 4010,1,Set(SB_FLOW=self-service)"))
            #expect(try await center.send(.command("manager show user sb-watch")).output.contains { $0.trimmingCharacters(in: .whitespaces) == "username: sb-watch" })
            let diff = try await center.command(["dialplan", "diff"])
            #expect(diff.out.contains("up to date") && diff.out.contains("the running Asterisk has the rendered dialplan loaded"), "\(diff.out)\(diff.err)")
            // The new number runs its flow.
            try await center.call(from: "13800000101", dnis: "4010")
            let channel = try await center.flowChannel(of: "13800000101")
            try await center.hungUp(channel, seconds: 60)
            #expect(try await center.finishedCall(from: "13800000101").flow == "self-service")

            // A mistake in the template: nothing applied, the file and the loaded dialplan as they were.
            let good = try String(contentsOfFile: installed, encoding: .utf8)
            try (shipped + "\n[switchboard-extra]\nexten => 1,1,Dail(PJSIP/1)\n").write(toFile: templates + "/extensions_switchboard.conf", atomically: true, encoding: .utf8)
            let refused = try await center.command(["dialplan", "apply", "--yes"])
            #expect(refused.code == 1 && refused.err.contains("extensions_switchboard.conf:\(shipped.split(separator: "\n", omittingEmptySubsequences: false).count + 2): no application Dail"), "\(refused.err)")
            #expect(try String(contentsOfFile: installed, encoding: .utf8) == good)

            // A file Asterisk cannot load (its #include is missing): Asterisk keeps the old
            // dialplan, apply finds the new number not loaded and puts the old file back.
            try (shipped.replacingOccurrences(of: "[switchboard-inbound]\n", with: "#include switchboard-missing.conf\n[switchboard-inbound]\nexten => 4011,1,Set(SB_FLOW=survey)\n same => n,Goto(switchboard-flow,${EXTEN},1)\n"))
                .write(toFile: templates + "/extensions_switchboard.conf", atomically: true, encoding: .utf8)
            let rolledBack = try await center.command(["dialplan", "apply", "--yes"])
            #expect(rolledBack.code == 1 && rolledBack.err.contains("rolled back: after the reload [switchboard-inbound]") && rolledBack.err.contains("not loaded"), "\(rolledBack.out)\(rolledBack.err)")
            #expect(try String(contentsOfFile: installed, encoding: .utf8) == good)
            try await center.call(from: "13800000102", dnis: "4010")
            let again = try await center.flowChannel(of: "13800000102")
            try await center.hungUp(again, seconds: 60)
            #expect(try await center.finishedCall(from: "13800000102").flow == "self-service")

            let history = try await center.command(["dialplan", "history", "--json"])
            for result in ["\"applied\"", "refused: the check failed", "rolled back"] { #expect(history.out.contains(result), "\(history.out)") }
        }
    }
}

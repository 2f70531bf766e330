import Config
import Foundation
import IVR
import Testing

/// `flows check`: one test per diagnostic, each pointing at the file and line.
@Suite struct FlowCheckerTests {
    func diagnostics(_ text: String, sounds: String? = nil) throws -> [String] {
        let folder = try FlowFolder(["test.conf": text])
        let (_, found) = FlowChecker.check(folder: folder.path, sounds: sounds)
        return found.map { $0.description.replacingOccurrences(of: folder.path + "/", with: "") }
    }

    @Test func aCleanFlowHasNothingToSay() throws {
        #expect(try diagnostics("[flow]\nstart = a\n[a]\ntype = hangup\n") == [])
    }

    @Test func unknownNodeReference() throws {
        #expect(try diagnostics("[flow]\nstart = a\n[a]\ntype = play\nprompt = beep\nnext = nowhere\n") == [
            "test.conf:3: node [a] leads to [nowhere], which does not exist",
        ])
    }

    @Test func missingStartNode() throws {
        #expect(try diagnostics("[flow]\nstart = b\n[a]\ntype = hangup\n").contains("test.conf:1: start node [b] does not exist"))
    }

    @Test func unreachableNode() throws {
        #expect(try diagnostics("[flow]\nstart = a\n[a]\ntype = hangup\n[lost]\ntype = hangup\n") == [
            "test.conf:5: warning: node [lost] is never reached",
        ])
    }

    @Test func menuWithoutAWayOut() throws {
        #expect(try diagnostics("[flow]\nstart = m\n[m]\ntype = menu\nprompt = beep\noptions = 1 => end\n[end]\ntype = hangup\n") == [
            "test.conf:3: warning: menu [m] has no exhausted = node: after 3 tries the caller goes to error handling",
        ])
    }

    @Test func loopWithoutInput() throws {
        let found = try diagnostics("[flow]\nstart = a\n[a]\ntype = goto\ntarget = b\n[b]\ntype = play\nprompt = beep\nnext = a\n")
        #expect(found.contains("test.conf:3: node [a] is in a loop that never waits for the caller"))
    }

    @Test func badTimeExpression() throws {
        #expect(try diagnostics("[flow]\nstart = c\n[c]\ntype = condition\nwhen = weekdays, 09:00-25:00\nthen = c\nelse = c\n") == [
            "test.conf:5: node [c]: '09:00-25:00' is not a time range such as 09:00-18:00",
        ])
    }

    @Test func unknownTypeAndMissingKeys() throws {
        let found = try diagnostics("[flow]\nstart = a\n[a]\ntype = dance\n[b]\ntype = transfer\n")
        #expect(found.contains("test.conf:4: node [a]: unknown type 'dance'"))
        #expect(found.contains("test.conf:5: node [b] needs target ="))
    }

    @Test func promptsMissingForALanguage() throws {
        let sounds = NSTemporaryDirectory() + "sounds-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: sounds) }
        for path in ["zh/custom/welcome.wav", "en/custom/welcome.gsm", "zh/custom/menu.ulaw"] {
            let file = sounds + "/" + path
            try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            _ = FileManager.default.createFile(atPath: file, contents: Data([0]))
        }
        let found = try diagnostics("""
            [flow]
            start = a
            language = zh
            [a]
            type = play
            prompt = custom/welcome&custom/menu
            next = b
            [b]
            type = set
            language = en
            next = c
            [c]
            type = hangup
            """, sounds: sounds)
        #expect(found == ["test.conf:4: node [a]: prompt 'custom/menu' is missing for en (Asterisk looks in \(sounds)/<language>/, \(sounds)/ and \(sounds)/en/)"])
    }

    /// Asterisk looks for a prompt in the channel's language, the language without its region,
    /// no language folder, then English: a prompt recorded only in English plays on every call.
    @Test func promptsFallBackAsAsteriskLooksForThem() throws {
        let sounds = NSTemporaryDirectory() + "sounds-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: sounds) }
        for path in ["en/custom/welcome.wav", "zh/custom/menu.wav", "custom/bare.gsm", "zh_TW/custom/tw.wav"] {
            let file = sounds + "/" + path
            try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            _ = FileManager.default.createFile(atPath: file, contents: Data([0]))
        }
        #expect(FlowChecker.exists("custom/welcome", language: "zh", sounds: sounds))
        #expect(FlowChecker.exists("custom/welcome", language: "zh_TW", sounds: sounds))
        #expect(FlowChecker.exists("custom/menu", language: "zh_TW", sounds: sounds))
        #expect(FlowChecker.exists("custom/bare", language: "fr", sounds: sounds))
        #expect(!FlowChecker.exists("custom/menu", language: "en", sounds: sounds))
        #expect(!FlowChecker.exists("custom/tw", language: "zh", sounds: sounds))
        #expect(!FlowChecker.exists("custom/nowhere", language: "en", sounds: sounds))
    }

    @Test func unknownSubflow() throws {
        #expect(try diagnostics("[flow]\nstart = s\n[s]\ntype = subflow\nflow = elsewhere\n") == [
            "test.conf:3: node [s] runs flow 'elsewhere', which does not exist",
        ])
    }

    @Test func theShippedFlowsAreClean() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../dialplans/ivr").standardized.path
        let (flows, found) = FlowChecker.check(folder: folder, sounds: nil)
        #expect(found.map(\.description) == [])
        #expect(Set(flows.keys) == ["main", "self-service", "survey"])
    }
}

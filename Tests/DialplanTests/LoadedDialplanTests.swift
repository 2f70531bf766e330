import Foundation
import Testing
@testable import Dialplan

/// `dialplan show` as the real Asterisk 20.20.1 printed it for the rendered shipped dialplan
/// (Tests/Fixtures/dialplan), read back and compared with the file it was loaded from.
@Suite struct LoadedDialplanTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/dialplan")

    static func lines(_ name: String) throws -> [String] {
        try String(contentsOf: fixtures.appendingPathComponent(name), encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    @Test func whatAsteriskLoadedMatchesTheFileItCameFrom() throws {
        let file = DialplanFile(name: "extensions_switchboard.conf", lines: try Self.lines("rendered-extensions_switchboard.conf"))
        #expect(file.problems.isEmpty)
        for name in ["switchboard-flow", "switchboard-hints", "switchboard-inbound", "agent-phones"] {
            let loaded = try #require(LoadedContext(name: name, output: try Self.lines("show-\(name).txt")), "\(name)")
            let context = try #require(file.contexts.first { $0.name == name })
            #expect(loaded.extensions == context.expected, "\(name)")
            #expect(loaded.includes == context.includes.map(\.name))
        }
        let flow = try #require(LoadedContext(name: "switchboard-flow", output: try Self.lines("show-switchboard-flow.txt")))
        #expect(flow.extensions["_X."]?.last == LoadedContext.Step(priority: 7, label: "done", command: "Hangup()"))
        #expect(flow.extensions["_X."]?[3].command == #"GotoIf($["${AGISTATUS}" != "FAILURE"]?done)"#)
    }

    @Test func aContextAsteriskDoesNotHaveIsNil() {
        #expect(LoadedContext(name: "nosuch", output: ["There is no existence of 'nosuch' context", "Command 'dialplan show nosuch' failed."]) == nil)
    }

    @Test func aDiffShowsEachChangeWithItsContext() {
        let old = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"]
        var new = old
        new[1] = "B"
        new.append("k")
        let diff = LineDiff(old: old, new: new)
        #expect(diff.added == 2 && diff.removed == 1)
        #expect(diff.unified(oldName: "old", newName: "new", context: 1) == """
            --- old
            +++ new
            @@ -1,3 +1,3 @@
             a
            -b
            +B
             c
            @@ -10,1 +10,2 @@
             j
            +k
            """)
        #expect(LineDiff(old: old, new: old).isEmpty && LineDiff(old: old, new: old).unified(oldName: "a", newName: "b") == "")
    }
}

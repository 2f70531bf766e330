import TestSupport
import Testing
@testable import Config

@Suite struct INIParserTests {
    func parse(_ text: String) throws -> INIDocument {
        try INIParser.parse(text: text, file: "/etc/asterisk/test.conf")
    }

    func error(_ text: String) -> String {
        errorText { _ = try parse(text) } ?? "no error"
    }

    @Test func sectionsKeysAndBothAssignmentForms() throws {
        let document = try parse("""
            [general]
            database = /var/lib/x.db
            [from-trunk]
            exten => _X.,1,Answer()
            exten => _X.,n,AGI(agi://127.0.0.1:4573/ivr/main)
            """)
        #expect(document.sections.map(\.name) == ["general", "from-trunk"])
        #expect(document.sections[0].entry("database")?.value == "/var/lib/x.db")
        #expect(document.sections[0].entry("DATABASE")?.value == "/var/lib/x.db", "keys compare without case")
        let extens = document.sections[1].entries("exten")
        #expect(extens.map(\.value) == ["_X.,1,Answer()", "_X.,n,AGI(agi://127.0.0.1:4573/ivr/main)"])
        #expect(extens.allSatisfy { $0.isObject })
        #expect(document.sections[0].entries[0].isObject == false)
        #expect(extens[1].location.description == "/etc/asterisk/test.conf:5")
    }

    @Test func repeatedKeysKeepOrderAndTheLastWins() throws {
        let section = try parse("[a]\nallow = 1\nallow = 2\nallow = 3\n").sections[0]
        #expect(section.entries("allow").map(\.value) == ["1", "2", "3"])
        #expect(section.entry("allow")?.value == "3")
    }

    @Test func commentsEscapedSemicolonsAndBlockComments() throws {
        let section = try parse("""
            ; a comment
            [a] ; trailing comment
            key = value ; comment
            escaped = one\\;two
            ;-- a block comment
            hidden = yes
            --;
            inline = a;-- an inline block --;b
            after = 1
            """).sections[0]
        #expect(section.entries.map(\.key) == ["key", "escaped", "inline", "after"])
        #expect(section.entry("key")?.value == "value")
        #expect(section.entry("escaped")?.value == "one;two")
        #expect(section.entry("inline")?.value == "ab")
    }

    @Test func windowsLineEndingsAreAccepted() throws {
        let section = try parse("[a]\r\nkey = value\r\n").sections[0]
        #expect(section.entry("key")?.value == "value")
    }

    @Test func templatesAndInheritanceAsAsteriskDoesThem() throws {
        let document = try parse("""
            [agent-defaults](!)
            context = agents
            wrapup = 10
            [fast](!,agent-defaults)
            wrapup = 2
            [1001](agent-defaults)
            name = Alice
            [1002](fast)
            wrapup = 5
            """)
        #expect(document.concreteSections.map(\.name) == ["1001", "1002"])
        let alice = document.sections(named: "1001")[0]
        #expect(alice.entry("context")?.value == "agents")
        #expect(alice.entry("wrapup")?.value == "10")
        #expect(alice.templates == ["agent-defaults"])
        let bob = document.sections(named: "1002")[0]
        #expect(bob.entry("context")?.value == "agents", "inherited through two levels")
        #expect(bob.entry("wrapup")?.value == "5", "own value overrides the template's")
        #expect(bob.entries("wrapup").map(\.value) == ["10", "2", "5"])
    }

    @Test func plusAddsToAnEarlierSection() throws {
        let document = try parse("[a]\nx = 1\n[b]\ny = 2\n[a](+)\nz = 3\n")
        #expect(document.sections.count == 2)
        #expect(document.sections[0].entries.map(\.key) == ["x", "z"])
    }

    @Test func includesAreRelativeToTheIncludingFile() throws {
        let folder = try TemporaryFolder()
        try folder.write("conf.d/agents.conf", "[1001]\nname = Alice\n#include more/extra.conf\n")
        try folder.write("conf.d/more/extra.conf", "skills = billing:4\n")
        let main = try folder.write("main.conf", "[general]\nx = 1\n#include \"conf.d/agents.conf\"\n#tryinclude missing.conf\n[last]\n")
        let document = try INIParser.parse(file: main)
        #expect(document.sections.map(\.name) == ["general", "1001", "last"])
        let agent = document.sections[1]
        #expect(agent.entry("skills")?.value == "billing:4", "an included file continues the current section")
        #expect(agent.entry("skills")?.location.description == folder.path + "/conf.d/more/extra.conf:1")
    }

    @Test func includeCyclesAreRejected() throws {
        let folder = try TemporaryFolder()
        try folder.write("a.conf", "[a]\n#include b.conf\n")
        try folder.write("b.conf", "x = 1\n#include a.conf\n")
        let text = errorText { _ = try INIParser.parse(file: folder.path + "/a.conf") }
        #expect(text == "\(folder.path)/b.conf:2: #include cycle: \(folder.path)/a.conf → \(folder.path)/b.conf → \(folder.path)/a.conf")
    }

    @Test func missingIncludeNamesTheLine() throws {
        let folder = try TemporaryFolder()
        let main = try folder.write("main.conf", "[a]\n\n#include nope.conf\n")
        let text = errorText { _ = try INIParser.parse(file: main) }
        #expect(text == "\(main):3: #include \(folder.path)/nope.conf: no such file")
    }

    @Test func errorsNameFileAndLine() {
        let file = "/etc/asterisk/test.conf"
        #expect(error("key = 1") == "\(file):1: 'key' is outside any section: put a [section] line before it")
        #expect(error("[a]\njust words") == "\(file):2: expected 'key = value', found 'just words'")
        #expect(error("[a\n") == "\(file):1: section header has no closing ']'")
        #expect(error("[]") == "\(file):1: section name is empty")
        #expect(error("[a] junk") == "\(file):1: unexpected 'junk' after section [a]: only (options) may follow")
        #expect(error("[a](nope)") == "\(file):1: [a] inherits from 'nope', which is not defined before it")
        #expect(error("[a](+)") == "\(file):1: [a](+) adds to a section that is not defined before it")
        #expect(error("[a]\n = 3") == "\(file):2: entry has no key before '='")
        #expect(error("[a]\n#exec rm -rf /") == "\(file):2: unknown directive '#exec' (expected #include or #tryinclude)")
        #expect(error("[a]\n#include") == "\(file):2: #include needs a file name")
    }
}

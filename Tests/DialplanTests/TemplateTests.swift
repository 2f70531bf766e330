import Testing
@testable import Dialplan

@Suite struct TemplateTests {
    static let values = TemplateValue.record([
        "agi": .record(["url": .text("agi://10.0.0.5:4573")]),
        "numbers": .list([
            .record(["number": .text("4008001234"), "flow": .text("main")]),
            .record(["number": .text("4008005678"), "flow": .text("sales")]),
        ]),
        "none": .list([]),
        "hagi": .text(""),
        "name": .text("Switchboard"),
    ])

    static func render(_ text: String, _ values: TemplateValue = values) throws -> [RenderedLine] {
        try Template(name: "t.conf", text: text).render(values)
    }

    @Test func valuesAreFilledInAndAsteriskSyntaxIsLeftAlone() throws {
        let lines = try Self.render("exten => _X.,1,AGI({{agi.url}}/ivr/${SB_FLOW}) ; {{ name }}\n same => n,Set(X=$[1+2])")
        #expect(lines.map(\.text) == ["exten => _X.,1,AGI(agi://10.0.0.5:4573/ivr/${SB_FLOW}) ; Switchboard", " same => n,Set(X=$[1+2])"])
        #expect(lines.map(\.templateLine) == [1, 2])
    }

    @Test func aLoopRepeatsItsLinesAndEachKeepsItsTemplateLine() throws {
        let text = """
            [in]
            {{#each did in numbers}}
            exten => {{did.number}},1,Set(SB_FLOW={{did.flow}})
             same => n,Goto(run,${EXTEN},1)
            {{/each}}
            {{#each x in none}}
            never
            {{/each}}
            """
        let lines = try Self.render(text)
        #expect(lines.map(\.text) == [
            "[in]", "exten => 4008001234,1,Set(SB_FLOW=main)", " same => n,Goto(run,${EXTEN},1)",
            "exten => 4008005678,1,Set(SB_FLOW=sales)", " same => n,Goto(run,${EXTEN},1)",
        ])
        #expect(lines.map(\.templateLine) == [1, 3, 4, 3, 4])
    }

    @Test func aConditionKeepsOneSideAndNotesVanish() throws {
        let text = "{{#if hagi}}\nsrv\n{{#else}}\nplain {{name}}\n{{/if}}\n{{#if numbers}}\nsome numbers\n{{/if}}\n{{! a note }}x"
        #expect(try Self.render(text).map(\.text) == ["plain Switchboard", "some numbers", "x"])
    }

    @Test func everyProblemIsNamedAtItsLine() {
        func problems(_ text: String) -> [String] {
            do {
                _ = try Self.render(text)
                return []
            } catch let error as TemplateError {
                return error.problems.map(\.description)
            } catch {
                return ["\(error)"]
            }
        }
        #expect(problems("a\n{{nobody}}") == ["t.conf:2: unknown value 'nobody'"])
        #expect(problems("{{numbers}}") == ["t.conf:1: 'numbers' is not a text value"])
        #expect(problems("{{#each n numbers}}\n{{/each}}") == ["t.conf:1: '{{#each n numbers}}': write {{#each ITEM in LIST}}"])
        #expect(problems("{{#each n in numbers}}\nx") == ["t.conf:1: {{#each …}} has no {{/each}}"])
        #expect(problems("{{#each n in name}}\n{{/each}}") == ["t.conf:1: 'name' is not a list"])
        #expect(problems("{{#if}}\n{{/if}}") == ["t.conf:1: '{{#if}}': write {{#if VALUE}}"])
        #expect(problems("x\n{{/if}}") == ["t.conf:2: '{{/if}}' without its opening tag, or not a tag (#each, #if, #else, /each, /if)"])
        #expect(problems("a {{agi.url") == ["t.conf:1: '{{' without '}}'"])
        #expect(problems("{{#if missing}}\n{{/if}}\n{{also}}") == ["t.conf:1: unknown value 'missing'", "t.conf:3: unknown value 'also'"])
    }
}

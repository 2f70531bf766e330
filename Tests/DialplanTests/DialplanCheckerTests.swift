import Testing
@testable import Dialplan

/// One broken dialplan per message `dialplan check` gives, and a good one with none.
@Suite struct DialplanCheckerTests {
    static func problems(_ text: String, known: Set<String> = []) -> [String] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var checker = DialplanChecker()
        checker.knownContexts = known
        return checker.check([DialplanFile(name: "x.conf", lines: lines)], lines: ["x.conf": lines]).map { "\($0.line): \($0.message)" }
    }

    @Test func aGoodDialplanHasNoProblems() {
        let good = """
            ; a comment; with more
            #include extra.conf
            [globals]
            SB = 1
            [in]
            exten => _X.,1,NoOp(call ${CALLERID(all)} to ${EXTEN})
             same => n,Answer()
             same => n,AGI(agi://127.0.0.1:4573/ivr/main)
             same => n,GotoIf($["${AGISTATUS}" = "FAILURE"]?fallback:done)
             same => n(fallback),Dial(PJSIP/operator,30)
             same => n(done),Hangup()
            exten => 4008,1,Goto(in,40081,1)
            exten => _[1-5]XX,1,Gosub(sub,s,1(a,b))
             same => 2,Set(CALLERID(name)=x)
             same => n,ExecIf($["${X}" != ""]?Set(CHANNEL(language)=en))
            exten => 1001,hint,PJSIP/1001
            exten => *51,1,AGI(agi://h/agent/login)
            [sub]
            exten => s,1,Return()
            include => in
            """
        #expect(Self.problems(good) == [])
    }

    @Test(arguments: [
        ("exten => 1,1,NoOp()", "1: 'exten => 1,1,NoOp()' comes before any [context]"),
        ("[c\nexten => 1,1,NoOp()", "1: a context is written [name]"),
        ("[c]\nexten 1,1,NoOp()", "2: 'exten 1,1,NoOp()' is not KEY => VALUE"),
        ("[c]\nexten => 1,NoOp()", "2: exten => needs PATTERN,PRIORITY,APPLICATION(ARGUMENTS)"),
        ("[c]\nsame => n,NoOp()", "2: same => has no exten => line before it in [c]"),
        ("[c]\nexit => 1,1,NoOp()", "2: 'exit =>' is not exten, same, include, switch or ignorepat"),
        ("#inclde x.conf", "1: '#inclde' is not #include or #tryinclude with a file"),
        ("[c]\nexten => 1,2,NoOp()", "2: extension 1 in [c] starts at priority 2, not 1"),
        ("[c]\nexten => 1,n,NoOp()", "2: extension 1 in [c] starts with priority n: the first is 1"),
        ("[c]\nexten => 1,1,NoOp()\n same => 3,NoOp()", "3: priority 3 of 1 in [c] does not follow 1"),
        ("[c]\nexten => 1,1,NoOp()\n same => x,NoOp()", "3: 'x' is not a priority (1, 2, …, n, n(label) or hint)"),
        ("[c]\nexten => _X.5,1,NoOp()", "2: pattern _X.5: '.' matches the rest, so it comes last"),
        ("[c]\nexten => _[a-c]X,1,NoOp()", "2: pattern _[a-c]X: [a-c] is not a set of digits such as [1-5]"),
        ("[c]\nexten => _[12X,1,NoOp()", "2: pattern _[12X: '[' without ']'"),
        ("[c]\nexten => 1 2,1,NoOp()", "2: '1 2' is not an extension (digits, letters, * # + -) or a pattern (_…)"),
        ("[c]\nexten => 1,1,Goto(nowhere,1,1)", "2: jumps to [nowhere], which no file defines"),
        ("[c]\nexten => 1,1,Goto(2,1)", "2: jumps to 2 in [c], which has no such extension"),
        ("[c]\nexten => 1,1,Goto(5)", "2: jumps to priority 5 of 1 in [c], which it does not have"),
        ("[c]\nexten => 1,1,GotoIf($[1]?yes:no)\n same => n(yes),NoOp()", "2: jumps to label no in 1 of [c], which has no such label"),
        ("[c]\nexten => 1,1,Gosub(c,9,1(x))", "2: jumps to 9 in [c], which has no such extension"),
        ("[c]\nexten => 1,1,Dail(PJSIP/1,30)", "2: no application Dail in Asterisk 20.20.1 (did you mean Dial?)"),
        ("[c]\nexten => 1,1,NoOp(${CALERID(num)})", "2: no function CALERID in Asterisk 20.20.1"),
        ("[c]\nexten => 1,1,Set(LANG(x)=en)", "2: no function LANG in Asterisk 20.20.1"),
        ("[c]\nexten => 1,1,NoOp(${EXTEN)", "2: ${ without its closing }"),
        ("[c]\nexten => 1,1,Set(A=$[1+2)", "2: $[ without its closing ]"),
        ("[c]\nexten => 1,1,NoOp(${A]})", "2: ']' closes what '}' should: unbalanced ${…} or $[…]"),
        ("[c]\ninclude => other", "2: include => other: no such context"),
        ("[c]\nexten => 1,1(a),NoOp()\n same => n(a),NoOp()", "3: label a is used twice in 1 of [c]"),
    ])
    func eachProblemIsNamedAtItsLine(_ text: String, _ expected: String) {
        #expect(Self.problems(text) == [expected])
    }

    @Test func contextsDefinedElsewhereMayBeNamed() {
        #expect(Self.problems("[c]\ninclude => default\nexten => 1,1,Goto(default,s,1)", known: ["default"]) == [])
    }

    @Test func patternsMatchAsAsteriskMatchesThem() {
        #expect(DialplanChecker.matches("4008001234", pattern: "_X."))
        #expect(!DialplanChecker.matches("4", pattern: "_X."))
        #expect(DialplanChecker.matches("212", pattern: "_NXX"))
        #expect(!DialplanChecker.matches("112", pattern: "_NXX"))
        #expect(DialplanChecker.matches("35", pattern: "_[1-5]X"))
        #expect(!DialplanChecker.matches("65", pattern: "_[1-5]X"))
        #expect(DialplanChecker.matches("+8613800138000", pattern: "_[+0-9]."))
        #expect(DialplanChecker.matches("s", pattern: "s"))
    }

    @Test func theCatalogKnowsAsterisk20() {
        let catalog = AsteriskCatalog.asterisk20
        for app in ["Dial", "AGI", "MixMonitor", "ChanSpy", "ConfBridge", "Queue", "GotoIf", "gosub"] { #expect(catalog.hasApplication(app), "\(app)") }
        for function in ["CALLERID", "CHANNEL", "IF", "PJSIP_HEADER", "PJSIP_SEND_SESSION_REFRESH", "DEVICE_STATE", "HINT"] { #expect(catalog.hasFunction(function), "\(function)") }
        #expect(!catalog.hasApplication("Monitor2"))
        #expect(catalog.suggestion(forApplication: "Hangpu") == "Hangup")
    }
}

@Suite struct ManagerUsersTests {
    @Test func aSnippetOfUsersIsReadAndItsMistakesNamed() {
        let good = ManagerUsers(name: "m.conf", lines: ["; Switchboard", "[switchboard]", "secret = x", "permit = 127.0.0.1/255.255.255.255", "read = all", "write = all"])
        #expect(good.users == ["switchboard"] && good.problems.isEmpty)
        let bad = ManagerUsers(name: "m.conf", lines: ["secret = x", "[general]", "[sb", "[sb]", "wirte = all", "read all"])
        #expect(bad.problems.map { "\($0.line): \($0.message)" } == [
            "1: 'secret' comes before any [user]", "2: [general] belongs to manager.conf itself, not to a snippet of users", "3: a user is written [name]",
            "5: 'wirte' is not a manager user's setting (acl, allowmultiplelogin, channelvars, deny, displayconnects, eventfilter, permit, read, secret, setvar, timestampevents, write, writetimeout)",
            "6: 'read all' is not KEY = VALUE",
        ])
    }
}

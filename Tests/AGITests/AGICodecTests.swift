import TestSupport
import Testing
@testable import AGI

@Suite struct AGICodecTests {
    @Test(arguments: [
        "plain", "two words", "", "quote \" inside", "back\\slash", "trailing\\", "\"", "tab\there",
        "${CALLERID(num)}", "Local/1010@agents,20,S(3)", "中文 提示", "a\\\"b",
    ])
    func quotedArgumentsSurviveAsteriskParsing(value: String) throws {
        let command = AGICommand("SET VARIABLE", [.bare("X"), .quoted(value), .bare("")])
        let line = String(decoding: try command.encoded().dropLast(), as: UTF8.self)
        #expect(parseAGIArguments(line) == ["SET", "VARIABLE", "X", value, ""])
    }

    @Test func asteriskParsingRules() {
        #expect(parseAGIArguments(#"STREAM FILE hello-world """#) == ["STREAM", "FILE", "hello-world", ""])
        #expect(parseAGIArguments(#"SET VARIABLE "SPACED VAR" "value with spaces""#) == ["SET", "VARIABLE", "SPACED VAR", "value with spaces"])
        #expect(parseAGIArguments("EXEC  Wait\t12 ") == ["EXEC", "Wait", "12"])
        #expect(parseAGIArguments(#"VERBOSE a\ b"#) == ["VERBOSE", "a b"])
        #expect(parseAGIArguments(#"X ab"cd ef"g"#) == ["X", "abcd efg"])
    }

    @Test func linesAsteriskCannotReadAreRefused() throws {
        #expect(throws: AGIError.unencodable(command: "VERBOSE", reason: "an argument contains a line break")) {
            try AGICommand("VERBOSE", [.quoted("two\nlines")]).encoded()
        }
        let long = AGICommand("VERBOSE", [.quoted(String(repeating: "x", count: 2100))])
        #expect(throws: AGIError.self) { try long.encoded() }
        let fits = AGICommand("VERBOSE", [.quoted(String(repeating: "x", count: 2037))])
        let encodedCount = try fits.encoded().count
        #expect(encodedCount == 2048)
    }

    /// Every reply line Asterisk sent in the transcripts parses, and into what it says.
    @Test func everyRecordedReplyParses() throws {
        var parsed = 0
        for name in try Transcript.names(prefix: "agi-") {
            var inEnvironment = true
            var parser = AGIReplyParser()
            let bytes = try Transcript(name).binFile(.fromAsterisk)
            for raw in bytes.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast() {
                let line = String(decoding: raw, as: UTF8.self)
                if inEnvironment {
                    inEnvironment = !line.isEmpty
                    continue
                }
                if line == "HANGUP", parser.isBetweenReplies { continue }
                if let reply = try parser.feed(ArraySlice(raw)) {
                    parsed += 1
                    #expect([200, 510, 511, 520].contains(reply.code), "\(name): \(line)")
                }
            }
            #expect(parser.isBetweenReplies, "\(name) ends between replies")
        }
        #expect(parsed > 100)
    }

    @Test func replyShapes() throws {
        func parse(_ line: String) throws -> AGIReply {
            var parser = AGIReplyParser()
            return try #require(try parser.feed(ArraySlice(line.utf8)))
        }
        #expect(try parse("200 result=0 endpos=11234") == AGIReply(code: 200, result: "0", endpos: 11234))
        #expect(try parse("200 result=-1 endpos=0") == AGIReply(code: 200, result: "-1", endpos: 0))
        #expect(try parse("200 result= (timeout)") == AGIReply(code: 200, result: "", data: "timeout"))
        #expect(try parse("200 result=12 (timeout)") == AGIReply(code: 200, result: "12", data: "timeout"))
        #expect(try parse("200 result=1 (a (nested) value)").data == "a (nested) value")
        #expect(try parse("200 result=1 (value with endpos=3 inside)").data == "value with endpos=3 inside")
        #expect(try parse("200 result=0 (timeout) endpos=8000") == AGIReply(code: 200, result: "0", data: "timeout", endpos: 8000))
        #expect(try parse("200 result=1 ()").data == "")
        #expect(try parse("511 Command Not Permitted on a dead channel or intercept routine").code == 511)
        #expect(try parse("510 Invalid or unknown command").message == "Invalid or unknown command")
        for garbage in ["HELLO", "20", "200result=1", "200 nothing", "9999 x", ""] {
            #expect(throws: AGIError.self, "\(garbage)") { try parse(garbage) }
        }
    }

    @Test func environmentFieldsAndScript() throws {
        var environment = AGIEnvironment(pairs: [])
        let lines = [
            "agi_network_script: ivr/main?lang=zh&vip=yes&note=a%20b+c",
            "agi_callerid: unknown", "agi_accountcode: ", "agi_arg_1: one", "agi_arg_2: ", "agi_arg_3: three",
        ]
        for (index, line) in lines.enumerated() { try environment.append(line: ArraySlice(line.utf8), number: index + 1) }
        #expect(environment.script.path == "ivr/main")
        #expect(environment.script.parameter("lang") == "zh")
        #expect(environment.script.parameter("note") == "a b c")
        #expect(environment.callerIDNumber == nil)
        #expect(environment.accountCode == nil)
        #expect(environment.arguments == ["one", "", "three"])
        #expect(throws: AGIError.malformedEnvironment(line: 7, text: "GET VARIABLE X")) {
            try environment.append(line: ArraySlice("GET VARIABLE X".utf8), number: 7)
        }
    }
}

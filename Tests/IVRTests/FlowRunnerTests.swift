import Core
import Foundation
@testable import IVR
import Testing

@Suite struct FlowRunnerTests {
    static let menuFlow = """
        [flow]
        start = main
        on-error = sorry
        [main]
        type = menu
        prompt = custom/welcome&custom/main-menu
        options = 1 => sales, 2 => card, 0 => operator
        timeout = 5
        retries = 2
        invalid = invalid
        timeout-prompt = custom/please-choose
        exhausted = operator
        [sales]
        type = queue
        queue = sales
        skills = sales:2
        priority = 5
        next = voicemail
        [card]
        type = collect
        prompt = custom/enter-card
        variable = CARD
        min = 16
        max = 19
        check = luhn
        sensitive = yes
        retries = 2
        exhausted = operator
        next = thanks
        [thanks]
        type = say
        digits = ${CALLERID(num)}
        next = bye
        [bye]
        type = hangup
        prompt = vm-goodbye
        [operator]
        type = transfer
        target = PJSIP/operator
        fallback = voicemail
        [voicemail]
        type = voicemail
        max = 60
        next = bye
        [sorry]
        type = play
        prompt = sorry
        next = operator
        """

    @Test func aMenuChoiceReachesItsQueue() async throws {
        let folder = try FlowFolder(["main.conf": Self.menuFlow])
        let services = RecordingServices()
        let channel = ScriptedChannel(keys: ["1"])
        let outcome = await run(try folder.flow("main"), channel, services)
        // The call is answered before anything plays: AGI() leaves it ringing.
        #expect(channel.heard.prefix(2) == ["answer", "play custom/welcome"])
        #expect(outcome.result == .queued)
        #expect(outcome.path == ["main:main", "main:sales"])
        #expect(outcome.variables["AGENT"] == "1001")
        #expect(services.events.contains("enqueue sales priority 5"))
        #expect(services.events.contains("choice main:main, key 1"))
    }

    @Test func wrongKeysAndSilenceRetryThenGoWhereTheMenuSays() async throws {
        let folder = try FlowFolder(["main.conf": Self.menuFlow])
        let channel = ScriptedChannel(keys: ["7", nil])
        let outcome = await run(try folder.flow("main"), channel)
        #expect(channel.heard.contains("play invalid"))
        #expect(outcome.path == ["main:main", "main:operator"])
        #expect(outcome.result == .transferred)
    }

    @Test func sensitiveDigitsAreMaskedAndLuhnChecked() async throws {
        let folder = try FlowFolder(["main.conf": Self.menuFlow])
        let services = RecordingServices()
        // First card number fails the Luhn check, the second passes.
        let channel = ScriptedChannel(keys: ["2", "4111111111111112#", "4111111111111111#"])
        let outcome = await run(try folder.flow("main"), channel, services)
        #expect(outcome.path == ["main:main", "main:card", "main:thanks", "main:bye"])
        #expect(outcome.variables["CARD"] == nil)
        #expect(services.events.contains("input main:card, CARD = ****************"))
        #expect(!services.events.joined().contains("4111"))
        #expect(channel.heard.contains("say digits 13800138000"))
        #expect(channel.heard.last == "hangup")
    }

    @Test func withoutOnErrorTheCallerIsApologisedToAndSentToTheOperator() async throws {
        let folder = try FlowFolder(["loop.conf": """
            [flow]
            start = a
            operator = PJSIP/desk
            max-steps = 5
            [a]
            type = goto
            target = b
            [b]
            type = set
            X = 1
            next = a
            """])
        let channel = ScriptedChannel()
        let outcome = await run(try folder.flow("loop"), channel)
        #expect(outcome.result == .operator)
        #expect(channel.heard == ["answer", "set X=1", "set X=1", "play sorry", "dial PJSIP/desk"])
    }

    /// Opening hours are the call center's ([general] timezone), not the server's: 08:00 UTC
    /// is 16:00 in Shanghai, inside 09:00-18:00; the operator is the configured one.
    @Test func hoursAreReadInTheCallCentersTimeZone() async throws {
        let folder = try FlowFolder(["main.conf": """
            [flow]
            start = hours
            [hours]
            type = condition
            when = 09:00-18:00
            then = open
            else = closed
            [open]
            type = transfer
            target = ${OPERATOR}
            [closed]
            type = hangup
            """])
        let services = RecordingServices()
        services.operatorTarget = "SIP/operator"
        let utc = await run(try folder.flow("main"), ScriptedChannel(), services)
        #expect(utc.path == ["main:hours", "main:closed"])
        services.timeZone = TimeZone(identifier: "Asia/Shanghai")!
        let channel = ScriptedChannel()
        let shanghai = await run(try folder.flow("main"), channel, services)
        #expect(shanghai.path == ["main:hours", "main:open"])
        #expect(channel.heard.last == "dial SIP/operator")
    }

    @Test func conditionsOnHoursHolidaysTierAndCaller() throws {
        func context(weekday: Int, minute: Int, date: String = "2026-11-24", tier: Int = 0, caller: String? = "13800138000") -> Condition.Context {
            Condition.Context(weekday: weekday, minuteOfDay: minute, date: date, holidays: ["2026-12-25"], callerNumber: caller,
                              customerFound: tier > 0, tier: tier, language: "zh", variables: ["BALANCE": "120", "CODE": "abc"])
        }
        let office = try Condition(parsing: "weekdays, 09:00-18:00, not holiday")
        #expect(office.holds(in: context(weekday: 2, minute: 10 * 60)))
        #expect(!office.holds(in: context(weekday: 2, minute: 18 * 60)))
        #expect(!office.holds(in: context(weekday: 6, minute: 10 * 60)))
        #expect(!office.holds(in: context(weekday: 5, minute: 10 * 60, date: "2026-12-25")))
        #expect(try Condition(parsing: "22:00-06:00").holds(in: context(weekday: 1, minute: 23 * 60)))
        #expect(try Condition(parsing: "sat-mon").holds(in: context(weekday: 0, minute: 0)))
        #expect(try Condition(parsing: "tier >= 2, vip").holds(in: context(weekday: 1, minute: 0, tier: 3)))
        #expect(!(try Condition(parsing: "tier >= 2").holds(in: context(weekday: 1, minute: 0, tier: 1))))
        #expect(try Condition(parsing: "caller = 138*").holds(in: context(weekday: 1, minute: 0)))
        #expect(!(try Condition(parsing: "caller = 139*").holds(in: context(weekday: 1, minute: 0, caller: nil))))
        #expect(try Condition(parsing: "${BALANCE} > 100, ${CODE} = abc, language = zh").holds(in: context(weekday: 1, minute: 0)))
        for bad in ["9:00-25:00", "someday", "tier >= many", "colour = red"] {
            #expect(throws: ConditionError.self, "\(bad)") { try Condition(parsing: bad) }
        }
    }

    @Test func lookupSurveySubflowAndLanguage() async throws {
        let folder = try FlowFolder([
            "main.conf": """
                [flow]
                start = who
                [who]
                type = lookup
                found = greet
                not-found = bye
                [greet]
                type = set
                language = ${CUSTOMER_LANGUAGE}
                GREETING = hello ${CUSTOMER_NAME}
                next = status
                [status]
                type = subflow
                flow = status
                return = survey
                [survey]
                type = survey
                questions = custom/q1&custom/q2
                next = bye
                [bye]
                type = hangup
                """,
            "status.conf": """
                [flow]
                start = tell
                [tell]
                type = play
                prompt = custom/outcome-${LAST_CALL_OUTCOME}
                """,
        ])
        let services = RecordingServices()
        services.customers["13800138000"] = Customer(id: 7, name: "Zhou Min", vipTier: 2, language: "zh")
        services.lastCallOutcome = "answered"
        services.flows["status"] = try folder.flow("status")
        let channel = ScriptedChannel(keys: ["5", "9", "4"])
        let outcome = await run(try folder.flow("main"), channel, services)
        #expect(outcome.path == ["main:who", "main:greet", "main:status", "status:tell", "main:survey", "main:bye"])
        #expect(channel.heard.contains("language zh"))
        #expect(channel.heard.contains("set GREETING=hello Zhou Min"))
        #expect(channel.heard.contains("play custom/outcome-answered"))
        // 9 is not an answer 1-5: the question is asked again, and 4 counts.
        #expect(services.surveys == [[5, 4]])
    }

    @Test func aCallerHangingUpEndsTheFlowQuietly() async throws {
        let folder = try FlowFolder(["main.conf": Self.menuFlow])
        let outcome = await run(try folder.flow("main"), ScriptedChannel(keys: []))
        #expect(outcome.result == .callerHungUp)
        #expect(outcome.path == ["main:main"])
    }
}

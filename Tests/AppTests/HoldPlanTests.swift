import Core
import Testing
@testable import App

/// The queue hold's timing, driven by the time passed in: no sockets, no sleeping.
@Suite struct HoldPlanTests {
    static let rules = HoldPlan.Rules(
        maxWait: 600, announceEvery: 30, exitAfter: 60, exitPrompt: "custom/queue-voicemail-offer", callbackKey: "#", callbackAfter: 120,
        callbackPrompt: "custom/queue-callback-offer", canWake: true
    )

    @Test func announcementsOffersMusicAndWaitsFollowTheClock() {
        var plan = HoldPlan(Self.rules)
        #expect(plan.next(waited: 0, offered: false) == .music)
        // Until the first announcement, half a period in.
        #expect(plan.next(waited: 0.2, offered: false) == .wait(14.8))
        #expect(plan.next(waited: 15, offered: false) == .announcePosition)
        #expect(plan.next(waited: 18, offered: false) == .music)
        #expect(plan.next(waited: 18, offered: false) == .wait(27))
        #expect(plan.next(waited: 45, offered: false) == .announcePosition)
        #expect(plan.next(waited: 48, offered: false) == .music)
        #expect(plan.next(waited: 48, offered: false) == .wait(12))
        #expect(plan.next(waited: 60, offered: false) == .tell("custom/queue-voicemail-offer"))
        #expect(plan.next(waited: 64, offered: false) == .music)
        #expect(plan.next(waited: 64, offered: false) == .wait(11))
        // A late step gets one announcement, and the next one a whole period on.
        #expect(plan.next(waited: 140, offered: false) == .announcePosition)
        #expect(plan.next(waited: 141, offered: false) == .tell("custom/queue-callback-offer"))
        #expect(plan.next(waited: 143, offered: false) == .music)
        #expect(plan.next(waited: 143, offered: false) == .wait(22))
    }

    @Test func anAgentChosenRingsAtOnceAndTheMusicStartsAgainAfter() {
        var plan = HoldPlan(Self.rules)
        #expect(plan.next(waited: 0, offered: false) == .music)
        #expect(plan.musicOn)
        #expect(plan.next(waited: 3, offered: true) == .ring)
        #expect(!plan.musicOn)
        #expect(plan.next(waited: 10, offered: false) == .music)
    }

    /// Keys and prompts count as waiting: the limit is reached on the clock, however busy the caller was.
    @Test func theWaitLimitIsOnTheClockNotOnSilentSteps() {
        var plan = HoldPlan(Self.rules)
        for second in stride(from: 0.0, to: 600, by: 7) {
            _ = plan.heard("5")
            if case .leave = plan.next(waited: second, offered: false) { Issue.record("left at \(second) s") }
        }
        #expect(plan.next(waited: 600, offered: false) == .leave(.timeout))
    }

    /// A key counts once its offer was told: read late (a loaded machine, a long prompt), a key
    /// pressed before the offer still does nothing.
    @Test func keysWorkOnceTheirOffersWereTold() {
        var plan = HoldPlan(Self.rules)
        #expect(plan.next(waited: 0, offered: false) == .music)
        #expect(plan.heard("*") == nil)
        #expect(plan.next(waited: 15, offered: false) == .announcePosition)
        #expect(plan.heard("*") == nil)
        #expect(plan.next(waited: 60, offered: false) == .announcePosition)
        #expect(plan.heard("*") == nil)
        #expect(plan.next(waited: 60, offered: false) == .tell("custom/queue-voicemail-offer"))
        #expect(plan.heard("*") == .leave(.key))
        #expect(plan.heard("#") == nil)
        #expect(plan.next(waited: 61, offered: false) == .music)
        #expect(plan.next(waited: 120, offered: false) == .announcePosition)
        #expect(plan.heard("#") == nil)
        #expect(plan.next(waited: 120, offered: false) == .tell("custom/queue-callback-offer"))
        #expect(plan.heard("#") == .callBack)
        #expect(plan.heard("1") == nil)
        #expect(plan.keys == "*#")
        var open = Self.rules
        open.exitAfter = nil
        open.callbackAfter = nil
        #expect(HoldPlan(open).heard("*") == .leave(.key))
        #expect(HoldPlan(open).heard("#") == .callBack)
    }

    /// A channel that cannot be woken is looked at every second; a long quiet wait is cut to five minutes.
    @Test func waitsAreBounded() {
        var rules = Self.rules
        rules.canWake = false
        var plan = HoldPlan(rules)
        _ = plan.next(waited: 0, offered: false)
        #expect(plan.next(waited: 0, offered: false) == .wait(1))
        rules = Self.rules
        rules.announceEvery = 0
        rules.exitAfter = nil
        rules.callbackAfter = nil
        rules.maxWait = 3600
        plan = HoldPlan(rules)
        _ = plan.next(waited: 0, offered: false)
        #expect(plan.next(waited: 0, offered: false) == .wait(300))
        #expect(plan.next(waited: 3599.99, offered: false) == .wait(0.02))
    }
}

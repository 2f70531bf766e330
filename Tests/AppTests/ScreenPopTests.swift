import Testing
@testable import App

/// The caller's name on the agent's phone: tier, name and open ticket within the display.
@Suite struct ScreenPopTests {
    @Test func tierNameAndTicketFitTheDisplayWithTheNameGivingWay() {
        #expect(ScreenPop.callerName(name: "Li Wei", tier: 2, ticket: "T-000123") == "VIP2 Li Wei T-000123")
        #expect(ScreenPop.callerName(name: "Li Wei", tier: 0, ticket: nil) == "Li Wei")
        #expect(ScreenPop.callerName(name: "Li Wei", tier: 3, ticket: nil) == "VIP3 Li Wei")
        #expect(ScreenPop.callerName(name: nil, tier: 0, ticket: "T-000123") == "T-000123")
        #expect(ScreenPop.callerName(name: nil, tier: 0, ticket: nil) == nil)
        // 24 characters: the name is cut, the tier and the ticket stay whole.
        #expect(ScreenPop.callerName(name: "Alexandra Konstantinopoulou", tier: 1, ticket: "T-004567") == "VIP1 Alexandra T-004567")
        #expect(ScreenPop.callerName(name: "Alexandra Konstantinopoulou", tier: 0, ticket: nil) == "Alexandra Konstantinopou")
        #expect(ScreenPop.callerName(name: "Zhou", tier: 9, ticket: "T-12345678901234567", width: 24) == "VIP9 T-12345678901234567")
    }
}

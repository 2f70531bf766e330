import Config
import Core
import Foundation
import Testing
@testable import IVR

/// The flows' ticket nodes: a ticket made from an IVR choice, and a caller told their ticket's status.
@Suite struct TicketNodeTests {
    static let flow = """
        [flow]
        start = menu
        [menu]
        type = menu
        prompt = custom/main-menu
        options = 1 => fault, 2 => status
        [fault]
        type = ticket
        subject = Fault reported by ${CALLERID(num)}
        category = fault
        priority = high
        queue = support
        next = told
        [told]
        type = say
        digits = ${TICKET_DIGITS}
        next = bye
        [status]
        type = ticket-status
        found = bye
        not-found = bye
        [bye]
        type = hangup
        """

    @Test func aFaultChoiceMakesATicketAndSaysItsNumber() async throws {
        let folder = try FlowFolder(["main.conf": Self.flow])
        let services = RecordingServices()
        let channel = ScriptedChannel(keys: ["1"])
        let outcome = await run(try folder.flow("main"), channel, services)
        let ticket = try #require(services.tickets.first)
        #expect(ticket.subject == "Fault reported by 13800138000" && ticket.category == "fault" && ticket.priority == .high)
        #expect(ticket.assignee == .queue("support") && ticket.phone == "13800138000" && ticket.createdBy == "flow:main")
        #expect(ticket.calls == [TicketCall(uniqueID: "1795470000.1", rule: "flow:main/fault", at: services.clock)])
        #expect(outcome.variables["TICKET"] == "T-000001")
        #expect(channel.heard.contains("say digits 1"))
        #expect(services.events.contains("ticket T-000001 created: Fault reported by 13800138000"))
    }

    @Test func aCallerHearsTheirTicketsStatusAndDueTime() async throws {
        let folder = try FlowFolder(["main.conf": Self.flow])
        let services = RecordingServices()
        var open = try #require(try await services.createTicket(TicketDraft(subject: "Router", phone: "13800138000", createdBy: "user:ana")))
        open.resolutionDue = Date(timeIntervalSince1970: 1_795_700_000)
        services.tickets = [open]
        // Nothing keyed: the caller's own open ticket.
        let channel = ScriptedChannel(keys: ["2", ""])
        let outcome = await run(try folder.flow("main"), channel, services)
        #expect(outcome.variables["TICKET_STATUS"] == "new")
        let told = channel.heard.drop { $0 != "play custom/ticket-enter-number" }
        #expect(Array(told.prefix(8)) == [
            "play custom/ticket-enter-number", "keys ", "play custom/ticket-number-is", "say digits 1", "play custom/ticket-new",
            "play custom/ticket-due-by", "say date 1795700000", "say time 1795700000",
        ])
        // A number that is not theirs (or no such): not found.
        let stranger = ScriptedChannel(number: "13900000000", keys: ["2", "1#"])
        _ = await run(try folder.flow("main"), stranger, services)
        #expect(stranger.heard.contains("play custom/ticket-not-found"))
    }

    @Test func aBadPriorityIsNamedAtItsLine() throws {
        let folder = try FlowFolder(["main.conf": Self.flow.replacingOccurrences(of: "priority = high", with: "priority = soon")])
        #expect(throws: ConfigError.self) { try folder.flow("main") }
        let (_, diagnostics) = FlowLoader.load(file: folder.path + "/main.conf")
        #expect(diagnostics.contains { $0.description.contains("main.conf:11: node [fault]: priority 'soon' is not one of low, normal, high, urgent") })
    }
}

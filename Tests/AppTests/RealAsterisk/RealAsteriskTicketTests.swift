import AMI
import Core
import Foundation
import Store
import Testing

/// Tickets from real calls on the real Asterisk.
extension RealAsteriskTests {
    static let ticketsFile = """
        [general]
        business_hours = main/hours
        check_every = 1s
        [abandoned]
        [voicemail]
        [wrapup]
        1 = solve
        [survey]
        after = 0s
        tries = 1
        [sla-any]
        resolution = 4h
        """

    /// An abandon and a voicemail make a ticket each (the WAV linked and on disk), a short
    /// abandon none; a restart makes no duplicate; the abandoned caller's next call shows the
    /// ticket on the agent's phone, the agent's *55 code solves it, and its survey call is
    /// placed; a caller hears their ticket's status in the self-service flow.
    @Test func ticketsFromRealCalls() async throws {
        try await withCenter(operatorTarget: "Local/1099@agents", tickets: Self.ticketsFile) { center in
            let added = try await center.command(["customers", "add", "--name", "Vera Vip", "--phone", "13900000081", "--vip", "2", "--language", "en"])
            #expect(added.code == 0, "\(added.err)")
            try await center.call(from: "13900000081", as: "hangup-after", extra: [("HANGUP_AFTER", "10")])
            try await center.call(from: "13800000083", digits: "2ww1")
            try await center.call(from: "13800000084", digits: "2ww0", callerContext: "caller-stays")
            let short = try await center.flowChannel(of: "13900000081")
            let abandoned = try await center.flowChannel(of: "13800000083")
            let voicemail = try await center.flowChannel(of: "13800000084")
            for channel in [short, abandoned, voicemail] { try await center.hungUp(channel, seconds: 90) }
            _ = try await center.finishedCall(from: "13800000084")

            var tickets = try await Self.tickets(center, count: 2)
            #expect(tickets.count == 2, "\(tickets.map { "\($0.number) \($0.phone ?? "")" })")
            let missed = try #require(tickets.first { $0.phone == "13800000083" })
            let message = try #require(tickets.first { $0.phone == "13800000084" })
            #expect(missed.queue == "sales" && missed.category == "abandoned" && missed.calls.count == 1)
            #expect(missed.subject.hasPrefix("Call back 13800000083: hung up in sales after "))
            let file = try #require(message.files.first)
            #expect(file.kind == .voicemail && FileManager.default.fileExists(atPath: file.path), "\(file.path)")

            // A restart makes no second ticket of the same calls.
            try await center.restartServer()
            try await Task.sleep(for: .seconds(2))
            #expect(try await Self.tickets(center, count: 2).count == 2)

            // The abandoned caller again, answered by 1001: their ticket on the agent's phone.
            try await center.login("1001")
            try await center.call(from: "13800000083", digits: "2ww1", talkSeconds: 3)
            let again = try await center.flowChannel(of: "13800000083", besides: [abandoned])
            let leg = try await center.waitForDial(from: again, to: "Local/1001@agents")
            let shown = try await center.wait("the agent leg's caller name", seconds: 20) { items in
                items.lazy.compactMap { item -> String? in
                    if case .dialBegin(_, let destination, _) = item.event.kind, destination.channel == leg { return destination.connectedLineName }
                    return nil
                }.first
            }
            #expect(shown.hasSuffix(missed.number), "\(shown)")
            try await center.hungUp(again, seconds: 60)
            _ = try await center.finishedCall(from: "13800000083")

            // *55 from the agent's phone, code 1: the ticket is solved by the agent, and its survey call placed.
            try await center.send(.originate(
                channel: "Local/*55@agent-phones", context: "caller", exten: "s", priority: 1, callerID: "\"Li\" <1001>",
                timeout: .seconds(30), variables: [("DIGITS", "1001#ww1001#ww1#"), ("DTMF_DELAY", "1")]
            ))
            var ticket: Ticket?
            let deadline = ContinuousClock.now + .seconds(30)
            while ContinuousClock.now < deadline {
                ticket = try await Self.ticket(center, missed.id)
                if ticket?.status == .solved { break }
                try await Task.sleep(for: .milliseconds(200))
            }
            #expect(ticket?.status == .solved, "\(center.serverLog.suffix(1500))")
            let history = try await Self.history(center, missed.id)
            #expect(history.contains { $0.who == "agent:1001" && $0.field == "status" && $0.new == "solved" })
            let surveyID = "ticket-survey-\(missed.id)-1"
            let surveyed = try await center.wait("the survey call", seconds: 30) { items in
                items.lazy.compactMap { item -> String? in
                    if case .agiExecStart(let channel, _, _) = item.event.kind, channel.uniqueID == surveyID { return channel.channel }
                    return nil
                }.first
            }
            #expect(surveyed.hasPrefix("Local/13800000083@callee"), "\(surveyed)")

            // The voicemail caller asks for their ticket's status: menu 3, then # for their newest open ticket.
            try await center.call(from: "13800000084", digits: "2ww3" + String(repeating: "ww#", count: 14), callerContext: "caller-stays")
            let asking = try await center.flowChannel(of: "13800000084", besides: [voicemail])
            try await center.wait("the ticket's status", seconds: 40) { _ in
                center.commands(on: asking).contains { $0.hasPrefix("STREAM FILE custom/ticket-new") } ? true : nil
            }
            let said = center.commands(on: asking)
            #expect(said.contains { $0.hasPrefix("STREAM FILE custom/ticket-number-is") })
            #expect(said.contains { $0 == "SAY DIGITS \(message.id) \"\"" }, "\(said)")
            tickets = try await Self.tickets(center, count: 2)
            #expect(tickets.count == 2)
        }
    }

    static func tickets(_ center: LabCenter, count: Int) async throws -> [Ticket] {
        let store = try await Store.open(path: center.folder + "/sb.db", readOnly: true)
        defer { store.close() }
        var found: [Ticket] = []
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            found = try await store.tickets(TicketFilter())
            if found.count >= count { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        return found
    }

    static func ticket(_ center: LabCenter, _ id: Int64) async throws -> Ticket? {
        let store = try await Store.open(path: center.folder + "/sb.db", readOnly: true)
        defer { store.close() }
        return try await store.ticket(id: id)
    }

    static func history(_ center: LabCenter, _ id: Int64) async throws -> [TicketChange] {
        let store = try await Store.open(path: center.folder + "/sb.db", readOnly: true)
        defer { store.close() }
        return try await store.ticketHistory(id: id)
    }
}

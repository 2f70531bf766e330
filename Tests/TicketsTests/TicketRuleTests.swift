import Core
import Foundation
import Testing
@testable import Tickets

/// Which ended calls become tickets, what they say, and the status and number rules.
@Suite struct TicketRuleTests {
    static func call(_ outcome: CallOutcome, queue: String? = "support") -> CallRecord {
        var call = CallRecord(uniqueID: "1795460400.7", arrivedAt: Date(timeIntervalSince1970: 1_796_608_800))
        call.callerNumber = "13800138000"
        call.callerName = "Li Wei"
        call.queue = queue
        call.outcome = outcome
        call.waitSeconds = 41.6
        call.ringSeconds = 3
        call.customerID = 7
        call.endedAt = call.arrivedAt.addingTimeInterval(60)
        return call
    }

    @Test func onlyAbandonsVoicemailsCallbacksAndErrorsAreTickets() {
        #expect(TicketRule.trigger(of: Self.call(.abandoned)) == .abandoned)
        #expect(TicketRule.trigger(of: Self.call(.shortAbandoned)) == nil)
        #expect(TicketRule.trigger(of: Self.call(.answered)) == nil)
        #expect(TicketRule.trigger(of: Self.call(.voicemail)) == .voicemail)
        #expect(TicketRule.trigger(of: Self.call(.callback)) == .callback)
        #expect(TicketRule.trigger(of: Self.call(.error)) == .error)
        #expect(TicketRule.trigger(of: Self.call(.ivrOnly)) == nil)
    }

    @Test func anAbandonedCallsTicketNamesTheCallerQueueAndWait() {
        let rule = TicketRule(trigger: .abandoned, priority: .high, subject: "${NAME} (${CALLER}) left ${QUEUE} after ${WAIT} s, call ${UNIQUEID}")
        let draft = rule.draft(for: Self.call(.abandoned), steps: [], customerName: "Li Wei (VIP)")
        #expect(draft.subject == "Li Wei (VIP) (13800138000) left support after 45 s, call 1795460400.7")
        #expect(draft.category == "abandoned")
        #expect(draft.priority == .high)
        #expect(draft.assignee == .queue("support"))
        #expect(draft.customerID == 7 && draft.phone == "13800138000")
        #expect(draft.createdBy == "rule:abandoned")
        #expect(draft.call == TicketCall(uniqueID: "1795460400.7", rule: "abandoned", at: Self.call(.abandoned).endedAt!))
        #expect(draft.files.isEmpty)
    }

    @Test func aVoicemailTicketLinksItsWAV() {
        let steps = [CallEvent(.voicemail, detail: "/var/spool/switchboard/voicemail-1795460400.7 12 s")]
        let draft = TicketRule(trigger: .voicemail).draft(for: Self.call(.voicemail), steps: steps, customerName: nil)
        #expect(draft.files == [TicketFile(path: "/var/spool/switchboard/voicemail-1795460400.7.wav", kind: .voicemail)])
        #expect(draft.subject == "Voicemail from 13800138000")
        var recorded = Self.call(.abandoned)
        recorded.recording = "/var/spool/switchboard/support/1795460400.7.wav"
        #expect(TicketRule(trigger: .abandoned).draft(for: recorded, steps: [], customerName: nil).files == [TicketFile(path: "/var/spool/switchboard/support/1795460400.7.wav", kind: .recording)])
        let cut = [CallEvent(.voicemail, detail: "/tmp/voicemail-1.2 (the caller hung up)")]
        #expect(TicketRule(trigger: .voicemail).draft(for: Self.call(.voicemail), steps: cut, customerName: nil).files.map(\.path) == ["/tmp/voicemail-1.2.wav"])
    }

    @Test func statusChangesFollowTheLifeOfATicket() {
        #expect(TicketStatus.new.canChange(to: .open))
        #expect(TicketStatus.open.canChange(to: .pending))
        #expect(TicketStatus.pending.canChange(to: .open))
        #expect(TicketStatus.solved.canChange(to: .closed))
        #expect(TicketStatus.solved.canChange(to: .open))
        #expect(TicketStatus.closed.canChange(to: .open))
        #expect(!TicketStatus.closed.canChange(to: .pending))
        #expect(!TicketStatus.closed.canChange(to: .solved))
        #expect(!TicketStatus.open.canChange(to: .new))
        #expect(!TicketStatus.open.canChange(to: .open))
        #expect(TicketStatus.allCases.filter(\.isOpen) == [.new, .open, .pending])
    }

    @Test func numbersAreReadAloudAndKeyedIn() {
        #expect(TicketNumber.text(123) == "T-000123")
        #expect(TicketNumber.text(12_345_678) == "T-12345678")
        #expect(TicketNumber.id("T-000123") == 123)
        #expect(TicketNumber.id("t-123") == 123)
        #expect(TicketNumber.id("000123") == 123)
        for bad in ["", "T-", "T-12a", "-5", "0", "T-0", "１２３", "99999999999999999999"] { #expect(TicketNumber.id(bad) == nil, "\(bad)") }
        #expect(TicketPriority.normal.raised == .high && TicketPriority.urgent.raised == .urgent)
        #expect(TicketAssignee(parsing: "agent:1001") == .agent("1001"))
        #expect(TicketAssignee(parsing: "queue:support")?.description == "queue:support")
        #expect(TicketAssignee(parsing: "1001") == nil)
    }
}

/// Wrap-up codes as written in the tickets file.
@Suite struct WrapUpCodeTests {
    @Test func codesReadAsStatusesOrACreation() {
        #expect(WrapUpCode(parsing: "solve") == .status(.solved))
        #expect(WrapUpCode(parsing: "pending") == .status(.pending))
        #expect(WrapUpCode(parsing: "create fault high") == .create(category: "fault", priority: .high))
        #expect(WrapUpCode(parsing: "create billing") == .create(category: "billing", priority: .normal))
        for bad in ["", "solve now", "create", "create fault soon", "delete"] { #expect(WrapUpCode(parsing: bad) == nil, "\(bad)") }
    }
}

import Core
import Foundation
import Store

extension Store {
    /// The caller's latest call (or the one with `uniqueID`) once its record is finished: the
    /// ledger writes it after the call is over, through the store's journal.
    func finishedCall(number: String, uniqueID: String? = nil, within timeout: Duration = .seconds(10)) async throws -> CallRecord? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let calls = try callHistory(number: number, limit: 50)
            if let call = uniqueID.map({ id in calls.first { $0.uniqueID == id } }) ?? calls.first, call.outcome != nil { return call }
            try await Task.sleep(for: .milliseconds(10))
        }
        return nil
    }

    /// The kinds of the call's steps, in order.
    func stepKinds(of call: CallRecord) async throws -> [CallEvent.Kind] {
        try callEvents(callID: call.id!).map(\.kind)
    }
}

import Foundation
import Synchronization

/// Waking a holding flow the moment its caller's agent is chosen: AMI PlayDTMF of `D` with
/// `Receive: yes` ends the flow's WAIT FOR DIGIT. A digit that reaches the channel between two
/// of the flow's commands is dropped by res_agi (as a key pressed then is), so the wake is sent
/// again until the flow takes the offer — one at a time, each waiting for Asterisk's answer, so
/// that once the offer is taken no wake is still on its way to land during the agent's Dial.
extension RoutingService {
    struct Wake {
        var task: Task<Int, Never>
    }

    /// Sends wakes to `channel` until the flow holding `call` takes its offer: every 5 ms at
    /// first, then every 20 ms, for about 5 s; after that the flow finds the offer at its next
    /// announcement. The task returns how many wakes Asterisk queued.
    func wakeUntilTaken(_ call: Int, _ channel: String, in state: inout State) {
        guard let wake else { return }
        state.wakes[call]?.task.cancel()
        let task = Task<Int, Never> { [self] in
            var sent = 0
            for attempt in 0..<260 {
                guard !Task.isCancelled, self.state.withLock({ $0.offers[call] != nil }) else { break }
                // Not cancelled half-way: a wake is either queued and counted, or not sent.
                if await Task(operation: { await wake(channel) }).value { sent += 1 }
                do { try await Task.sleep(for: .milliseconds(attempt < 20 ? 5 : 20)) } catch { break }
            }
            return sent
        }
        state.wakes[call] = Wake(task: task)
    }
}

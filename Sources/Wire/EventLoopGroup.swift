import Foundation
import Synchronization

/// A fixed set of event loops, one per core by default, handed out in turn to new connections.
public final class EventLoopGroup: Sendable {
    /// The process-wide group; its threads start with the first use and live as long as the process.
    public static let shared = EventLoopGroup(count: ProcessInfo.processInfo.activeProcessorCount)

    public let loops: [EventLoop]
    private let turn = Atomic<Int>(0)

    public init(count: Int) {
        loops = (0..<max(1, count)).map { EventLoop(name: "switchboard-loop-\($0)") }
    }

    /// The loop for the next connection.
    public func next() -> EventLoop {
        loops[turn.add(1, ordering: .relaxed).oldValue % loops.count]
    }
}

import CLinux
import Core
import Foundation
import Glibc
import Synchronization

/// One thread that waits on epoll for its descriptors and runs the tasks that use them.
///
/// An event loop is also a `TaskExecutor`: a connection's task runs with the loop of its
/// descriptor as executor preference, so readiness resumes the task on the same thread, with no
/// cross-thread wakeup (the model of SwiftNIO's event loops). Tasks without that preference may
/// use the descriptors too; they are resumed on their own executor.
///
/// Each descriptor is registered once, edge-triggered, for both directions. A task that meets
/// `EAGAIN` calls `wait(for:on:until:)`: if an edge arrived since its last wait it returns at
/// once, otherwise it suspends until the next edge, its deadline (`ConnectionError.timedOut`),
/// cancellation, or deregistration (`ConnectionError.closed`). No thread per connection and no
/// syscall per wait: an idle connection costs one dictionary entry.
///
/// Code running on a loop must not block: blocking work (SQLite) belongs on its own executor.
public final class EventLoop: TaskExecutor, Sendable {

    public enum Interest: Int, Sendable {
        case read = 0
        case write = 1
    }

    /// A task waiting on one descriptor in one direction.
    private struct WaiterKey: Hashable {
        var fd: Int32
        var interest: Interest

        init(fd: Int32, interest: Interest) {
            self.fd = fd
            self.interest = interest
        }

        /// The key as a small integer, for the deadline queue.
        init(slot: Int) {
            fd = Int32(slot >> 1)
            interest = slot & 1 == 0 ? .read : .write
        }

        var slot: Int { Int(fd) << 1 | interest.rawValue }
    }

    private struct Registration {
        /// Carried in the epoll event with the descriptor: an event still in flight for a closed
        /// descriptor whose number was reused must not touch the new registration.
        var generation: UInt32
        var reader: UnsafeContinuation<Void, any Error>?
        var writer: UnsafeContinuation<Void, any Error>?
        /// An edge arrived while no task waited: the next wait returns at once.
        var readable = false
        var writable = false
        /// The peer closed (or the socket failed): reads never wait again, they return what is left
        /// and then end-of-file. Sticky, because no further edge will come.
        var peerClosed = false

        /// Removes and returns the task waiting for `interest`, if any.
        mutating func takeWaiter(_ interest: Interest) -> UnsafeContinuation<Void, any Error>? {
            switch interest {
            case .read:
                defer { reader = nil }
                return reader
            case .write:
                defer { writer = nil }
                return writer
            }
        }
    }

    private struct State {
        var registrations = DescriptorTable<Registration>()
        var nextGeneration: UInt32 = 1
        var deadlines = DeadlineQueue()
        /// The deadline the epoll thread sleeps toward; an earlier one must wake it.
        var sleepingUntil: MonotonicTime?
    }

    private struct JobQueue {
        var jobs: [UnownedJob] = []
        /// The loop is in (or about to enter) epoll_wait: an enqueue from another thread must wake it.
        var sleeping = false
    }

    private let epollFD: Int32
    private let wakeFD: Int32
    private let state = Mutex(State())
    private let queue = Mutex(JobQueue())

    public init(name: String = "switchboard-loop") {
        epollFD = epoll_create1(Int32(EPOLL_CLOEXEC))
        wakeFD = eventfd(0, Int32(EFD_NONBLOCK) | Int32(EFD_CLOEXEC))
        precondition(epollFD >= 0 && wakeFD >= 0, "epoll_create1/eventfd failed: errno \(errno)")
        var event = epoll_event()
        event.events = EPOLLIN.rawValue
        event.data.u64 = UInt64(UInt32(bitPattern: wakeFD))
        precondition(epoll_ctl(epollFD, EPOLL_CTL_ADD, wakeFD, &event) == 0)
        let thread = Thread { [self] in runLoop() }
        thread.name = name
        thread.start()
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        let mustWake = queue.withLock { queue -> Bool in
            queue.jobs.append(unowned)
            defer { queue.sleeping = false }
            return queue.sleeping
        }
        if mustWake { wakeLoop() }
    }

    /// Starts watching `fd` in both directions. Call once, before the first wait.
    public func register(_ fd: Int32) throws {
        let generation = state.withLock { state -> UInt32 in
            let generation = state.nextGeneration
            state.nextGeneration &+= 1
            state.registrations[fd] = Registration(generation: generation)
            return generation
        }
        var event = epoll_event()
        event.events = EPOLLIN.rawValue | EPOLLOUT.rawValue | EPOLLRDHUP.rawValue | EPOLLET.rawValue
        event.data.u64 = UInt64(generation) << 32 | UInt64(UInt32(bitPattern: fd))
        if epoll_ctl(epollFD, EPOLL_CTL_ADD, fd, &event) != 0 {
            let code = errno
            state.withLock { _ = $0.registrations.removeValue(forKey: fd) }
            throw SocketError(operation: "epoll_ctl(ADD, fd \(fd))", errno: code)
        }
    }

    /// Suspends until `fd` is ready for `interest`. At most one task waits per descriptor and interest.
    public func wait(for interest: Interest, on fd: Int32, until deadline: MonotonicTime?) async throws {
        // Fast path: an edge came since the last wait; no continuation needed.
        if state.withLock({ Self.consumeReadiness(interest, fd: fd, in: &$0) }) == true { return }
        let key = WaiterKey(fd: fd, interest: interest)
        // The executor-inheriting forms: the isolated ones hop to the generic executor and back
        // around the operation, and for a task that prefers its loop each hop is a runtime check
        // of that preference under the task's lock (two of them per wait, at every command).
        try await _unsafeInheritExecutor_withTaskCancellationHandler {
            try await _unsafeInheritExecutor_withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<Void, any Error>) in
                let outcome = state.withLock { state -> Result<Bool, any Error> in
                    // Checked under the lock: a cancellation handler running now waits for it,
                    // one that ran before has already set the flag.
                    if Task.isCancelled { return .failure(CancellationError()) }
                    guard let ready = Self.consumeReadiness(interest, fd: fd, in: &state) else {
                        return .failure(ConnectionError.closed)
                    }
                    if ready { return .success(true) }
                    var registration = state.registrations[fd]!
                    switch interest {
                    case .read:
                        precondition(registration.reader == nil, "two tasks reading fd \(fd)")
                        registration.reader = continuation
                    case .write:
                        precondition(registration.writer == nil, "two tasks writing fd \(fd)")
                        registration.writer = continuation
                    }
                    state.registrations[fd] = registration
                    guard let deadline else { return .success(false) }
                    state.deadlines.set(key.slot, at: deadline)
                    if state.sleepingUntil.map({ deadline < $0 }) ?? true {
                        state.sleepingUntil = deadline
                        wakeLoop()
                    }
                    return .success(false)
                }
                switch outcome {
                case .failure(let error): continuation.resume(throwing: error)
                case .success(let readyAlready): if readyAlready { continuation.resume() }
                }
            }
        } onCancel: {
            resume(key, throwing: CancellationError())
        }
    }

    /// Forgets `fd` and fails its waiters with `ConnectionError.closed`. Call right before
    /// close(2), so that a descriptor number the kernel hands out again is never confused with
    /// this one. The close takes the descriptor out of the epoll set (descriptors are opened
    /// close-on-exec and never duplicated, so the close is the last reference): no
    /// EPOLL_CTL_DEL, a syscall per connection saved. An event already on its way carries the
    /// old generation and is ignored.
    public func deregister(_ fd: Int32) {
        let removed = state.withLock { state -> Registration? in
            guard let registration = state.registrations.removeValue(forKey: fd) else { return nil }
            state.deadlines.remove(WaiterKey(fd: fd, interest: .read).slot)
            state.deadlines.remove(WaiterKey(fd: fd, interest: .write).slot)
            return registration
        }
        guard let removed else { return }
        removed.reader?.resume(throwing: ConnectionError.closed)
        removed.writer?.resume(throwing: ConnectionError.closed)
    }

    /// True (and cleared) if an edge for `interest` arrived with nobody waiting; nil if `fd` is unknown.
    private static func consumeReadiness(_ interest: Interest, fd: Int32, in state: inout State) -> Bool? {
        guard var registration = state.registrations[fd] else { return nil }
        let ready: Bool
        switch interest {
        case .read:
            ready = registration.readable || registration.peerClosed
            registration.readable = false
        case .write:
            ready = registration.writable
            registration.writable = false
        }
        if ready { state.registrations[fd] = registration }
        return ready
    }

    private func resume(_ key: WaiterKey, throwing error: any Error) {
        let continuation = state.withLock { state -> UnsafeContinuation<Void, any Error>? in
            guard var registration = state.registrations[key.fd] else { return nil }
            let continuation = registration.takeWaiter(key.interest)
            state.registrations[key.fd] = registration
            state.deadlines.remove(key.slot)
            return continuation
        }
        continuation?.resume(throwing: error)
    }

    private func wakeLoop() {
        var one: UInt64 = 1
        _ = Glibc.write(wakeFD, &one, 8)
    }

    private func runLoop() {
        let capacity = 512
        let events = UnsafeMutablePointer<epoll_event>.allocate(capacity: capacity)
        var timeout: Int32 = -1
        var ready: [(UnsafeContinuation<Void, any Error>, (any Error)?)] = []
        var batch: [UnownedJob] = []
        let executor = asUnownedTaskExecutor()
        while true {
            // Run what is queued, then poll: without waiting if more work came meanwhile.
            batch = queue.withLock { queue in
                swap(&queue.jobs, &batch)
                return batch
            }
            for job in batch { job.runSynchronously(on: executor) }
            batch.removeAll(keepingCapacity: true)
            var count = pollYielding(events, capacity: Int32(capacity))
            if count == 0 {
                // Nothing ready: sleep until an event, a deadline or a job from another thread.
                let sleepFor = queue.withLock { queue -> Int32? in
                    if !queue.jobs.isEmpty { return nil }
                    queue.sleeping = true
                    return timeout
                }
                if let sleepFor {
                    count = epoll_wait(epollFD, events, Int32(capacity), sleepFor)
                    queue.withLock { $0.sleeping = false }
                }
            }
            if count < 0 {
                precondition(errno == EINTR, "epoll_wait failed: errno \(errno)")
                continue
            }
            state.withLock { state in
                for index in 0..<Int(count) {
                    let data = events[index].data.u64
                    let fd = Int32(bitPattern: UInt32(truncatingIfNeeded: data))
                    if fd == wakeFD, data >> 32 == 0 {
                        var drained: UInt64 = 0
                        _ = Glibc.read(wakeFD, &drained, 8)
                        continue
                    }
                    Self.collectReady(
                        fd: fd, generation: UInt32(data >> 32), events: events[index].events, state: &state, into: &ready
                    )
                }
                let now = MonotonicTime.now()
                if let earliest = state.deadlines.earliest, earliest <= now {
                    for key in state.deadlines.popExpired(now: now).map(WaiterKey.init(slot:)) {
                        guard var registration = state.registrations[key.fd] else { continue }
                        let waiter = registration.takeWaiter(key.interest)
                        state.registrations[key.fd] = registration
                        let operation = key.interest == .read ? "read" : "write"
                        // A loop that ran late (a loaded machine), or more ready descriptors
                        // than one epoll_wait returns, must not time out a connection whose
                        // data is already there: asked directly, it is ready, not idle.
                        if let waiter { ready.append((waiter, Self.isReady(key.fd, key.interest) ? nil : ConnectionError.timedOut(operation: operation))) }
                    }
                }
                state.sleepingUntil = state.deadlines.earliest
                timeout = state.sleepingUntil.map { deadline in
                    let nanos = deadline.nanoseconds - min(deadline.nanoseconds, now.nanoseconds)
                    return Int32(min((nanos + 999_999) / 1_000_000, UInt64(Int32.max)))
                } ?? -1
            }
            for (continuation, error) in ready {
                if let error { continuation.resume(throwing: error) } else { continuation.resume() }
            }
            ready.removeAll(keepingCapacity: true)
        }
    }

    /// How many times the loop yields the CPU and polls again before it sleeps in epoll.
    private static let yieldsBeforeSleeping = 3

    /// Polls without waiting; when nothing is ready and no job is queued, yields the CPU and
    /// polls again, a few times, before the loop goes to sleep. On a box whose cores are shared
    /// with the peers (Asterisk, or a load generator), what the loop waits for mostly comes
    /// while another thread runs, and a sleep in epoll costs a context switch each way: measured
    /// under a FastAGI load on 2 cores, a tenth of the server's time per command. With the
    /// core to itself a yield returns at once. Returns what epoll_wait(2) returned.
    private func pollYielding(_ events: UnsafeMutablePointer<epoll_event>, capacity: Int32) -> Int32 {
        var count = epoll_wait(epollFD, events, capacity, 0)
        var yields = 0
        while count == 0, yields < Self.yieldsBeforeSleeping, queue.withLock({ $0.jobs.isEmpty }) {
            sched_yield()
            yields += 1
            count = epoll_wait(epollFD, events, capacity, 0)
        }
        return count
    }

    /// Whether `fd` is ready for `interest` now (poll(2) with no wait).
    private static func isReady(_ fd: Int32, _ interest: Interest) -> Bool {
        var entry = pollfd(fd: fd, events: Int16(interest == .read ? POLLIN : POLLOUT), revents: 0)
        return poll(&entry, 1, 0) > 0 && entry.revents != 0
    }

    /// Which epoll events make each direction ready; errors and hangups wake both.
    private static let readinessMasks: [(Interest, UInt32)] = {
        let failed = EPOLLERR.rawValue | EPOLLHUP.rawValue
        return [(.read, EPOLLIN.rawValue | EPOLLRDHUP.rawValue | failed), (.write, EPOLLOUT.rawValue | failed)]
    }()

    /// An edge on `fd`: resumes the task waiting for it, or remembers it for the next wait.
    private static func collectReady(
        fd: Int32,
        generation: UInt32,
        events: UInt32,
        state: inout State,
        into ready: inout [(UnsafeContinuation<Void, any Error>, (any Error)?)]
    ) {
        guard var registration = state.registrations[fd], registration.generation == generation else { return }
        // Only RDHUP (receive side shut: FIN, RST, our own shutdown) is final. HUP alone is also
        // reported for a socket whose connect has not completed yet.
        if events & EPOLLRDHUP.rawValue != 0 { registration.peerClosed = true }
        for (interest, mask) in readinessMasks where events & mask != 0 {
            if let waiter = registration.takeWaiter(interest) {
                ready.append((waiter, nil))
                state.deadlines.remove(WaiterKey(fd: fd, interest: interest).slot)
            } else if interest == .read {
                registration.readable = true
            } else {
                registration.writable = true
            }
        }
        state.registrations[fd] = registration
    }
}

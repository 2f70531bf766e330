import CLinux
import Core
import Foundation
import Glibc
import Synchronization

/// Readiness of file descriptors, from one epoll thread, handed to async tasks.
///
/// A task that meets `EAGAIN` calls `wait(for:on:until:)`; the epoll thread resumes it when the
/// descriptor is ready, when its deadline passes (`ConnectionError.timedOut`), when the task is
/// cancelled, or when the descriptor is deregistered (`ConnectionError.closed`). No thread per
/// connection: an idle connection costs one dictionary entry while it waits.
public final class Reactor: Sendable {
    /// The process-wide reactor; its thread starts with the first use and lives as long as the process.
    public static let shared = Reactor()

    public enum Interest: Int, Sendable {
        case read = 0
        case write = 1
    }

    private struct WaiterKey: Hashable {
        var fd: Int32
        var interest: Interest
    }

    private struct Registration {
        var reader: CheckedContinuation<Void, any Error>?
        var writer: CheckedContinuation<Void, any Error>?
        var inEpoll = false

        var events: UInt32 {
            var mask = EPOLLONESHOT.rawValue
            if reader != nil { mask |= EPOLLIN.rawValue | EPOLLRDHUP.rawValue }
            if writer != nil { mask |= EPOLLOUT.rawValue }
            return mask
        }
    }

    private struct State {
        var registrations: [Int32: Registration] = [:]
        var deadlines = DeadlineQueue<WaiterKey>()
        /// The deadline the epoll thread sleeps toward; an earlier one must wake it.
        var sleepingUntil: MonotonicTime?
    }

    private let epollFD: Int32
    private let wakeFD: Int32
    private let state = Mutex(State())

    public init() {
        epollFD = epoll_create1(Int32(EPOLL_CLOEXEC))
        wakeFD = eventfd(0, Int32(EFD_NONBLOCK) | Int32(EFD_CLOEXEC))
        precondition(epollFD >= 0 && wakeFD >= 0, "epoll_create1/eventfd failed: errno \(errno)")
        var event = epoll_event()
        event.events = EPOLLIN.rawValue
        event.data.fd = wakeFD
        precondition(epoll_ctl(epollFD, EPOLL_CTL_ADD, wakeFD, &event) == 0)
        let thread = Thread { [self] in runLoop() }
        thread.name = "switchboard-reactor"
        thread.start()
    }

    /// Suspends until `fd` is ready for `interest`. At most one task waits per descriptor and interest.
    public func wait(for interest: Interest, on fd: Int32, until deadline: MonotonicTime?) async throws {
        let key = WaiterKey(fd: fd, interest: interest)
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let outcome = state.withLock { state -> Result<Bool, any Error> in
                    // Checked under the lock: a cancellation handler running now waits for it,
                    // one that ran before has already set the flag.
                    if Task.isCancelled { return .failure(CancellationError()) }
                    var registration = state.registrations[fd] ?? Registration()
                    switch interest {
                    case .read:
                        precondition(registration.reader == nil, "two tasks reading fd \(fd)")
                        registration.reader = continuation
                    case .write:
                        precondition(registration.writer == nil, "two tasks writing fd \(fd)")
                        registration.writer = continuation
                    }
                    if let error = arm(fd: fd, &registration) {
                        switch interest {
                        case .read: registration.reader = nil
                        case .write: registration.writer = nil
                        }
                        state.registrations[fd] = registration
                        return .failure(error)
                    }
                    state.registrations[fd] = registration
                    guard let deadline else { return .success(false) }
                    state.deadlines.set(key, at: deadline)
                    return .success(state.sleepingUntil.map { deadline < $0 } ?? true)
                }
                switch outcome {
                case .failure(let error):
                    continuation.resume(throwing: error)
                case .success(let mustWake):
                    if mustWake { wakeLoop() }
                }
            }
        } onCancel: {
            resume(key, throwing: CancellationError())
        }
    }

    /// Forgets `fd` and fails its waiters with `ConnectionError.closed`. Call before close(2), so that a
    /// descriptor number the kernel hands out again is never confused with this one.
    public func deregister(_ fd: Int32) {
        let removed = state.withLock { state -> Registration? in
            guard let registration = state.registrations.removeValue(forKey: fd) else { return nil }
            state.deadlines.remove(WaiterKey(fd: fd, interest: .read))
            state.deadlines.remove(WaiterKey(fd: fd, interest: .write))
            if registration.inEpoll { epoll_ctl(epollFD, EPOLL_CTL_DEL, fd, nil) }
            return registration
        }
        removed?.reader?.resume(throwing: ConnectionError.closed)
        removed?.writer?.resume(throwing: ConnectionError.closed)
    }

    /// (Re)arms the one-shot epoll registration of `fd` for the interests that have waiters.
    private func arm(fd: Int32, _ registration: inout Registration) -> (any Error)? {
        var event = epoll_event()
        event.events = registration.events
        event.data.fd = fd
        let operation = registration.inEpoll ? EPOLL_CTL_MOD : EPOLL_CTL_ADD
        if epoll_ctl(epollFD, operation, fd, &event) != 0 {
            return SocketError(operation: "epoll_ctl(fd \(fd))", errno: errno)
        }
        registration.inEpoll = true
        return nil
    }

    private func resume(_ key: WaiterKey, throwing error: any Error) {
        let continuation = state.withLock { state -> CheckedContinuation<Void, any Error>? in
            take(key, from: &state)
        }
        continuation?.resume(throwing: error)
    }

    /// Removes the waiter of `key` and its deadline. Its epoll arming may stay: a spurious wakeup
    /// later finds no waiter and is ignored.
    private func take(_ key: WaiterKey, from state: inout State) -> CheckedContinuation<Void, any Error>? {
        guard var registration = state.registrations[key.fd] else { return nil }
        let continuation: CheckedContinuation<Void, any Error>?
        switch key.interest {
        case .read:
            continuation = registration.reader
            registration.reader = nil
        case .write:
            continuation = registration.writer
            registration.writer = nil
        }
        state.registrations[key.fd] = registration
        state.deadlines.remove(key)
        return continuation
    }

    private func wakeLoop() {
        var one: UInt64 = 1
        _ = Glibc.write(wakeFD, &one, 8)
    }

    private func runLoop() {
        let capacity = 256
        let events = UnsafeMutablePointer<epoll_event>.allocate(capacity: capacity)
        var timeout: Int32 = -1
        while true {
            let count = epoll_wait(epollFD, events, Int32(capacity), timeout)
            if count < 0 {
                precondition(errno == EINTR, "epoll_wait failed: errno \(errno)")
                continue
            }
            var ready: [(CheckedContinuation<Void, any Error>, (any Error)?)] = []
            state.withLock { state in
                for index in 0..<Int(count) {
                    let fd = events[index].data.fd
                    if fd == wakeFD {
                        var drained: UInt64 = 0
                        _ = Glibc.read(wakeFD, &drained, 8)
                        continue
                    }
                    collectReady(fd: fd, events: events[index].events, state: &state, into: &ready)
                }
                let now = MonotonicTime.now()
                for key in state.deadlines.popExpired(now: now) {
                    if let continuation = take(key, from: &state) {
                        let operation = key.interest == .read ? "read" : "write"
                        ready.append((continuation, ConnectionError.timedOut(operation: operation)))
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
        }
    }

    private func collectReady(
        fd: Int32,
        events: UInt32,
        state: inout State,
        into ready: inout [(CheckedContinuation<Void, any Error>, (any Error)?)]
    ) {
        guard var registration = state.registrations[fd] else { return }
        let failed = EPOLLERR.rawValue | EPOLLHUP.rawValue
        if events & (EPOLLIN.rawValue | EPOLLRDHUP.rawValue | failed) != 0, let reader = registration.reader {
            ready.append((reader, nil))
            registration.reader = nil
            state.deadlines.remove(WaiterKey(fd: fd, interest: .read))
        }
        if events & (EPOLLOUT.rawValue | failed) != 0, let writer = registration.writer {
            ready.append((writer, nil))
            registration.writer = nil
            state.deadlines.remove(WaiterKey(fd: fd, interest: .write))
        }
        // One-shot disarmed the descriptor; arm it again for a waiter that is still there.
        if registration.reader != nil || registration.writer != nil, let error = arm(fd: fd, &registration) {
            for waiter in [registration.reader, registration.writer].compactMap({ $0 }) {
                ready.append((waiter, error))
            }
            registration.reader = nil
            registration.writer = nil
            state.deadlines.remove(WaiterKey(fd: fd, interest: .read))
            state.deadlines.remove(WaiterKey(fd: fd, interest: .write))
        }
        state.registrations[fd] = registration
    }
}

import Glibc

/// Nanoseconds on CLOCK_MONOTONIC: what deadlines and timeouts are measured in.
///
/// Wall-clock time can jump (NTP, an admin); a socket deadline must not.
public struct MonotonicTime: Sendable, Comparable, Hashable {
    public var nanoseconds: UInt64

    public init(nanoseconds: UInt64) { self.nanoseconds = nanoseconds }

    public static func now() -> MonotonicTime {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return MonotonicTime(nanoseconds: UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec))
    }

    /// `now() + duration`; a negative duration means now.
    public static func after(_ duration: Duration) -> MonotonicTime {
        now().advanced(by: duration)
    }

    public func advanced(by duration: Duration) -> MonotonicTime {
        let (seconds, attoseconds) = duration.components
        let nanos = seconds * 1_000_000_000 + attoseconds / 1_000_000_000
        guard nanos > 0 else { return self }
        return MonotonicTime(nanoseconds: nanoseconds &+ UInt64(nanos))
    }

    /// Time left until `self`, zero if it has passed.
    public func remaining(from now: MonotonicTime = .now()) -> Duration {
        nanoseconds > now.nanoseconds ? .nanoseconds(Int64(nanoseconds - now.nanoseconds)) : .zero
    }

    /// Seconds from `self` to now, for rates and uptimes.
    public var secondsElapsed: Double {
        Double(Self.now().nanoseconds &- nanoseconds) / 1_000_000_000
    }

    public static func < (lhs: MonotonicTime, rhs: MonotonicTime) -> Bool { lhs.nanoseconds < rhs.nanoseconds }
}

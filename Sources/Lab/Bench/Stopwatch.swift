import Core

/// Times one piece of benchmarked work, in nanoseconds.
enum Stopwatch {
    static func nanoseconds(_ work: () async throws -> Void) async rethrows -> UInt64 {
        let started = MonotonicTime.now()
        try await work()
        return MonotonicTime.now().nanoseconds - started.nanoseconds
    }
}

import Synchronization

/// What a handler observed during a replay, for the test to assert afterwards.
final class Facts: Sendable {
    private let storage = Mutex<[String: String]>([:])

    subscript(key: String) -> String? {
        get { storage.withLock { $0[key] } }
        set { storage.withLock { $0[key] = newValue } }
    }

    func note(_ key: String, _ value: Any?) {
        self[key] = value.map { "\($0)" } ?? "nil"
    }

    /// Runs `body`, noting the error it threw (or "ok").
    func outcome(_ key: String, _ body: () async throws -> Void) async {
        do {
            try await body()
            note(key, "ok")
        } catch {
            note(key, error)
        }
    }
}

/// What `body` threw, as its description; nil when it did not throw.
public func errorText(_ body: () throws -> Void) -> String? {
    do {
        try body()
        return nil
    } catch {
        return "\(error)"
    }
}

/// What `body` threw, as its description; nil when it did not throw.
public func asyncErrorText(_ body: () async throws -> Void) async -> String? {
    do {
        try await body()
        return nil
    } catch {
        return "\(error)"
    }
}

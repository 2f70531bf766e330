import Foundation

/// A folder for a test's database files, removed when the value is released.
final class TemporaryDatabase {
    let folder: String

    init() throws {
        folder = NSTemporaryDirectory() + "switchboard-store-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    var path: String { folder + "/switchboard.db" }

    func file(_ name: String) -> String { folder + "/" + name }

    deinit { try? FileManager.default.removeItem(atPath: folder) }
}

/// The text of the error `body` throws, or nil.
func errorText(_ body: () throws -> Void) -> String? {
    do {
        try body()
        return nil
    } catch {
        return "\(error)"
    }
}

func asyncErrorText(_ body: () async throws -> Void) async -> String? {
    do {
        try await body()
        return nil
    } catch {
        return "\(error)"
    }
}

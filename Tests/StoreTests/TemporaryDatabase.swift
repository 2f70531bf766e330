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

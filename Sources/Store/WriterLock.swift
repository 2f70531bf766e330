import Foundation
import Glibc

/// The one writer of a database: `serve` holds an exclusive lock on `<database>.writer` for as
/// long as it runs, so a second server on the same file, or a restore under a running one,
/// is refused with the holder's pid. The kernel drops the lock when the process ends, however
/// it ends.
public final class WriterLock {
    public let path: String
    private let descriptor: Int32

    /// Takes the lock for the database at `databasePath`, or throws naming who holds it.
    public init(databasePath: String, holder: String) throws {
        path = databasePath + ".writer"
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw StoreError.invalid("cannot open \(path): \(String(cString: strerror(errno)))") }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let owner = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            close(descriptor)
            throw StoreError.invalid("\(databasePath) is in use by \(owner.isEmpty ? "another process" : owner) (it holds \(path))")
        }
        self.descriptor = descriptor
        ftruncate(descriptor, 0)
        let text = "\(holder) pid \(getpid())\n"
        _ = text.withCString { write(descriptor, $0, strlen($0)) }
    }

    deinit {
        ftruncate(descriptor, 0)
        close(descriptor)
    }
}

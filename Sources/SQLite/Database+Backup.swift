import CSQLite
import Glibc

extension Database {
    /// Copies this database into `destination` with SQLite's online backup API, a batch of pages
    /// at a time, so writers on other connections are held up for a moment only.
    /// `progress` receives (pages copied, pages in all) after each batch.
    public func backup(into destination: Database, pagesPerStep: Int32 = 256, progress: (Int, Int) -> Void = { _, _ in }) throws {
        guard let backup = sqlite3_backup_init(destination.handle, "main", handle, "main") else {
            throw SQLiteError(code: sqlite3_extended_errcode(destination.handle), message: String(cString: sqlite3_errmsg(destination.handle)), sql: "backup \(path) → \(destination.path)")
        }
        var code: Int32
        repeat {
            code = sqlite3_backup_step(backup, pagesPerStep)
            let total = Int(sqlite3_backup_pagecount(backup))
            progress(total - Int(sqlite3_backup_remaining(backup)), total)
            if code == SQLITE_BUSY || code == SQLITE_LOCKED { usleep(10_000) }
        } while code == SQLITE_OK || code == SQLITE_BUSY || code == SQLITE_LOCKED
        let finish = sqlite3_backup_finish(backup)
        guard code == SQLITE_DONE, finish == SQLITE_OK else {
            throw SQLiteError(code: code == SQLITE_DONE ? finish : code, message: String(cString: sqlite3_errstr(code == SQLITE_DONE ? finish : code)), sql: "backup \(path) → \(destination.path)")
        }
    }
}

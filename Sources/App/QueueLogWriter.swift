import Core
import Foundation
import Reports
import Synchronization

/// Appends Asterisk's `queue_log` lines for Switchboard's routing to a file (`[reports]
/// queue_log`): the book turns steps into lines, each appended with one write, in order.
/// `reopen()` (SIGHUP) starts a new file after a rotation, with CONFIGRELOAD as its first
/// line, as Asterisk's `logger reload` does.
final class QueueLogWriter: Sendable {
    private let file: AppendedFile
    private let book: Mutex<QueueLogBook>
    private let logger: Logger

    /// Opens (or creates) `path` and writes QUEUESTART.
    init(path: String, ringTimeouts: [String: Double], logger: Logger, now: Date = Date()) throws {
        file = try AppendedFile(path: path)
        book = Mutex(QueueLogBook(ringTimeouts: ringTimeouts))
        self.logger = logger
        write([.system("QUEUESTART", at: now)])
    }

    func step(_ event: CallEvent, of uniqueID: String, number: String?, agentLeg: String?) {
        book.withLock { book in write(book.step(event, of: uniqueID, number: number, agentLeg: agentLeg)) }
    }

    func finished(_ call: CallRecord) {
        book.withLock { book in write(book.finished(call)) }
    }

    func agent(_ id: String, state: String, reason: String?, queues: [String], at date: Date) {
        book.withLock { book in write(book.agent(id, state: state, reason: reason, queues: queues, at: date)) }
    }

    func reopen(now: Date = Date()) {
        do {
            try file.reopen()
            write([.system("CONFIGRELOAD", at: now)])
        } catch {
            logger.error("queue_log not reopened: \(error)")
        }
    }

    private func write(_ lines: [QueueLogLine]) {
        for line in lines where !file.append(line.text) {
            logger.error("queue_log line not written", ["path": file.path ?? "", "error": String(cString: strerror(errno))])
        }
    }
}

import App
import AMI
import Foundation
import Wire

/// Events Asterisk really sent, for the AMI benchmark: every unsolicited event in the ami-*.log
/// captures (responses and action-list items left out), encoded back to back.
struct AMIEventCorpus: Sendable {
    let events: [AMIMessage]

    /// Reads the `.asterisk.bin` captures in `folder`.
    init(folder: String) throws {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        let captures = files.filter { $0.hasPrefix("ami-") && $0.hasSuffix(".asterisk.bin") }.sorted()
        guard !captures.isEmpty else {
            throw BenchmarkError("no ami-*.asterisk.bin captures in \(folder) (give the folder with --transcripts)")
        }
        var events: [AMIMessage] = []
        for capture in captures {
            var framer = Framer()
            framer.append(Array(try Data(contentsOf: URL(fileURLWithPath: folder + "/" + capture))))
            _ = try framer.nextLine()  // the banner
            while let block = try framer.nextBlock() {
                let message = AMIMessage(block: block)
                if message.kind == .event, message.actionID == nil { events.append(message) }
            }
        }
        self.events = events
    }

    /// `count` events (the corpus repeated) as one buffer of wire bytes.
    func encoded(count: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        for index in 0..<count { bytes += events[index % events.count].encoded }
        return bytes
    }
}

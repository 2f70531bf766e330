import Foundation
import Testing
@testable import Core

@Suite struct LoggerTests {
    @Test func linesCarryLevelLabelAndMetadataInOrder() {
        let sink = MemoryLogSink()
        let logger = Logger(label: "agi", level: .info, sink: sink).with("uniqueid", "1795460230.1")
        logger.info("session started", ["script": "ivr/main", "caller": "Lab Caller"])
        let line = sink.lines[0]
        #expect(line.hasSuffix(" info [agi] session started uniqueid=1795460230.1 script=ivr/main caller=\"Lab Caller\""))
        #expect(line.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z "#, options: .regularExpression) != nil)
    }

    @Test func linesBelowTheLevelAreNeverBuilt() {
        let sink = MemoryLogSink()
        let logger = Logger(label: "x", level: .warning, sink: sink)
        var built = false
        logger.debug({ built = true; return "expensive" }())
        #expect(!built)
        #expect(sink.records.isEmpty)
    }

    @Test func secretKeysAreMaskedAndValuesQuoted() {
        let sink = MemoryLogSink()
        let logger = Logger(label: "ami", sink: sink)
        logger.info("login", ["username": "switchboard", "secret": "lab-secret", "Key": "3b3af52b", "note": "a \"quoted\"\nline"])
        let line = sink.lines[0]
        #expect(!line.contains("lab-secret"))
        #expect(!line.contains("3b3af52b"))
        #expect(line.contains("secret=******** Key=********"))
        #expect(line.contains(#"note="a \"quoted\"\nline""#))
    }

    @Test func aRegisteredSecretIsRedactedWhereverItAppears() throws {
        let path = NSTemporaryDirectory() + "sb-log-\(UUID().uuidString).log"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let sink = try StreamLogSink(appendingTo: path)
        sink.redact("lab-secret")
        let logger = Logger(label: "ami", sink: sink)
        logger.error("login failed with Secret: lab-secret", ["detail": "sent lab-secret"])
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(!text.contains("lab-secret"))
        #expect(text.hasSuffix("login failed with Secret: ******** detail=\"sent ********\"\n"))
    }

    @Test func secretValuesPrintAsAMask() {
        let secret = Secret("lab-secret")
        #expect("\(secret)" == "********")
        #expect(String(reflecting: secret) == "********")
        #expect(secret.reveal == "lab-secret")
    }

    @Test func levelsByName() {
        #expect(LogLevel(name: "WARNING") == .warning)
        #expect(LogLevel(name: "loud") == nil)
        #expect(LogLevel.debug < .info)
    }
}

@Suite struct HeapTests {
    @Test func removesInAscendingOrder() {
        var heap = Heap<Int>()
        var generator = SystemRandomNumberGenerator()
        let values = (0..<1000).map { _ in Int.random(in: -500...500, using: &generator) }
        for value in values { heap.insert(value) }
        var drained: [Int] = []
        while let next = heap.removeMin() { drained.append(next) }
        #expect(drained == values.sorted())
        #expect(heap.isEmpty)
    }
}

@Suite struct MonotonicTimeTests {
    @Test func advancingAndRemaining() {
        let start = MonotonicTime(nanoseconds: 1_000)
        let later = start.advanced(by: .milliseconds(5))
        #expect(later.nanoseconds == 5_001_000)
        #expect(later.remaining(from: start) == .milliseconds(5))
        #expect(start.remaining(from: later) == .zero)
        #expect(start.advanced(by: .seconds(-3)) == start)
    }
}

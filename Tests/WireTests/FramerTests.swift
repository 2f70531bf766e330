import TestSupport
import Testing
@testable import Wire

@Suite struct FramerTests {
    @Test func transcriptChunksRebuildTheBinFiles() throws {
        let names = try Transcript.names(prefix: "agi-") + Transcript.names(prefix: "ami-")
        #expect(names.count >= 19)
        for name in names {
            let transcript = try Transcript(name)
            for direction in [Transcript.Direction.fromAsterisk, .fromApp] {
                #expect(Array(transcript.chunks(direction).joined()) == (try transcript.binFile(direction)), "\(name) \(direction)")
            }
        }
    }

    /// Every AGI line Asterisk sent, framed from the recorded read boundaries, equals splitting the whole stream.
    @Test(arguments: try Transcript.names(prefix: "agi-"))
    func agiLinesFromRecordedChunks(name: String) throws {
        var framer = Framer()
        var lines: [String] = []
        let transcript = try Transcript(name)
        for chunk in transcript.chunks(.fromAsterisk) {
            framer.append(chunk)
            while let line = try framer.nextLine() { lines.append(String(decoding: line, as: UTF8.self)) }
        }
        let whole = try transcript.binFile(.fromAsterisk)
        let expected = whole.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast()
            .map { String(decoding: $0, as: UTF8.self) }
        #expect(lines == expected)
        #expect(framer.pendingByteCount == 0)
        #expect(lines.contains(""), "the environment ends with a blank line")
    }

    /// AMI blocks from the recorded chunks: the banner line, then blocks that each start with
    /// Response: or Event:, the same blocks whatever the read boundaries were.
    @Test(arguments: try Transcript.names(prefix: "ami-"))
    func amiBlocksFromRecordedChunks(name: String) throws {
        let transcript = try Transcript(name)
        let recorded = try blocks(of: transcript.chunks(.fromAsterisk))
        let whole = try transcript.binFile(.fromAsterisk)
        let oneByteAtATime = try blocks(of: whole.map { [$0] })
        #expect(recorded == oneByteAtATime)
        #expect(recorded.first == ["Asterisk Call Manager/9.0.0"])
        for block in recorded.dropFirst() {
            #expect(block.first!.hasPrefix("Response: ") || block.first!.hasPrefix("Event: "), "\(block)")
        }
        // Every message Asterisk sent ends with CRLF CRLF: the count of blocks is that count.
        let terminators = whole.indices.dropLast(3).filter { Array(whole[$0..<$0 + 4]) == [13, 10, 13, 10] }.count
        #expect(recorded.count - 1 == terminators)
    }

    private func blocks(of chunks: [[UInt8]]) throws -> [[String]] {
        var framer = Framer()
        var result: [[String]] = []
        var bannerRead = false
        for chunk in chunks {
            framer.append(chunk)
            if !bannerRead, let banner = try framer.nextLine() {
                result.append([String(decoding: banner, as: UTF8.self)])
                bannerRead = true
            }
            guard bannerRead else { continue }
            while let block = try framer.nextBlock() {
                #expect(block.last == 0x0A)
                let lines = block.split(separator: 0x0A).map { String(decoding: $0.dropLast(), as: UTF8.self) }
                result.append(lines)
            }
        }
        return result
    }

    @Test func crlfAndLFLinesAndSeveralPerRead() throws {
        var framer = Framer()
        framer.append(Array("200 result=0\nHANGUP\r\nhalf".utf8))
        #expect(try framer.nextLine().map { String(decoding: $0, as: UTF8.self) } == "200 result=0")
        #expect(try framer.nextLine().map { String(decoding: $0, as: UTF8.self) } == "HANGUP")
        #expect(try framer.nextLine() == nil)
        framer.append(Array(" line\n".utf8))
        #expect(try framer.nextLine().map { String(decoding: $0, as: UTF8.self) } == "half line")
    }

    @Test func oversizeLineIsAnErrorBeforeItsEndArrives() throws {
        var framer = Framer(maxLineLength: 100)
        framer.append([UInt8](repeating: 0x41, count: 101))
        #expect(throws: FramingError.lineTooLong(limit: 100)) { try framer.nextLine() }
    }

    @Test func oversizeBlockIsAnError() throws {
        var framer = Framer(maxLineLength: 1000, maxMessageSize: 10_000)
        let header = Array("Output: ".utf8) + [UInt8](repeating: 0x41, count: 500) + [13, 10]
        for _ in 0..<25 { framer.append(header) }
        #expect(throws: FramingError.messageTooLarge(limit: 10_000)) { try framer.nextBlock() }
    }

    @Test func tenMegabyteHeaderBlockIsRefusedWithoutBufferingItAll() throws {
        var framer = Framer()
        let chunk = [UInt8](repeating: 0x42, count: 65_536)
        var thrown: FramingError?
        var appended = 0
        while appended < 10 * 1024 * 1024 {
            framer.append(chunk)
            appended += chunk.count
            do { _ = try framer.nextBlock() } catch { thrown = error; break }
        }
        #expect(thrown == .lineTooLong(limit: Framer.defaultMaxLineLength))
        #expect(appended < 200_000)
    }

    @Test func leadingBlankLinesBeforeABlockAreSkipped() throws {
        var framer = Framer()
        framer.append(Array("\r\n\r\nEvent: A\r\nX: 1\r\n\r\n".utf8))
        let block = try #require(try framer.nextBlock())
        #expect(String(decoding: block, as: UTF8.self) == "Event: A\r\nX: 1\r\n")
        #expect(framer.pendingByteCount == 0)
    }

    @Test func anEmptyFramerLetsGoOfItsBufferAndAPendingOneKeepsItsBytes() throws {
        var framer = Framer()
        framer.append(Array("200 result=1\n200 res".utf8))
        #expect(try framer.nextLine().map { String(decoding: $0, as: UTF8.self) } == "200 result=1")
        framer.releaseIfEmpty()
        #expect(framer.pendingByteCount == 7)
        framer.append(Array("ult=0\n".utf8))
        #expect(try framer.nextLine().map { String(decoding: $0, as: UTF8.self) } == "200 result=0")
        framer.releaseIfEmpty()
        #expect(framer.pendingByteCount == 0)
        framer.append(Array("HANGUP\n".utf8))
        #expect(try framer.nextLine().map { String(decoding: $0, as: UTF8.self) } == "HANGUP")
    }

    @Test func aParserTakesWholeMessagesAndLeavesTheRest() throws {
        var framer = Framer(maxLineLength: 64, maxMessageSize: 64)
        framer.append(Array("one\ntwo\nthr".utf8))
        // Takes up to the last complete line.
        let taken = try framer.take { bytes in (bytes.lastIndex(of: 0x0A) ?? -1) + 1 }
        #expect(taken == 8)
        #expect(framer.pendingByteCount == 3)
        framer.append([UInt8](repeating: 0x41, count: 70))
        #expect(throws: FramingError.messageTooLarge(limit: 64)) { try framer.take { _ in 0 } }
    }
}

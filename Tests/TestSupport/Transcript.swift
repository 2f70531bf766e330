import Foundation

/// One recorded conversation in Tests/Fixtures/asterisk-transcripts (captured from a real
/// Asterisk; copied unchanged with their README), read from its `.log` exactly as that README
/// describes the format: the chunks each side sent, with their read boundaries.
public struct Transcript: Sendable {
    public enum Direction: String, Sendable {
        case fromAsterisk = "<<< "
        case fromApp = ">>> "
    }

    public static let folder: URL = {
        // Tests/TestSupport/Transcript.swift → Tests/Fixtures/asterisk-transcripts
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<2 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("Fixtures/asterisk-transcripts")
    }()

    public let name: String
    /// Chunks in the order they crossed the wire, each tagged with its sender.
    public let chunks: [(direction: Direction, bytes: [UInt8])]
    /// True where the log records that Asterisk closed its side.
    public let asteriskClosed: Bool

    public static func names(prefix: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasPrefix(prefix) && $0.hasSuffix(".log") }
            .map { String($0.dropLast(4)) }
            .sorted()
    }

    public init(_ name: String) throws {
        self.name = name
        let log = try Data(contentsOf: Self.folder.appendingPathComponent(name + ".log"))
        var chunks: [(Direction, [UInt8])] = []
        var current: (direction: Direction, bytes: [UInt8], noFinalLF: Bool)?
        var closed = false
        func finish() {
            guard let chunk = current else { return }
            chunks.append((chunk.direction, chunk.noFinalLF ? Array(chunk.bytes.dropLast()) : chunk.bytes))
            current = nil
        }
        for rawLine in log.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast() {
            let line = String(decoding: rawLine, as: UTF8.self)
            if line.hasPrefix("## ") {
                finish()
                if line.hasSuffix("<<< EOF") { closed = true }
                let noFinalLF = line.hasSuffix(" [no-final-LF]")
                guard line.hasSuffix(" bytes") || noFinalLF else { continue }
                let direction: Direction = line.contains(" <<< ") ? .fromAsterisk : .fromApp
                current = (direction, [], noFinalLF)
            } else if line.hasPrefix("# ") {
                continue
            } else if current != nil, rawLine.starts(with: Array(current!.direction.rawValue.utf8)) {
                current!.bytes += rawLine.dropFirst(4) + [0x0A]
            }
        }
        finish()
        self.chunks = chunks
        asteriskClosed = closed
    }

    /// The chunks one side sent, in order.
    public func chunks(_ direction: Direction) -> [[UInt8]] {
        chunks.filter { $0.direction == direction }.map(\.bytes)
    }

    /// The `.bin` file of one direction: every byte that side sent.
    public func binFile(_ direction: Direction) throws -> [UInt8] {
        let suffix = direction == .fromAsterisk ? ".asterisk.bin" : ".app.bin"
        return Array(try Data(contentsOf: Self.folder.appendingPathComponent(name + suffix)))
    }
}

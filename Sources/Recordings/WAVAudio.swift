/// A WAV file's audio as a recording's index needs it: the format, and the samples decoded to
/// 16-bit linear. Reads what MixMonitor and RECORD FILE write — PCM 16-bit, µ-law and A-law,
/// mono or stereo — and says exactly what is wrong with anything else.
public struct WAVAudio: Sendable {
    public enum Encoding: String, Sendable, Codable {
        case pcm16 = "pcm16"
        case mulaw = "ulaw"
        case alaw = "alaw"
    }

    public var encoding: Encoding
    public var channels: Int
    public var sampleRate: Int
    /// Samples, channels interleaved.
    public var samples: [Int16]

    public var frames: Int { samples.count / max(1, channels) }
    public var seconds: Double { Double(frames) / Double(max(1, sampleRate)) }

    /// Parses `bytes`; `file` names the file in errors.
    public init(bytes: [UInt8], file: String) throws {
        func fail(_ problem: String) -> WAVError { WAVError(file: file, problem: problem) }
        guard bytes.count >= 12 else { throw fail("\(bytes.count) bytes: too short for a WAV header") }
        guard bytes[0..<4].elementsEqual("RIFF".utf8), bytes[8..<12].elementsEqual("WAVE".utf8) else { throw fail("not a RIFF/WAVE file") }
        var format: (tag: Int, channels: Int, rate: Int, bits: Int)?
        var position = 12
        while position + 8 <= bytes.count {
            let id = String(decoding: bytes[position..<position + 4], as: UTF8.self)
            let size = Self.le32(bytes, position + 4)
            let body = position + 8
            if id == "fmt " {
                guard size >= 16, body + 16 <= bytes.count else { throw fail("fmt chunk of \(size) bytes is cut short") }
                format = (Self.le16(bytes, body), Self.le16(bytes, body + 2), Self.le32(bytes, body + 4), Self.le16(bytes, body + 14))
            } else if id == "data" {
                guard let format else { throw fail("data chunk before any fmt chunk") }
                let available = bytes.count - body
                guard size <= available else { throw fail("truncated: the data chunk says \(size) bytes, the file holds \(available)") }
                (encoding, channels, sampleRate, samples) = try Self.decode(bytes[body..<body + size], format, fail)
                return
            }
            guard size <= bytes.count - body else { throw fail("chunk '\(id)' of \(size) bytes runs past the end of the file") }
            position = body + size + (size & 1)
        }
        throw fail(format == nil ? "no fmt chunk" : "no data chunk")
    }

    /// Two mono recordings of one call's sides as one stereo one (`first` left), the shorter
    /// padded with silence; nil when they are not both mono at one rate.
    public init?(interleaving first: WAVAudio, _ second: WAVAudio) {
        guard first.channels == 1, second.channels == 1, first.sampleRate == second.sampleRate else { return nil }
        let frames = max(first.samples.count, second.samples.count)
        var samples = [Int16](repeating: 0, count: frames * 2)
        for (index, sample) in first.samples.enumerated() { samples[2 * index] = sample }
        for (index, sample) in second.samples.enumerated() { samples[2 * index + 1] = sample }
        (encoding, channels, sampleRate, self.samples) = (first.encoding, 2, first.sampleRate, samples)
    }

    private static func decode(
        _ data: ArraySlice<UInt8>, _ format: (tag: Int, channels: Int, rate: Int, bits: Int), _ fail: (String) -> WAVError
    ) throws -> (Encoding, Int, Int, [Int16]) {
        guard (1...2).contains(format.channels) else { throw fail("\(format.channels) channels (mono or stereo only)") }
        guard (4000...48000).contains(format.rate) else { throw fail("sample rate \(format.rate) Hz is not one a call is recorded at") }
        let base = data.startIndex
        switch (format.tag, format.bits) {
        case (1, 16):
            let count = data.count / 2
            var samples = [Int16](repeating: 0, count: count)
            for index in 0..<count { samples[index] = Int16(bitPattern: UInt16(data[base + 2 * index]) | UInt16(data[base + 2 * index + 1]) << 8) }
            return (.pcm16, format.channels, format.rate, samples)
        case (7, 8): return (.mulaw, format.channels, format.rate, data.map { G711.mulaw[Int($0)] })
        case (6, 8): return (.alaw, format.channels, format.rate, data.map { G711.alaw[Int($0)] })
        default: throw fail("format \(format.tag) with \(format.bits)-bit samples (PCM 16-bit, µ-law or A-law only)")
        }
    }

    /// Whether `head` (a file's first 8 bytes) is a RIFF header whose size is the file's: the
    /// writer has finished it (Asterisk writes the sizes when it closes the file).
    public static func isFinished(head: [UInt8], fileSize: Int) -> Bool {
        head.count >= 8 && head[0..<4].elementsEqual("RIFF".utf8) && le32(head, 4) + 8 == fileSize
    }

    static func le16(_ bytes: [UInt8], _ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
    static func le32(_ bytes: [UInt8], _ at: Int) -> Int { le16(bytes, at) | le16(bytes, at + 2) << 16 }
}

/// A WAV file that cannot be read, and why.
public struct WAVError: Error, CustomStringConvertible, Equatable {
    public var file: String
    public var problem: String

    public init(file: String, problem: String) {
        self.file = file
        self.problem = problem
    }

    public var description: String { "\(file): \(problem)" }
}

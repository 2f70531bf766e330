import Core
import Foundation

/// What MixMonitor leaves behind: an 8 kHz, 16-bit, mono PCM WAV, here filled with speech-like
/// tone bursts and pauses (seeded, so a recording is reproducible).
public enum WAVFile {
    public static let sampleRate = 8000

    /// The bytes of a recording `seconds` long.
    public static func speechLike(seconds: Double, seed: UInt64) -> [UInt8] {
        var generator = SeededGenerator(seed: seed)
        let count = max(0, Int(seconds * Double(sampleRate)))
        var samples = [Int16](repeating: 0, count: count)
        var index = 0
        while index < count {
            // A syllable-long burst of a voiced tone, then a pause.
            let burst = Int.random(in: 800...2400, using: &generator)
            let pause = Int.random(in: 400...3200, using: &generator)
            let pitch = Double.random(in: 110...240, using: &generator)
            let loudness = Double.random(in: 3000...9000, using: &generator)
            for offset in 0..<min(burst, count - index) {
                let t = Double(offset) / Double(sampleRate)
                let envelope = sin(Double.pi * Double(offset) / Double(burst))
                let voice = sin(2 * .pi * pitch * t) + 0.5 * sin(4 * .pi * pitch * t) + 0.25 * sin(6 * .pi * pitch * t)
                samples[index + offset] = Int16(max(-32767, min(32767, voice * loudness * envelope / 1.75)))
            }
            index += burst + pause
        }
        return encode(samples)
    }

    /// RIFF/WAVE with one `fmt ` (PCM, mono, 16-bit) and one `data` chunk.
    public static func encode(_ samples: [Int16]) -> [UInt8] {
        let dataBytes = samples.count * 2
        var bytes: [UInt8] = []
        bytes.reserveCapacity(44 + dataBytes)
        func text(_ value: String) { bytes += Array(value.utf8) }
        func le32(_ value: Int) { bytes += (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
        func le16(_ value: Int) { bytes += (0..<2).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
        text("RIFF"); le32(36 + dataBytes); text("WAVE")
        text("fmt "); le32(16); le16(1); le16(1); le32(sampleRate); le32(sampleRate * 2); le16(2); le16(16)
        text("data"); le32(dataBytes)
        for sample in samples { le16(Int(sample)) }
        return bytes
    }
}

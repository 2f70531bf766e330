import Core
import Foundation

/// What MixMonitor leaves behind: an 8 kHz, 16-bit, mono PCM WAV, here filled with speech-like
/// tone bursts and pauses (seeded, so a recording is reproducible).
public enum WAVFile {
    public static let sampleRate = 8000

    /// The bytes of a recording `seconds` long; `silent`: stretches (seconds) muted to silence.
    public static func speechLike(seconds: Double, seed: UInt64, silent: [ClosedRange<Double>] = []) -> [UInt8] {
        encode(silence(silent, in: speech(seconds: seconds, seed: seed)))
    }

    /// Both sides of a conversation `seconds` long, taking turns of 2–6 s (a moment of talking
    /// over each other at each change), and the two mixed as MixMonitor mixes them.
    public static func conversation(seconds: Double, seed: UInt64, silent: [ClosedRange<Double>] = []) -> (caller: [Int16], agent: [Int16], mixed: [Int16]) {
        var caller = speech(seconds: seconds, seed: seed)
        var agent = speech(seconds: seconds, seed: seed &+ 1)
        var generator = SeededGenerator(seed: seed &+ 2)
        var start = 0, callerTurn = true
        while start < caller.count {
            let end = min(caller.count, start + Int.random(in: 2 * sampleRate...6 * sampleRate, using: &generator))
            // The one not speaking is quiet but for the first 0.2 s of the turn.
            let quietFrom = min(end, start + sampleRate / 5)
            for index in quietFrom..<end {
                if callerTurn { agent[index] = 0 } else { caller[index] = 0 }
            }
            start = end
            callerTurn.toggle()
        }
        caller = silence(silent, in: caller)
        agent = silence(silent, in: agent)
        let mixed = zip(caller, agent).map { Int16(max(-32767, min(32767, Int($0) + Int($1)))) }
        return (caller, agent, mixed)
    }

    static func silence(_ stretches: [ClosedRange<Double>], in samples: [Int16]) -> [Int16] {
        var samples = samples
        for stretch in stretches {
            let from = max(0, min(samples.count, Int(stretch.lowerBound * Double(sampleRate))))
            let to = max(from, min(samples.count, Int(stretch.upperBound * Double(sampleRate))))
            for index in from..<to { samples[index] = 0 }
        }
        return samples
    }

    /// Speech-like samples: syllable-long bursts of a voiced tone and pauses.
    static func speech(seconds: Double, seed: UInt64) -> [Int16] {
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
        return samples
    }

    /// What a file being recorded holds until it is closed: Asterisk writes the header with
    /// both sizes 0 and fills them in when it closes the file.
    public static var unfinishedHeader: [UInt8] {
        var header = encode([])
        for index in [4, 5, 6, 7] { header[index] = 0 }
        return header
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

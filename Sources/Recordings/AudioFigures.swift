import Foundation

/// Quality figures of a recording, worked out once when it is indexed: how much of it is talk,
/// the longest silence, clipping, the average level, and for two-leg (stereo) recordings how much
/// each side spoke and how long they talked over each other. Speech is found per 20 ms frame by
/// its level: a frame louder than `talkThreshold` (−40 dBFS) is talk.
public struct AudioFigures: Sendable, Codable, Equatable {
    public var seconds: Double
    /// Frames with talk (on any leg) out of all.
    public var talkRatio: Double
    public var longestSilenceSeconds: Double
    /// Samples at full scale out of all: distortion from a hot line.
    public var clippingRatio: Double
    /// The whole recording's RMS level in dBFS (−∞ as −120).
    public var averageLevelDBFS: Double
    /// Seconds of talk per leg (one entry for mono).
    public var talkSecondsByLeg: [Double]
    /// Seconds both legs talked at once (0 for mono).
    public var overlapSeconds: Double

    static let frameSeconds = 0.02
    /// −40 dBFS.
    static let talkThreshold = 32768.0 * 0.01
    static let clipLevel: Int32 = 32_700

    public init(_ audio: WAVAudio) {
        let channels = max(1, audio.channels)
        let frameLength = max(1, Int(Double(audio.sampleRate) * Self.frameSeconds))
        let frames = audio.frames
        var talkFrames = 0, overlapFrames = 0, silentRun = 0, longestRun = 0, clipped = 0
        var legFrames = [Int](repeating: 0, count: channels)
        var total = 0.0
        var start = 0
        audio.samples.withUnsafeBufferPointer { samples in
            while start < frames {
                let end = min(frames, start + frameLength)
                var talking = 0
                for leg in 0..<channels {
                    var energy = 0.0
                    for frame in start..<end {
                        let sample = Int32(samples[frame * channels + leg])
                        energy += Double(sample * sample)
                        if abs(sample) >= Self.clipLevel { clipped += 1 }
                    }
                    total += energy
                    if (energy / Double(end - start)).squareRoot() > Self.talkThreshold {
                        talking += 1
                        legFrames[leg] += 1
                    }
                }
                if talking > 0 {
                    talkFrames += 1
                    silentRun = 0
                } else {
                    silentRun += 1
                    longestRun = max(longestRun, silentRun)
                }
                if talking > 1 { overlapFrames += 1 }
                start = end
            }
        }
        let frameCount = (frames + frameLength - 1) / frameLength
        let frameSeconds = Double(frameLength) / Double(max(1, audio.sampleRate))
        seconds = audio.seconds
        talkRatio = frameCount == 0 ? 0 : Double(talkFrames) / Double(frameCount)
        longestSilenceSeconds = min(audio.seconds, Double(longestRun) * frameSeconds)
        clippingRatio = audio.samples.isEmpty ? 0 : Double(clipped) / Double(audio.samples.count)
        let rms = audio.samples.isEmpty ? 0 : (total / Double(audio.samples.count)).squareRoot()
        averageLevelDBFS = rms <= 0 ? -120 : max(-120, 20 * log10(rms / 32768))
        talkSecondsByLeg = legFrames.map { min(audio.seconds, Double($0) * frameSeconds) }
        overlapSeconds = channels > 1 ? min(audio.seconds, Double(overlapFrames) * frameSeconds) : 0
    }
}

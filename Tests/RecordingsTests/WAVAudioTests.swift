import Foundation
import Testing
@testable import Recordings

/// WAV files made here with known content: a tone, silence, a clipped tone, two legs; in PCM,
/// µ-law and A-law; and broken ones, each named with what is wrong.
@Suite struct WAVAudioTests {
    /// A WAV of `samples` (interleaved) in `encoding`.
    static func wav(_ samples: [Int16], channels: Int = 1, rate: Int = 8000, encoding: WAVAudio.Encoding = .pcm16) -> [UInt8] {
        var data: [UInt8] = []
        switch encoding {
        case .pcm16: for sample in samples { data += [UInt8(truncatingIfNeeded: sample), UInt8(truncatingIfNeeded: sample >> 8)] }
        case .mulaw: data = samples.map { nearest($0, in: G711.mulaw) }
        case .alaw: data = samples.map { nearest($0, in: G711.alaw) }
        }
        let tag = encoding == .pcm16 ? 1 : encoding == .alaw ? 6 : 7
        let bits = encoding == .pcm16 ? 16 : 8
        var bytes: [UInt8] = []
        func le32(_ value: Int) { bytes += (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
        func le16(_ value: Int) { bytes += (0..<2).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
        bytes += Array("RIFF".utf8); le32(36 + data.count); bytes += Array("WAVE".utf8)
        bytes += Array("fmt ".utf8); le32(16); le16(tag); le16(channels); le32(rate); le32(rate * channels * bits / 8); le16(channels * bits / 8); le16(bits)
        bytes += Array("data".utf8); le32(data.count)
        return bytes + data
    }

    static func nearest(_ sample: Int16, in table: [Int16]) -> UInt8 {
        UInt8(table.indices.min { abs(Int(table[$0]) - Int(sample)) < abs(Int(table[$1]) - Int(sample)) }!)
    }

    static func tone(seconds: Double, amplitude: Double = 8000, hz: Double = 440, rate: Int = 8000) -> [Int16] {
        (0..<Int(seconds * Double(rate))).map { Int16(max(-32768, min(32767, amplitude * sin(2 * .pi * hz * Double($0) / Double(rate))))) }
    }

    static func silence(seconds: Double, rate: Int = 8000) -> [Int16] { [Int16](repeating: 0, count: Int(seconds * Double(rate))) }

    @Test func aToneThenSilenceIsHalfTalkWithItsLongestSilence() throws {
        let audio = try WAVAudio(bytes: Self.wav(Self.tone(seconds: 2) + Self.silence(seconds: 1.5) + Self.tone(seconds: 0.5)), file: "a.wav")
        #expect(audio.encoding == .pcm16 && audio.channels == 1 && audio.sampleRate == 8000 && audio.seconds == 4)
        let figures = AudioFigures(audio)
        #expect(abs(figures.talkRatio - 2.5 / 4) < 0.01)
        #expect(abs(figures.longestSilenceSeconds - 1.5) < 0.021)
        #expect(figures.clippingRatio == 0)
        // An 8000-peak sine is 8000/√2 RMS over 2.5 of 4 s: about −15.3 dBFS.
        let expected = 20 * log10(8000 / 2.0.squareRoot() * (2.5 / 4).squareRoot() / 32768)
        #expect(abs(figures.averageLevelDBFS - expected) < 0.2, "\(figures.averageLevelDBFS) vs \(expected)")
        #expect(figures.talkSecondsByLeg.count == 1 && abs(figures.talkSecondsByLeg[0] - 2.5) < 0.03)
        #expect(figures.overlapSeconds == 0)
    }

    @Test func silenceAndAnEmptyRecording() throws {
        let quiet = AudioFigures(try WAVAudio(bytes: Self.wav(Self.silence(seconds: 3)), file: "quiet.wav"))
        #expect(quiet.talkRatio == 0 && abs(quiet.longestSilenceSeconds - 3) < 0.001 && quiet.averageLevelDBFS == -120)
        // A Local channel with no audio: MixMonitor writes a 44-byte WAV.
        let empty = try WAVAudio(bytes: Self.wav([]), file: "empty.wav")
        #expect(Self.wav([]).count == 44 && empty.seconds == 0)
        let figures = AudioFigures(empty)
        #expect(figures.seconds == 0 && figures.talkRatio == 0 && figures.longestSilenceSeconds == 0 && figures.clippingRatio == 0)
    }

    @Test func aClippedToneIsMeasured() throws {
        let clipped = AudioFigures(try WAVAudio(bytes: Self.wav(Self.tone(seconds: 1, amplitude: 60000)), file: "hot.wav"))
        // A sine driven to 60000 peak spends asin(32700/60000)… of each cycle below the rail: ~63% clipped.
        #expect(clipped.clippingRatio > 0.5 && clipped.clippingRatio < 0.75, "\(clipped.clippingRatio)")
        #expect(clipped.talkRatio == 1)
    }

    @Test func twoLegsTellWhoSpokeAndTheOverlap() throws {
        // Caller talks 0–2 s, agent 1.5–3 s: 0.5 s of talking over each other.
        let caller = Self.tone(seconds: 2) + Self.silence(seconds: 1)
        let agent = Self.silence(seconds: 1.5) + Self.tone(seconds: 1.5, hz: 300)
        let stereo = zip(caller, agent).flatMap { [$0, $1] }
        let figures = AudioFigures(try WAVAudio(bytes: Self.wav(stereo, channels: 2), file: "legs.wav"))
        #expect(abs(figures.talkSecondsByLeg[0] - 2) < 0.03 && abs(figures.talkSecondsByLeg[1] - 1.5) < 0.03, "\(figures.talkSecondsByLeg)")
        #expect(abs(figures.overlapSeconds - 0.5) < 0.03, "\(figures.overlapSeconds)")
        #expect(abs(figures.talkRatio - 1) < 0.01)
    }

    /// Two mono legs of different lengths measure as the stereo recording of both would.
    @Test func monoLegsInterleaveIntoOneTwoLegRecording() throws {
        let caller = try WAVAudio(bytes: Self.wav(Self.tone(seconds: 2)), file: "caller.wav")
        let agent = try WAVAudio(bytes: Self.wav(Self.silence(seconds: 1.5) + Self.tone(seconds: 1.5, hz: 300)), file: "agent.wav")
        let both = try #require(WAVAudio(interleaving: caller, agent))
        #expect(both.channels == 2 && both.seconds == 3)
        let figures = AudioFigures(both)
        #expect(abs(figures.talkSecondsByLeg[0] - 2) < 0.03 && abs(figures.talkSecondsByLeg[1] - 1.5) < 0.03, "\(figures.talkSecondsByLeg)")
        #expect(abs(figures.overlapSeconds - 0.5) < 0.03)
        let stereo = try WAVAudio(bytes: Self.wav(Self.tone(seconds: 1) + Self.tone(seconds: 1), channels: 2), file: "stereo.wav")
        #expect(WAVAudio(interleaving: stereo, agent) == nil)
    }

    /// A file Asterisk is still writing has both sizes 0; a closed one has its own length.
    @Test func anUnfinishedFileIsToldFromAFinishedOne() throws {
        let finished = Self.wav(Self.tone(seconds: 1))
        #expect(WAVAudio.isFinished(head: Array(finished.prefix(8)), fileSize: finished.count))
        var unfinished = finished
        for index in 4..<8 { unfinished[index] = 0 }
        #expect(!WAVAudio.isFinished(head: Array(unfinished.prefix(8)), fileSize: unfinished.count))
        #expect(!WAVAudio.isFinished(head: Array("RIFX".utf8) + [0, 0, 0, 0], fileSize: 8))
    }

    @Test(arguments: [WAVAudio.Encoding.mulaw, .alaw])
    func g711DecodesToTheSameTone(_ encoding: WAVAudio.Encoding) throws {
        let tone = Self.tone(seconds: 1)
        let audio = try WAVAudio(bytes: Self.wav(tone, encoding: encoding), file: "g711.wav")
        #expect(audio.encoding == encoding && audio.frames == 8000)
        // Companding keeps each sample within a few percent.
        let worst = zip(audio.samples, tone).map { abs(Int($0) - Int($1)) }.max() ?? 0
        #expect(worst <= 300, "\(worst)")
        #expect(abs(AudioFigures(audio).talkRatio - 1) < 0.001)
    }

    @Test func brokenFilesAreNamedWithWhatIsWrong() throws {
        let good = Self.wav(Self.tone(seconds: 1))
        func problem(_ bytes: [UInt8]) -> String {
            do {
                _ = try WAVAudio(bytes: bytes, file: "bad.wav")
                return "read"
            } catch let error as WAVError {
                return error.description
            } catch {
                return "\(error)"
            }
        }
        #expect(problem(Array(good.prefix(10))) == "bad.wav: 10 bytes: too short for a WAV header")
        #expect(problem(Array("RIFX".utf8) + good.dropFirst(4)) == "bad.wav: not a RIFF/WAVE file")
        #expect(problem(Array(good.prefix(44 + 1000))) == "bad.wav: truncated: the data chunk says 16000 bytes, the file holds 1000")
        var stereoFive = good
        stereoFive[22] = 5
        #expect(problem(stereoFive) == "bad.wav: 5 channels (mono or stereo only)")
        var float = good
        float[20] = 3
        float[34] = 32
        #expect(problem(float) == "bad.wav: format 3 with 32-bit samples (PCM 16-bit, µ-law or A-law only)")
        #expect(problem(Array(good.prefix(36))) == "bad.wav: no data chunk")
        var long = good
        long[16] = 0xFF
        long[17] = 0xFF
        #expect(problem(long).hasPrefix("bad.wav: chunk 'fmt ' of 65535 bytes runs past the end"))
    }
}

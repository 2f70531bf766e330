import Core
import Foundation
import Recordings

/// Reads a recording's file, checks and measures it, and gives its index entry.
public enum RecordingIndexer {
    /// Files larger than this are refused rather than read (a day of 8 kHz stereo is ~2.7 GB).
    static let maxBytes = 2 << 30

    /// `call`: the call the file belongs to, when known (the server's own recordings); `steps`:
    /// its timeline, where the stretches left out for sensitive input are noted. A recording
    /// with its sides in files of their own (`record = legs`) has who spoke how much, and the
    /// talking over each other, measured from those.
    public static func entry(path: String, call: CallRecord?, steps: [CallEvent] = []) throws -> RecordingEntry {
        let (bytes, audio, modified) = try read(path)
        var figures = AudioFigures(audio)
        let legs = RecordingLegs.existing(of: path)
        if legs.count == 2, let both = WAVAudio(interleaving: try read(legs[0]).audio, try read(legs[1]).audio) {
            let sides = AudioFigures(both)
            figures.talkSecondsByLeg = sides.talkSecondsByLeg
            figures.overlapSeconds = sides.overlapSeconds
        }
        return RecordingEntry(
            path: path, uniqueID: call?.uniqueID ?? Self.uniqueID(in: path), linkedID: call?.linkedID, agent: call?.agentID, queue: call?.queue,
            caller: call?.callerNumber, customerID: call?.customerID, startedAt: call?.answeredAt ?? modified.addingTimeInterval(-figures.seconds),
            bytes: bytes.count, sha256: SHA256.hex(bytes), encoding: audio.encoding, channels: audio.channels, figures: figures,
            gaps: gaps(in: steps, seconds: figures.seconds)
        )
    }

    private static func read(_ path: String) throws -> (bytes: [UInt8], audio: WAVAudio, modified: Date) {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        let size = (attributes[.size] as? Int) ?? 0
        guard size <= maxBytes else { throw WAVError(file: path, problem: "\(size) bytes: larger than the \(maxBytes)-byte limit") }
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        return (bytes, try WAVAudio(bytes: bytes, file: path), (attributes[.modificationDate] as? Date) ?? Date())
    }

    /// The stretches noted as left out (`recording-gap`), within the file's length; one left
    /// open (the recording stopped there) runs to the end.
    static func gaps(in steps: [CallEvent], seconds: Double) -> [ClosedRange<Double>] {
        steps.filter { $0.kind == .recordingGap }.compactMap { step in
            let parts = (step.detail ?? "").split(separator: "-", omittingEmptySubsequences: false)
            guard parts.count == 2, let from = Double(parts[0]) else { return nil }
            let to = Double(parts[1]) ?? seconds
            return min(from, seconds)...min(max(from, to), seconds)
        }
    }

    /// Waits until Asterisk has finished the file: MixMonitor closes it (and only then writes
    /// the WAV header's sizes) on its own thread a moment after the call ends, the mixed file
    /// first, then the legs. Done when the
    /// header matches the file, or the file has not changed for two seconds; at most `limit`.
    public static func settled(_ path: String, limit: Duration = .seconds(10)) async {
        let deadline = ContinuousClock.now + limit
        var lastSize = -1, unchanged = 0
        while ContinuousClock.now < deadline {
            guard let handle = FileHandle(forReadingAtPath: path) else { return }
            let head = Array(handle.readData(ofLength: 8))
            let size = Int(handle.seekToEndOfFile())
            try? handle.close()
            if WAVAudio.isFinished(head: head, fileSize: size) { return }
            unchanged = size == lastSize ? unchanged + 1 : 0
            if unchanged >= 8 { return }
            lastSize = size
            try? await Task.sleep(for: .milliseconds(250))
        }
    }

    /// The uniqueid a file is named by (`1795460400.7.wav`), if it is.
    public static func uniqueID(in path: String) -> String? {
        let name = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        return name.range(of: #"^\d+\.\d+$"#, options: .regularExpression) != nil ? name : nil
    }
}

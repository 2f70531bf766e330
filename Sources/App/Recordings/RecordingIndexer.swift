import Core
import Foundation
import Recordings

/// Reads a recording's file, checks and measures it, and gives its index entry.
public enum RecordingIndexer {
    /// Files larger than this are refused rather than read (a day of 8 kHz stereo is ~2.7 GB).
    static let maxBytes = 2 << 30

    /// `call`: the call the file belongs to, when known (the server's own recordings).
    public static func entry(path: String, call: CallRecord?) throws -> RecordingEntry {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        let size = (attributes[.size] as? Int) ?? 0
        guard size <= maxBytes else { throw WAVError(file: path, problem: "\(size) bytes: larger than the \(maxBytes)-byte limit") }
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        let audio = try WAVAudio(bytes: bytes, file: path)
        let figures = AudioFigures(audio)
        let modified = (attributes[.modificationDate] as? Date) ?? Date()
        return RecordingEntry(
            path: path, uniqueID: call?.uniqueID ?? Self.uniqueID(in: path), linkedID: call?.linkedID, agent: call?.agentID, queue: call?.queue,
            caller: call?.callerNumber, customerID: call?.customerID, startedAt: call?.answeredAt ?? modified.addingTimeInterval(-figures.seconds),
            bytes: bytes.count, sha256: SHA256.hex(bytes), encoding: audio.encoding, channels: audio.channels, figures: figures
        )
    }

    /// The uniqueid a file is named by (`1795460400.7.wav`), if it is.
    public static func uniqueID(in path: String) -> String? {
        let name = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        return name.range(of: #"^\d+\.\d+$"#, options: .regularExpression) != nil ? name : nil
    }
}

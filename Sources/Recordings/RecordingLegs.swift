import Foundation

/// A recording made with each side in a file of its own (`record = legs`): the mixed file
/// `<name>.wav` and beside it `<name>-caller.wav` and `<name>-agent.wav`. The legs belong to the
/// mixed file's index entry: they are measured with it, listed with it and deleted with it.
public enum RecordingLegs {
    static let sides = ["-caller", "-agent"]

    public static func files(of path: String) -> (caller: String, agent: String) {
        let base = (path as NSString).deletingPathExtension
        let suffix = (path as NSString).pathExtension
        let dotted = suffix.isEmpty ? "" : "." + suffix
        return (base + sides[0] + dotted, base + sides[1] + dotted)
    }

    /// The legs of `path` that exist on disk, caller first.
    public static func existing(of path: String) -> [String] {
        let files = files(of: path)
        return [files.caller, files.agent].filter { FileManager.default.fileExists(atPath: $0) }
    }

    /// Whether `path` is a leg of a mixed recording that exists beside it.
    public static func isLeg(_ path: String) -> Bool {
        let base = (path as NSString).deletingPathExtension
        let suffix = (path as NSString).pathExtension
        guard let side = sides.first(where: { base.hasSuffix($0) }) else { return false }
        let mixed = String(base.dropLast(side.count)) + (suffix.isEmpty ? "" : "." + suffix)
        return FileManager.default.fileExists(atPath: mixed)
    }
}

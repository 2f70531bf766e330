/// The prompts the simulated Asterisk can play, with their lengths in 8 kHz samples (what
/// STREAM FILE reports as `endpos`). A file it does not have fails as Asterisk's does:
/// `200 result=-1 endpos=0`.
public struct SoundLibrary: Sendable {
    public var samples: [String: Int]
    /// Prompts under these folders exist with a length of two seconds (an admin's recordings).
    public var customFolders: [String]

    public init(samples: [String: Int] = SoundLibrary.core, customFolders: [String] = ["custom/"]) {
        self.samples = samples
        self.customFolders = customFolders
    }

    /// Asterisk's core sounds the product and the transcripts use (hello-world: 11234 samples,
    /// as agi-basic-ivr.log reports it).
    public static let core: [String: Int] = {
        var table = [
            "hello-world": 11234, "beep": 3408, "silence/1": 8000, "vm-goodbye": 6800, "pls-hold-while-try": 14400,
            "queue-thankyou": 13600, "queue-youarenext": 11200, "queue-thereare": 7200, "queue-callswaiting": 9600,
            "queue-holdtime": 12000, "queue-minutes": 5600, "vm-intro": 36000, "auth-thankyou": 6400,
            "sorry": 5000, "invalid": 9600, "tt-monkeys": 64000, "transfer": 8800, "please-try-again": 8000,
            "agent-user": 9600, "agent-pass": 8800, "agent-incorrect": 12000, "agent-loginok": 7200, "agent-loggedoff": 7600,
        ]
        for digit in 0...9 { table["digits/\(digit)"] = 6600 }
        return table
    }()

    /// The prompt's length in samples, nil when there is no such file.
    public func length(of file: String) -> Int? {
        if let known = samples[file] { return known }
        if customFolders.contains(where: { file.hasPrefix($0) }) { return 16000 }
        return nil
    }
}

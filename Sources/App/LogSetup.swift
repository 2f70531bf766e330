import Config
import Core

extension Logger {
    /// The process logger for `config`: standard error or the configured file, at the configured
    /// level, with the AMI secret registered so that no line ever shows it.
    public static func forServer(_ config: SwitchboardConfig) throws -> Logger {
        let sink = try config.general.logFile.map { try StreamLogSink(appendingTo: $0) } ?? StreamLogSink()
        sink.redact(config.ami.secret.reveal)
        return Logger(label: "switchboard", level: config.general.logLevel, sink: sink)
    }
}

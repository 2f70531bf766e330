import Foundation

/// A leveled logger value handed to each component; there is no global logger.
///
/// Messages are autoclosures, so a line below the level costs nothing to skip. Metadata is
/// ordered key=value pairs; keys that name a secret are masked when formatted.
public struct Logger: Sendable {
    public var label: String
    public var level: LogLevel
    public private(set) var metadata: [(key: String, value: String)]
    private let sink: any LogSink

    public init(label: String, level: LogLevel = .info, sink: any LogSink) {
        self.label = label
        self.level = level
        self.sink = sink
        metadata = []
    }

    /// A logger for a sub-component: same sink and level, its own label.
    public func named(_ label: String) -> Logger {
        var copy = self
        copy.label = label
        return copy
    }

    /// A copy that adds `key=value` to every line it writes.
    public func with(_ key: String, _ value: String) -> Logger {
        var copy = self
        copy.metadata.append((key, value))
        return copy
    }

    /// A logger that drops everything; for code paths and tests that need one but show nothing.
    public static var silent: Logger {
        Logger(label: "silent", level: .critical, sink: DiscardingLogSink())
    }

    public func log(
        _ level: LogLevel,
        _ message: @autoclosure () -> String,
        _ extra: KeyValuePairs<String, String> = [:]
    ) {
        guard level >= self.level else { return }
        var pairs = metadata
        for (key, value) in extra { pairs.append((key, value)) }
        sink.write(LogRecord(time: Date(), level: level, label: label, message: message(), metadata: pairs))
    }

    /// Inlined where it is called, like `debug`: the level check costs no call on the paths
    /// that trace every command and are almost never traced.
    @inlinable
    public func trace(_ message: @autoclosure () -> String, _ extra: KeyValuePairs<String, String> = [:]) {
        guard LogLevel.trace >= level else { return }
        log(.trace, message(), extra)
    }

    @inlinable
    public func debug(_ message: @autoclosure () -> String, _ extra: KeyValuePairs<String, String> = [:]) {
        guard LogLevel.debug >= level else { return }
        log(.debug, message(), extra)
    }

    public func info(_ message: @autoclosure () -> String, _ extra: KeyValuePairs<String, String> = [:]) {
        log(.info, message(), extra)
    }

    public func notice(_ message: @autoclosure () -> String, _ extra: KeyValuePairs<String, String> = [:]) {
        log(.notice, message(), extra)
    }

    public func warning(_ message: @autoclosure () -> String, _ extra: KeyValuePairs<String, String> = [:]) {
        log(.warning, message(), extra)
    }

    public func error(_ message: @autoclosure () -> String, _ extra: KeyValuePairs<String, String> = [:]) {
        log(.error, message(), extra)
    }
}

struct DiscardingLogSink: LogSink {
    func write(_ record: LogRecord) {}
}

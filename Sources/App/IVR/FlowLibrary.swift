import Config
import Core
import IVR
import Synchronization

/// The flows the server runs, reloaded on SIGHUP or `switchboard flows reload`. A reload that
/// finds errors keeps the flows already loaded; a call keeps the version it started with.
public final class FlowLibrary: Sendable {
    public let folder: String
    public let sounds: String?
    private let flowsByName = Mutex<[String: Flow]>([:])
    private let logger: Logger

    public init(folder: String, sounds: String?, logger: Logger) {
        self.folder = folder
        self.sounds = sounds
        self.logger = logger
    }

    public func flow(named name: String) -> Flow? { flowsByName.withLock { $0[name] } }

    /// Every flow as loaded now: what a call starting now keeps to its end.
    public var flows: [String: Flow] { flowsByName.withLock { $0 } }

    public var names: [String] { flowsByName.withLock { $0.keys.sorted() } }

    /// Loads the folder again. On errors nothing changes; returns every diagnostic.
    @discardableResult
    public func reload() -> [ConfigDiagnostic] {
        let (loaded, diagnostics) = FlowChecker.check(folder: folder, sounds: nil)
        let errors = diagnostics.filter { $0.severity == .error }
        for diagnostic in diagnostics { logger.log(diagnostic.severity == .error ? .error : .warning, "\(diagnostic)") }
        guard errors.isEmpty else {
            logger.error("flows not reloaded: \(errors.count) error\(errors.count == 1 ? "" : "s") in \(folder); the flows already loaded stay")
            return diagnostics
        }
        flowsByName.withLock { $0 = loaded }
        logger.notice("flows loaded", ["folder": folder, "flows": loaded.keys.sorted().joined(separator: ",")])
        return diagnostics
    }
}

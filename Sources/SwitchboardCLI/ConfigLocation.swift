import Core
import Config
import Foundation

/// Which configuration a command uses: `--config FILE`, else `$SWITCHBOARD_CONFIG`, else
/// /etc/asterisk/switchboard.conf when it exists, else the built-in defaults.
enum ConfigLocation {
    static func path(for parsed: ParsedCommand) -> String? {
        if let explicit = parsed.value("config") { return explicit }
        if let fromEnvironment = ProcessInfo.processInfo.environment["SWITCHBOARD_CONFIG"], !fromEnvironment.isEmpty {
            return fromEnvironment
        }
        if FileManager.default.fileExists(atPath: SwitchboardConfig.standardPath) { return SwitchboardConfig.standardPath }
        return nil
    }

    /// The configuration and its warnings; throws `ConfigError` listing every error.
    static func load(for parsed: ParsedCommand) throws -> (SwitchboardConfig, warnings: [ConfigDiagnostic]) {
        guard let path = path(for: parsed) else { return (SwitchboardConfig(), []) }
        return try SwitchboardConfig.load(path: path)
    }
}

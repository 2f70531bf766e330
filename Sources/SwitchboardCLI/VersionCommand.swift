import Core

/// `switchboard version`.
enum VersionCommand {
    static let spec = CommandSpec(
        name: "version",
        summary: "print the version",
        action: { _, terminal in terminal.print("switchboard \(SwitchboardVersion.current)") }
    )
}

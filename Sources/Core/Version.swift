/// The version `switchboard version` and the control socket report.
public enum SwitchboardVersion {
    public static let current = "0.1.0"
}

import Foundation
import Core
import Wire
import Alerts

/// The resolved `switchboard.conf`: every value either given in the file or a default.
public struct SwitchboardConfig: Sendable {
    public struct General: Sendable {
        public var databasePath = "switchboard.db"
        public var recordingsPath = "recordings"
        public var logLevel = LogLevel.info
        /// nil: log to standard error.
        public var logFile: String?
        /// How callers' numbers are written here, for matching them to customers and history.
        public var phoneNumbers = PhoneNumberPlan()
        /// The call center's own time zone: opening hours, holidays and "today" are in it,
        /// whatever the server's clock is set to.
        public var timeZone = TimeZone.current
        /// How a number is dialled out through the trunk, `{number}` standing for it
        /// (`PJSIP/{number}@trunk`, `SIP/trunk/{number}`): callbacks go out this way.
        public var trunk = "PJSIP/{number}@trunk"

        /// The dial string for `number` through the trunk.
        public func trunkDial(_ number: String) -> String { trunk.replacingOccurrences(of: "{number}", with: number) }
    }

    public struct AGI: Sendable {
        public var bindAddress = "127.0.0.1"
        public var port: UInt16 = 4573
        /// Peers that may connect; by default loopback only.
        public var allow: [AddressRange] = [try! AddressRange(parsing: "127.0.0.0/8"), try! AddressRange(parsing: "::1")]
    }

    public struct AMI: Sendable {
        public var host = "127.0.0.1"
        public var port: UInt16 = 5038
        public var username = ""
        public var secret = Secret("")
        /// `md5` (challenge: the secret never crosses the wire) or `plain`.
        public var login = Login.md5
        /// AMI is used only when a username is configured.
        public var isConfigured: Bool { !username.isEmpty }
    }

    /// How Switchboard logs in to AMI.
    public enum Login: String, Sendable {
        case md5
        case plain
    }

    public struct IVR: Sendable {
        /// The folder of flow files (`<name>.conf` is served at agi://…/ivr/<name>).
        public var flowsPath = "dialplans/ivr"
        /// Asterisk's sounds folder, for `flows check` to find prompts; nil skips that check.
        public var soundsPath: String?
        /// Where the operator fallback and `on-error` transfers go when a flow names none; flows
        /// dial it as `${OPERATOR}` (`PJSIP/operator`, `SIP/operator`).
        public var operatorTarget = "PJSIP/operator"
    }

    public struct ACD: Sendable {
        /// Log every agent in when the server starts (demos, tests); otherwise agents log in by
        /// phone or `switchboard agent login`.
        public var loginAtStart = false
        /// The queues file (strategy, rules, holding); nil: queues take the flows' skills and defaults.
        public var queuesPath: String?
        /// Agents to create at start when the database does not have them.
        public var agentsPath: String?
    }

    public struct Control: Sendable {
        public var socketPath = "switchboard.ctl"
        /// The group the socket belongs to (mode 0660); nil: the server's own.
        public var group: String?
        /// Who holds each role: user names and `@group`s. Root and the server's own user are
        /// admins whatever this says.
        public var admins: [String] = []
        public var supervisors: [String] = []
        /// Agents may change their own state only; `user:AGENT` names the agent a user is,
        /// otherwise the user name is the agent id.
        public var agents: [String] = []

        public init() {}
    }

    public struct Reports: Sendable {
        /// Where Asterisk's `queue_log` lines for Switchboard's routing go; nil: not written.
        public var queueLogPath: String?
    }

    public struct Recordings: Sendable {
        /// A call's recording under `[general] recordings`: `{queue}`, `{yyyy}`, `{mm}`, `{dd}`,
        /// `{uniqueid}`, `{agent}`.
        public var name = "{queue}/{yyyy}/{mm}/{dd}/{uniqueid}.wav"
        /// `serve` deletes the recordings past their queue's retention once a day.
        public var purgeDaily = false
    }

    public struct Tickets: Sendable {
        /// The tickets file: which calls become tickets, SLA policies, open time; nil: no
        /// tickets are made from calls (people can still make them).
        public var rulesPath: String?
    }

    public struct Metrics: Sendable {
        /// Where Prometheus scrapes `/metrics` (`host:port`); nil: not served.
        public var listen: (host: String, port: UInt16)?
    }

    /// `[dialplan]`: the templates `switchboard dialplan` renders and applies.
    public struct Dialplan: Sendable {
        /// The folder of templates: each `*.conf` in it renders to a file of the same name.
        public var templatesPath = "dialplans"
        /// Asterisk's configuration folder, where `dialplan apply` installs the files.
        public var asteriskPath = "/etc/asterisk"
        /// FastAGI URLs, tried in order (`agi://…`, or one `hagi://` SRV name); empty: the
        /// `[agi]` listener's own.
        public var agiURLs: [String] = []
        /// Numbers (DIDs) and the flow each runs: `number = 4008001234 => main`.
        public var numbers: [(number: String, flow: String, location: SourceLocation)] = []
        /// The flow for numbers not listed.
        public var defaultFlow = "main"
        /// Where Switchboard connects to AMI from (`permit =` of its manager user).
        public var amiPermit = "127.0.0.1/255.255.255.255"
    }

    /// `[alerts]`: rules that tell supervisors when something needs them.
    public struct Alerts: Sendable {
        public var rules: [AlertRule] = []
        /// A phone rung with `custom/alert` each time an alert fires.
        public var call: String?
    }

    public var general = General()
    public var agi = AGI()
    public var ami = AMI()
    public var ivr = IVR()
    public var acd = ACD()
    public var control = Control()
    public var reports = Reports()
    public var metrics = Metrics()
    public var tickets = Tickets()
    public var recordings = Recordings()
    public var dialplan = Dialplan()
    public var alerts = Alerts()
    /// The file this came from; nil for the built-in defaults.
    public var sourceFile: String?

    public init() {}
}

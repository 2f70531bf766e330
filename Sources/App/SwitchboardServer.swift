import ACD
import AGI
import AMI
import Config
import Core
import Foundation
import Glibc
import IVR
import Reports
import Store
import Tickets
import Wire

/// The long-running `switchboard serve` process: binds its sockets, runs until SIGTERM or
/// SIGINT, then stops accepting, drains, and returns within `drainTimeout` plus a moment.
public final class SwitchboardServer: Sendable {
    public static let drainTimeout = Duration.milliseconds(1500)

    public let config: SwitchboardConfig
    /// Commands of the control socket; components register theirs.
    public let router = ControlRouter()
    /// FastAGI script paths and their handlers; engines register theirs (`ivr`, `agent`, …).
    public let agiRouter = AGIRouter()
    private let logger: Logger
    private let startedAt = Date()
    private let started = MonotonicTime.now()

    /// What time the IVR flows' conditions see; the demo pins it to office hours.
    private let clock: @Sendable () -> Date

    /// How many seconds pass in the calls' world per real second: 1, but faster against a
    /// simulated Asterisk whose clock runs fast (queue holds count their waits in its seconds).
    private let pace: Double

    public init(config: SwitchboardConfig, logger: Logger, clock: @escaping @Sendable () -> Date = { Date() }, pace: Double = 1) {
        self.config = config
        self.logger = logger
        self.clock = clock
        self.pace = pace
    }

    /// Serves until `shutdown` yields (the signal stream in production, a test's trigger otherwise).
    /// Throws before serving anything if a socket cannot be bound.
    public func run(until shutdown: AsyncStream<Int32>) async throws {
        let writer: WriterLock
        do {
            writer = try WriterLock(databasePath: config.general.databasePath, holder: "switchboard serve")
        } catch {
            throw StartupError("cannot serve: \(error)")
        }
        defer { withExtendedLifetime(writer) {} }
        let store: Store
        do {
            store = try await Store.open(path: config.general.databasePath, plan: config.general.phoneNumbers)
        } catch {
            throw StartupError("cannot open the database \(config.general.databasePath): \(error)")
        }
        defer { store.close() }
        let schema = try await store.schemaVersion()
        let queues: [String: QueueSettings]
        do {
            queues = try config.acd.queuesPath.map { try QueueSettings.load(file: $0) } ?? [:]
        } catch {
            throw StartupError("bad queues file \(config.acd.queuesPath ?? ""): \(error)")
        }
        if let seedsPath = config.acd.agentsPath {
            do {
                let added = try await AgentSeeds.plant(try AgentSeeds.load(file: seedsPath), in: store)
                if !added.isEmpty { logger.notice("agents added from \(seedsPath)", ["agents": added.joined(separator: ",")]) }
            } catch {
                throw StartupError("bad agents file \(seedsPath): \(error)")
            }
        }
        let queueLog: QueueLogWriter?
        do {
            queueLog = try config.reports.queueLogPath.map { path in
                try QueueLogWriter(path: path, ringTimeouts: queues.mapValues(\.definition.ringTimeoutSeconds), logger: logger.named("reports"))
            }
        } catch {
            throw StartupError("cannot write the queue_log: \(error)")
        }
        let agents = try await store.agents()
        let agiAddress = try SocketAddress(host: config.agi.bindAddress, port: config.agi.port)
        let agi: AGIServer
        do {
            agi = AGIServer(
                listener: try Listener(bind: agiAddress, quickAck: true), allow: config.agi.allow, router: agiRouter,
                logger: logger.named("agi")
            )
        } catch {
            throw StartupError("cannot listen for FastAGI on \(agiAddress): \(error)")
        }
        let control: ControlServer
        do {
            let auditLogger = logger.named("audit")
            control = try await ControlServer(
                path: config.control.socketPath, group: config.control.group, router: router, policy: AccessPolicy(config.control),
                audit: { entry in
                    do { try await store.audit(entry) } catch { auditLogger.error("audit row not written: \(error)", ["command": entry.command]) }
                },
                logger: logger.named("control")
            )
        } catch {
            agi.stopAccepting()
            throw error
        }
        let ami = config.ami.isConfigured ? AMIClient(settings: amiSettings, logger: logger.named("ami")) : nil
        let flows = FlowLibrary(folder: config.ivr.flowsPath, sounds: config.ivr.soundsPath, logger: logger.named("ivr"))
        flows.reload()
        var settings = CallCenter.Settings(recordingsFolder: config.general.recordingsPath)
        settings.loginAtStart = config.acd.loginAtStart
        settings.clock = clock
        settings.pace = pace
        settings.timeZone = config.general.timeZone
        settings.operatorTarget = config.ivr.operatorTarget
        settings.trunkDial = { [general = config.general] in general.trunkDial($0) }
        settings.queueLog = queueLog
        settings.recordingPattern = config.recordings.name
        do {
            settings.tickets = try TicketDesk.make(config: config, store: store, flows: flows.flows, logger: logger.named("tickets"))
        } catch {
            agi.stopAccepting()
            control.stopAccepting()
            throw StartupError("bad tickets file \(config.tickets.rulesPath ?? ""): \(error)")
        }
        let center = CallCenter(store: store, agents: agents, queues: queues, flows: flows, ami: ami, settings: settings, logger: logger)
        let routing = center.routing
        let metrics: HTTPResponder?
        do {
            metrics = try config.metrics.listen.map { try Self.metricsResponder($0, center: center, agi: agi, ami: ami, logger: logger.named("metrics")) }
        } catch {
            agi.stopAccepting()
            control.stopAccepting()
            throw error
        }
        center.register(in: agiRouter)
        register(center, ami: ami)
        do {
            // A day is at most 25 hours (a change of clocks); the feed keeps today's parts only.
            let today = ReportInterval.day.start(of: Date(), in: config.general.timeZone)
            center.wallboard.add(try await store.queueTallies(from: today, to: today.addingTimeInterval(25 * 3600)))
        } catch {
            logger.error("today's queue figures not read; the wallboard counts from now", ["error": "\(error)"])
        }
        var restoring: Task<Void, Never>?
        if let ami {
            restoring = Task { await Self.restoreCallbacks(into: routing, from: store, once: ami, logger: logger.named("acd")) }
        }
        router.register("status", role: .supervisor, changes: false) { [self] _ in status(agi: agi, ami: ami, metrics: metrics, database: store.path, schema: schema) }
        router.register("channels", role: .supervisor, changes: false) { _ in
            guard let ami else { throw ControlCommandError("AMI is not configured: set [ami] username and secret in the config") }
            return ami.channels.map(ChannelSummary.init)
        }
        logger.notice("switchboard \(SwitchboardVersion.current) started", [
            "pid": "\(getpid())",
            "config": config.sourceFile ?? "built-in defaults",
            "agi": "\(agi.localAddress)",
            "database": store.path,
            "control": control.path,
            "metrics": metrics.map { "http://\($0.localAddress)/metrics" } ?? "not served",
        ])

        let services = Task {
            await withDiscardingTaskGroup { group in
                group.addTask { await agi.run() }
                group.addTask { await control.run() }
                if let metrics { group.addTask { await metrics.run() } }
                if let ami { group.addTask { await ami.run() } }
            }
        }
        // The ACD's clock ticks until shutdown; it has nothing to drain. It follows the phones' states over AMI.
        let ticking = Task { [timeZone = config.general.timeZone] in await routing.run(today: { RoutingService.localDate(in: timeZone) }) }
        let following = ami.map { ami in Task { await center.follow(ami) } }
        let purging = config.recordings.purgeDaily
            ? Task { [byCategory = settings.tickets?.settings.retentionByCategory ?? [:]] in
                let policy = RecordingRetention(byQueue: queues.compactMapValues(\.retentionDays), byCategory: byCategory)
                await Self.purgeDaily(policy, store: store, logger: logger.named("recordings"))
            }
            : nil
        let alerting = config.alerts.rules.isEmpty ? nil : Task { [config] in
            await AlertWatch(
                rules: config.alerts.rules, call: config.alerts.call, routing: routing, wallboard: center.wallboard, ami: ami,
                recordingsFolder: config.general.recordingsPath, logger: logger.named("alerts")
            ).run()
        }
        let escalating = settings.tickets.map { desk in
            Task { [wallboard = center.wallboard, general = config.general] in
                let survey = ami.map { Self.surveyCaller($0, trunk: general, logger: logger.named("tickets")) }
                await desk.run(every: .milliseconds(Int(desk.settings.checkEverySeconds * 1000)), fired: { ticket, step in
                    wallboard.notice("\(ticket.number) escalated (\(step.name)): \(ticket.priority.rawValue), \(ticket.assignee?.description ?? "unassigned") — \(ticket.subject)")
                    if let phone = step.call, let ami { Self.announce(ticket, on: phone, through: ami, logger: logger.named("tickets")) }
                }, survey: survey)
            }
        }

        for await number in shutdown {
            if number == SIGHUP {
                logger.notice("received SIGHUP, reloading flows\(queueLog == nil ? "" : " and reopening the queue_log")")
                flows.reload()
                queueLog?.reopen()
                continue
            }
            logger.notice("received \(SignalStream.name(number)), shutting down")
            break
        }
        agi.stopAccepting()
        control.stopAccepting()
        metrics?.stopAccepting()
        center.wallboard.finish()
        ticking.cancel()
        escalating?.cancel()
        alerting?.cancel()
        purging?.cancel()
        restoring?.cancel()
        await ami?.stop()
        following?.cancel()
        // Connections get the drain period to finish; then they are closed, then cancelled.
        let drain = Task {
            try await Task.sleep(for: Self.drainTimeout)
            logger.warning("drain period over, closing remaining connections", ["agi sessions": "\(agi.activeSessions)"])
            agi.closeAll()
            control.closeAll()
            metrics?.closeAll()
            try await Task.sleep(for: .milliseconds(250))
            services.cancel()
        }
        await services.value
        drain.cancel()
        await center.finish()
        logger.notice("switchboard stopped")
    }

    /// `/metrics` for Prometheus on `listen` (`[metrics] listen`).
    static func metricsResponder(
        _ listen: (host: String, port: UInt16), center: CallCenter, agi: AGIServer, ami: AMIClient?, logger: Logger
    ) throws -> HTTPResponder {
        let address = try SocketAddress(host: listen.host, port: listen.port)
        let listener: Listener
        do {
            listener = try Listener(bind: address)
        } catch {
            throw StartupError("cannot serve metrics on \(address): \(error)")
        }
        return HTTPResponder(listener: listener, logger: logger) { path in
            guard path == "/metrics" else { return nil }
            let page = MetricsPage.render(queues: center.routing.report(), counts: center.metrics.snapshot, agi: agi, ami: ami?.status)
            return HTTPResponder.Response(status: 200, contentType: "text/plain; version=0.0.4; charset=utf-8", body: page)
        }
    }

    /// Deletes recordings past retention once a day, from an hour after the start on.
    static func purgeDaily(_ policy: RecordingRetention, store: Store, logger: Logger) async {
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: .seconds(3600))
                let removed = try await policy.purge(store, delete: true, who: "switchboard serve")
                if !removed.isEmpty { logger.notice("recordings past retention deleted", ["count": "\(removed.count)"]) }
                try await Task.sleep(for: .seconds(23 * 3600))
            } catch is CancellationError {
                return
            } catch {
                logger.error("recordings not purged: \(error)")
            }
        }
    }

    /// Rings a supervisor's phone over AMI and plays them `custom/ticket-escalated`.
    static func announce(_ ticket: Ticket, on phone: String, through ami: AMIClient, logger: Logger) {
        Task {
            do {
                _ = try await ami.send(
                    .originate(channel: phone, application: "Playback", data: "custom/ticket-escalated", callerID: "\"\(ticket.number)\" <\(ticket.id)>", timeout: .seconds(30)),
                    timeout: .seconds(45)
                )
            } catch {
                logger.warning("escalation call not placed: \(error)", ["ticket": ticket.number, "phone": phone])
            }
        }
    }

    /// Places survey calls while AMI is up.
    static func surveyCaller(_ ami: AMIClient, trunk: SwitchboardConfig.General, logger: Logger) -> @Sendable (TicketSurvey, String) async -> Void {
        { survey, uniqueID in
            guard ami.status.state == "connected" else { return }
            await surveyCall(survey, uniqueID: uniqueID, dialling: trunk.trunkDial(survey.phone), through: ami, logger: logger)
        }
    }

    /// A solved ticket's satisfaction survey: the customer is called through the trunk and, once
    /// they answer, runs `[switchboard-survey]` (the survey flow); the call has `uniqueID`, so its
    /// answers find the ticket.
    static func surveyCall(_ survey: TicketSurvey, uniqueID: String, dialling: String, through ami: AMIClient, logger: Logger) async {
        do {
            _ = try await ami.send(
                .originate(
                    channel: dialling, context: "switchboard-survey", exten: "s", priority: 1, callerID: "\"Survey\" <\(survey.phone)>",
                    timeout: .seconds(40), variables: [("SB_TICKET", TicketNumber.text(survey.ticketID))], channelID: uniqueID
                ),
                timeout: .seconds(55)
            )
        } catch {
            logger.notice("survey call not answered: \(error)", ["ticket": TicketNumber.text(survey.ticketID), "uniqueid": uniqueID])
        }
    }

    /// The control commands of the flows and the ACD.
    private func register(_ center: CallCenter, ami: AMIClient?) {
        let flows = center.flows
        router.register("flows-reload", role: .admin, changes: true) { _ in
            let diagnostics = flows.reload()
            return FlowsReloadReply(flows: flows.names, problems: diagnostics.map(\.description), reloaded: !diagnostics.contains { $0.severity == .error })
        }
        register(center.routing, store: center.store, wallboard: center.wallboard)
        CallControl(routing: center.routing, ami: ami, logger: logger.named("control")).register(in: router)
    }

    /// Callback requests still pending from before a restart go back in line once AMI is up to place them.
    static func restoreCallbacks(into routing: RoutingService, from store: Store, once ami: AMIClient, logger: Logger) async {
        while ami.status.state != "connected" {
            do { try await Task.sleep(for: .milliseconds(100)) } catch { return }
        }
        do {
            let restored = routing.restore(try await store.pendingCallbacks())
            if restored > 0 { logger.notice("callback requests back in line", ["count": "\(restored)"]) }
        } catch {
            logger.error("callback requests not restored: \(error)")
        }
    }

    /// A callback through AMI: Originate rings the agent's phone and, once answered, runs
    /// `[switchboard-callback]`, which dials the caller's number out through the trunk
    /// (`SB_DIAL`, from `[general] trunk`; dialplans/extensions_switchboard.conf).
    static func callBack(_ request: RoutingService.CallbackRequest, dialling trunkDial: String, through ami: AMIClient, routing: RoutingService) {
        Task {
            do {
                _ = try await ami.send(
                    .originate(
                        channel: request.endpoint, context: "switchboard-callback", exten: request.number, priority: 1,
                        callerID: "\"Callback\" <\(request.number)>", timeout: .seconds(Int(request.ringSeconds)),
                        variables: [("SB_CALLBACK", request.uniqueID ?? ""), ("SB_DIAL", trunkDial)]
                    ),
                    timeout: .seconds(Int(request.ringSeconds) + 15)
                )
                routing.callbackResult(request.call, .connected)
            } catch AMIError.notConnected, AMIError.disconnected {
                routing.callbackResult(request.call, .notPlaced)
            } catch {
                routing.callbackResult(request.call, .notAnswered)
            }
        }
    }

    /// The control commands supervisors and agents use: `queue-show`, `agent`.
    private func register(_ routing: RoutingService, store: Store, wallboard: WallboardFeed) {
        router.register("queue-show", role: .supervisor, changes: false) { _ in routing.report() }
        router.registerStream("wallboard", role: .supervisor) { [wallboard] request, send in
            let only = Set(request.arguments["queues"].map { $0.split(separator: ",").map(String.init) } ?? [])
            let known = Set(routing.report().queues).union(routing.settings.keys)
            if let unknown = only.subtracting(known).sorted().first {
                throw ControlCommandError("no queue '\(unknown)' (queues: \(known.sorted().joined(separator: ", ")))")
            }
            let targets = { (queue: String) in routing.settings[queue]?.reportTarget ?? ReportSheets.Target() }
            for await _ in wallboard.subscribe() {
                try await send(wallboard.frame(routing.report(), targets: targets, only: only))
            }
        }
        router.register("agent", role: .agent, changes: true) { request in
            guard let id = request.arguments["agent"], let change = request.arguments["change"].flatMap(RoutingService.AgentChange.init(rawValue:)) else {
                throw ControlCommandError("agent needs an agent id and one of login, logout, pause, unpause")
            }
            if change == .login, let agent = try await store.agent(id: id) { routing.learn(agent) }
            if let problem = routing.change(id, change, reason: request.arguments["reason"]) { throw ControlCommandError(problem) }
            return "agent \(id): \(change.rawValue)"
        }
    }

    private var amiSettings: AMIClient.Settings {
        var settings = AMIClient.Settings(host: config.ami.host, port: config.ami.port, username: config.ami.username, secret: config.ami.secret)
        settings.auth = config.ami.login == .plain ? .plain : .md5
        return settings
    }

    func status(agi: AGIServer, ami: AMIClient?, metrics: HTTPResponder?, database: String, schema: Int) -> StatusReport {
        StatusReport(
            version: SwitchboardVersion.current,
            pid: getpid(),
            startedAt: startedAt,
            uptimeSeconds: started.secondsElapsed,
            configFile: config.sourceFile,
            controlSocket: config.control.socketPath,
            database: ComponentStatus(state: "open", detail: "\(database), schema version \(schema)"),
            agi: ComponentStatus(
                state: "listening",
                detail: "\(agi.localAddress)",
                counts: [
                    "active sessions": agi.activeSessions,
                    "finished sessions": agi.finishedSessions,
                    "failed sessions": agi.failedSessions,
                ]
            ),
            ami: ami.map { ami in
                let status = ami.status
                return ComponentStatus(
                    state: status.state, detail: status.detail.isEmpty ? nil : status.detail,
                    counts: [
                        "connects": status.connects, "events": status.events, "live channels": status.liveChannels,
                        "subscriber overflows": status.subscriberOverflows,
                    ]
                )
            } ?? ComponentStatus(state: "not configured", detail: "no [ami] username in the config"),
            metrics: metrics.map { ComponentStatus(state: "serving", detail: "http://\($0.localAddress)/metrics") }
                ?? ComponentStatus(state: "not served", detail: "no [metrics] listen in the config")
        )
    }
}

/// What `flows reload` answers: the flows now served and any problems found.
public struct FlowsReloadReply: Codable, Sendable {
    public var flows: [String]
    public var problems: [String]
    public var reloaded: Bool
}

/// The server could not start: a socket it needs cannot be bound. One line for the operator.
public struct StartupError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

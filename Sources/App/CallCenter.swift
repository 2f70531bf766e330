import AGI
import AMI
import Core
import Foundation
import Recordings
import IVR
import Reports
import Store

/// The server's call handling wired together, without its sockets: the store's journal, the
/// call ledger, the ACD, the flows and the FastAGI handlers (`ivr/<flow>`, `agent/<feature>`).
/// `serve` builds one; so do tests that drive it through their own FastAGI server.
final class CallCenter: Sendable {
    struct Settings: Sendable {
        var recordingsFolder: String
        var loginAtStart = false
        /// What time the flows' conditions see; the demo pins it to office hours.
        var clock: @Sendable () -> Date = { Date() }
        /// Seconds of a simulated Asterisk's time per real second (1 against a real one): what
        /// queue holds count their waits in.
        var pace = 1.0
        var timeZone = TimeZone.current
        var operatorTarget = "PJSIP/operator"
        /// How a callback's number is dialled out (`[general] trunk`).
        var trunkDial: @Sendable (String) -> String = { "PJSIP/\($0)@trunk" }
        var hangupGrace = Duration.seconds(3)
        /// Where routing is also told as app_queue's `queue_log` (`[reports] queue_log`).
        var queueLog: QueueLogWriter?
        /// Recordings' names under the folder (`[recordings] name`).
        var recordingPattern = RecordingName.defaultPattern
        /// Makes tickets of ended calls by its rules (`[tickets] rules`).
        var tickets: TicketDesk?

        init(recordingsFolder: String) {
            self.recordingsFolder = recordingsFolder
        }
    }

    let store: Store
    let flows: FlowLibrary
    /// What `/metrics` counts: outcomes of ended calls, the store's write times, AMI's lag.
    let metrics: ServerMetrics
    /// Today's queue figures and the change signal that `switchboard wallboard` is drawn from.
    let wallboard: WallboardFeed
    let journal: StoreJournal
    /// Ended calls on their way to their ticket and recording index.
    let endedWork: EndedCallWork
    let ledger: CallLedger
    let routing: RoutingService
    let ivr: IVRHandler
    let features: AgentFeatureHandler

    init(store: Store, agents: [Agent], queues: [String: QueueSettings], flows: FlowLibrary, ami: AMIClient?, settings: Settings, logger: Logger) {
        self.store = store
        self.flows = flows
        let metrics = ServerMetrics()
        self.metrics = metrics
        let wallboard = WallboardFeed(zone: settings.timeZone)
        self.wallboard = wallboard
        let journal = StoreJournal(store: store, logger: logger.named("store"), metrics: metrics)
        var jobs: [EndedCallWork.Job] = []
        if let desk = settings.tickets {
            jobs.append(EndedCallWork.Job(name: "ticket") { call, steps in try await desk.take(call, steps: steps) })
        }
        jobs.append(EndedCallWork.Job(name: "recording index") { call, steps in
            guard let path = call.recording, FileManager.default.fileExists(atPath: path) else { return }
            for file in [path] + RecordingLegs.existing(of: path) { await RecordingIndexer.settled(file) }
            try await store.saveRecording(try RecordingIndexer.entry(path: path, call: call, steps: steps))
        })
        let endedWork = EndedCallWork(jobs, logger: logger.named("calls"))
        self.endedWork = endedWork
        let amiReady: @Sendable () -> Bool = { ami?.status.state == "connected" }
        // Records are stamped by the wall clock (the flows' clock may be a simulated day).
        let stamp: @Sendable () -> Date = { Date() }
        let queueLog = settings.queueLog
        let ledger = CallLedger(
            queues: queues, hangupGrace: settings.hangupGrace, clock: stamp, amiReady: amiReady, queueLog: queueLog,
            write: { journal.write($0) },
            ended: { call, steps, tallies in
                metrics.callFinished(call.outcome)
                if let queue = tallies.queue { wallboard.add([queue]) }
                endedWork.take(call, steps: steps)
            }
        )
        let routing = RoutingService(
            agents: agents, queues: queues, loggedIn: settings.loginAtStart, logger: logger.named("acd"), amiReady: amiReady,
            journal: { entry in
                switch entry {
                case .call(let uniqueID, let event, let secondsAgo): ledger.record(uniqueID: uniqueID, event, secondsAgo: secondsAgo)
                case .agent(let id, let state, let reason, let queues):
                    let at = stamp()
                    queueLog?.agent(id, state: state, reason: reason, queues: queues, at: at)
                    journal.write(.agentState(agentID: id, state: state, reason: reason, at: at))
                case .callbackRequested(let request): journal.write(.callbackRequested(request))
                case .callbackTaken(let uniqueID, let agent): journal.write(.callbackTaken(uniqueID: uniqueID, agent: agent, at: stamp()))
                }
            },
            changed: { wallboard.changed() }
        )
        // Logged in by the server at start: reports count their time from now.
        if settings.loginAtStart {
            for agent in agents {
                let at = stamp()
                queueLog?.agent(agent.id, state: "available", reason: nil, queues: routing.queues(servedBy: agent.id), at: at)
                journal.write(.agentState(agentID: agent.id, state: "available", reason: "logged in at start", at: at))
            }
        }
        if let ami {
            routing.setCallbackExecutor { [trunkDial = settings.trunkDial] request in
                SwitchboardServer.callBack(request, dialling: trunkDial(request.number), through: ami, routing: routing)
            }
        }
        var services = StoreFlowServices(
            store: store, recordingsFolder: settings.recordingsFolder, logger: logger.named("ivr"), routing: routing, ledger: ledger
        )
        services.clock = settings.clock
        services.pace = settings.pace
        services.timeZone = settings.timeZone
        services.operatorTarget = settings.operatorTarget
        services.tickets = settings.tickets
        services.recordingName = RecordingName(folder: settings.recordingsFolder, pattern: settings.recordingPattern, zone: settings.timeZone)
        self.journal = journal
        self.ledger = ledger
        self.routing = routing
        ivr = IVRHandler(library: flows, services: services, ledger: ledger, ami: ami, logger: logger.named("ivr"))
        features = AgentFeatureHandler(routing: routing, store: store, tickets: settings.tickets, logger: logger.named("acd"))
    }

    /// Hands FastAGI scripts to their handlers.
    func register(in router: AGIRouter) {
        router.register("ivr") { [ivr] session in try await ivr.handle(session) }
        router.register("agent") { [features] session in try await features.handle(session) }
    }

    /// Follows Asterisk over AMI until cancelled: phones' states for the ACD, channels for the ledger.
    func follow(_ ami: AMIClient) async {
        await withDiscardingTaskGroup { group in
            group.addTask { await self.routing.follow(ami) }
            group.addTask { await self.ledger.follow(ami, taken: self.metrics.eventTaken(lag:)) }
        }
    }

    /// Writes every call still open and everything waiting for the store.
    func finish() async {
        ledger.finishAll()
        await endedWork.finish()
        await journal.finish()
    }
}

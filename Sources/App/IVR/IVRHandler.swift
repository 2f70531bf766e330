import AGI
import Core
import Foundation
import IVR
import Store

/// `agi://…/ivr/<flow>`: runs the flow for the call and keeps the call's record.
struct IVRHandler: Sendable {
    let library: FlowLibrary
    let services: StoreFlowServices
    let store: Store
    let logger: Logger

    func handle(_ session: AGISession) async throws {
        let environment = session.environment
        let name = environment.script.path.split(separator: "/").last.map(String.init) ?? ""
        guard let flow = library.flow(named: name) else {
            logger.warning("no IVR flow for this call; hanging up", ["flow": name, "uniqueid": environment.uniqueID])
            try? await session.verbose("Switchboard: no IVR flow '\(name)' (flows: \(library.names.joined(separator: ", ")))")
            try? await session.hangup()
            return
        }
        var call = CallRecord(uniqueID: environment.uniqueID, direction: .inbound)
        call.callerNumber = environment.callerIDNumber
        call.callerName = environment.callerIDName
        call.dnis = environment.dnid ?? environment.extensionName
        call.flow = flow.name
        await save(call)
        let outcome = await FlowRunner(flow: flow, channel: AGIFlowChannel(session: session, logger: logger.with("uniqueid", environment.uniqueID)), services: services, logger: logger).run()
        call.endedAt = Date()
        call.outcome = outcome.result
        call.agentID = outcome.variables["AGENT"]
        call.answeredAt = outcome.answeredAt
        if call.answeredAt == nil, outcome.result == "queued" || outcome.result == "transferred" || outcome.result == "operator" { call.answeredAt = call.endedAt }
        await save(call)
        // The server ends such a session as a protocol error, named in its log and counted.
        if let broken = session.protocolError { throw broken }
    }

    private func save(_ call: CallRecord) async {
        do {
            try await store.saveCall(call)
        } catch {
            logger.error("call record not stored: \(error)", ["uniqueid": call.uniqueID])
        }
    }
}

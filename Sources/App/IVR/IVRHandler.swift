import AGI
import AMI
import Core
import Foundation
import IVR
import Store

/// `agi://…/ivr/<flow>`: runs the flow for the call, with the flows as they were when it
/// started, and keeps the call's journey in the ledger.
struct IVRHandler: Sendable {
    let library: FlowLibrary
    let services: StoreFlowServices
    let ledger: CallLedger
    /// Mutes the call's recording during sensitive input; nil: recordings stop instead.
    let ami: AMIClient?
    let logger: Logger

    func handle(_ session: AGISession) async throws {
        let environment = session.environment
        let name = environment.script.path.split(separator: "/").last.map(String.init) ?? ""
        let flows = library.flows
        guard let flow = flows[name] else {
            logger.warning("no IVR flow for this call; hanging up", ["flow": name, "uniqueid": environment.uniqueID])
            try? await session.verbose("Switchboard: no IVR flow '\(name)' (flows: \(flows.keys.sorted().joined(separator: ", ")))")
            try? await session.hangup()
            return
        }
        var call = CallRecord(uniqueID: environment.uniqueID, direction: .inbound)
        call.callerNumber = environment.callerIDNumber
        call.callerName = environment.callerIDName
        call.dnis = environment.dnid ?? environment.extensionName
        call.flow = flow.name
        ledger.begin(call, channel: environment.channel)
        var services = self.services
        services.flows = flows
        let callLogger = logger.with("uniqueid", environment.uniqueID)
        let recorder = CallRecorder(
            session: session, setMuted: Self.muting(environment.channel, through: ami),
            noted: { [ledger, uniqueID = environment.uniqueID] in ledger.record(uniqueID: uniqueID, $0) }, pace: services.pace, logger: callLogger
        )
        let channel = AGIFlowChannel(session: session, recorder: recorder, logger: callLogger)
        let outcome = await FlowRunner(flow: flow, channel: channel, services: services, logger: logger).run()
        if let customer = outcome.variables["CUSTOMER_ID"].flatMap(Int64.init) {
            ledger.update(uniqueID: environment.uniqueID) { $0.customerID = customer }
        }
        ledger.flowEnded(uniqueID: environment.uniqueID, side: Self.side(outcome.result))
        // The server ends such a session as a protocol error, named in its log and counted.
        if let broken = session.protocolError { throw broken }
    }

    /// AMI's MixMonitorMute for the channel, both directions; it throws when Asterisk refuses.
    static func muting(_ channel: String?, through ami: AMIClient?) -> CallRecorder.Mute? {
        guard let ami, let channel else { return nil }
        return { muted in
            let response = try await ami.send(.mixMonitorMute(channel: channel, muted: muted), timeout: .seconds(2))
            if !response.isSuccess { throw AMIError.actionFailed(action: "MixMonitorMute", message: response.text ?? "refused") }
        }
    }

    /// Who ended a call whose flow ended this way; nil when the bridge tells (an agent's or a
    /// transfer's call).
    static func side(_ ending: FlowRunner.Ending) -> HangupSide? {
        switch ending {
        case .callerHungUp: .caller
        case .hangup, .callback, .failed: .system
        case .queued, .transferred, .operator: nil
        }
    }
}

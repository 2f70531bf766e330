import ACD
import AMI
import Core
import Simulator
import Testing
import Wire
@testable import App

/// The phones' real device states, from AMI, keep busy agents out of routing.
@Suite(.timeLimit(.minutes(1))) struct DeviceStateTests {
    /// A simulated manager interface, Switchboard's AMI client logged in to it (reconnecting
    /// quickly), and the ACD with one agent on `endpoint` following the phones through it.
    func withFollowedPhone(_ endpoint: String, _ body: (SimulatedAMIServer, AMIClient, RoutingService) async throws -> Void) async throws {
        let asterisk = SimulatedAMIServer(listener: try Listener(bind: try SocketAddress(host: "127.0.0.1", port: 0)), accounts: ["switchboard": "s3cret"], logger: .silent)
        let serving = Task { await asterisk.run() }
        defer {
            asterisk.stop()
            serving.cancel()
        }
        guard case .ipv4(_, let port) = asterisk.localAddress else { return }
        var settings = AMIClient.Settings(host: "127.0.0.1", port: port, username: "switchboard", secret: Secret("s3cret"))
        settings.backoff = Backoff(initial: .milliseconds(20), maximum: .milliseconds(100))
        let ami = AMIClient(settings: settings, logger: .silent)
        let running = Task { await ami.run() }
        let routing = RoutingService(agents: [Agent(id: "1001", name: "1001", endpoint: endpoint, skills: ["support": 3])], queues: [:], loggedIn: true, logger: .silent)
        let following = Task { await routing.follow(ami) }
        defer { following.cancel() }
        while ami.status.state != "connected" || asterisk.eventSessions == 0 { try await Task.sleep(for: .milliseconds(5)) }
        try await body(asterisk, ami, routing)
        await ami.stop()
        await running.value
    }

    @Test func anAgentOnAnotherCallIsNotOfferedOneUntilThePhoneIsFree() async throws {
        try await withFollowedPhone("PJSIP/1001") { asterisk, _, routing in
            asterisk.broadcast(AMIMessage([("Event", "DeviceStateChange"), ("Privilege", "call,all"), ("Device", "PJSIP/1001"), ("State", "INUSE")]))
            while routing.report().agents.first?.phoneBusy != true { try await Task.sleep(for: .milliseconds(5)) }
            let call = routing.join(queue: QueueDefinition(name: "support", skills: ["support": 2]), extraPriority: 0, language: nil)
            #expect(routing.takeOffer(call) == nil)
            asterisk.broadcast(AMIMessage([("Event", "DeviceStateChange"), ("Privilege", "call,all"), ("Device", "PJSIP/1001"), ("State", "NOT_INUSE")]))
            var offer: RoutingService.Offer?
            for _ in 0..<400 where offer == nil {
                offer = routing.takeOffer(call)
                if offer == nil { try await Task.sleep(for: .milliseconds(5)) }
            }
            #expect(offer == RoutingService.Offer(agent: "1001", endpoint: "PJSIP/1001"))
        }
    }

    /// The agent's phone went free while AMI was down: the NOT_INUSE was never heard, and
    /// DeviceStateList has no Local channel devices. After the reconnect the phone's state comes
    /// from the live channels: none is the agent's, so the agent gets calls again; a phone whose
    /// channel is still up stays busy.
    @Test(arguments: [false, true])
    func aPhoneFreedDuringAnOutageIsFreeAfterTheReconnect(stillOnACall: Bool) async throws {
        try await withFollowedPhone("Local/1001@agents") { asterisk, ami, routing in
            asterisk.broadcast(AMIMessage([("Event", "DeviceStateChange"), ("Privilege", "call,all"), ("Device", "Local/1001@agents"), ("State", "INUSE")]))
            while routing.report().agents.first?.phoneBusy != true { try await Task.sleep(for: .milliseconds(5)) }
            // The outage: the phone's call ends meanwhile (or not), and nobody says so.
            if stillOnACall {
                asterisk.setChannels([AMIMessage([("Event", "CoreShowChannel"), ("Channel", "Local/1001@agents-0000000a;1"), ("ChannelState", "6"),
                                                  ("ChannelStateDesc", "Up"), ("Uniqueid", "1796000000.7"), ("Linkedid", "1796000000.6")])])
            }
            let connects = ami.status.connects
            asterisk.dropSessions()
            while ami.status.connects == connects || ami.status.state != "connected" { try await Task.sleep(for: .milliseconds(5)) }
            let call = routing.join(queue: QueueDefinition(name: "support", skills: ["support": 2]), extraPriority: 0, language: nil)
            var offer: RoutingService.Offer?
            for _ in 0..<(stillOnACall ? 40 : 400) where offer == nil {
                offer = routing.takeOffer(call)
                if offer == nil { try await Task.sleep(for: .milliseconds(5)) }
            }
            #expect((offer != nil) == !stillOnACall)
            #expect(routing.report().agents.first?.phoneBusy == stillOnACall)
        }
    }
}

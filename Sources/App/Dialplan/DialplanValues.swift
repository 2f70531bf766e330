import Config
import Core
import Dialplan
import Foundation
import IVR
import Tickets

/// What dialplan templates are filled from: `switchboard.conf`, the agents, the flows and the
/// tickets file's wrap-up codes. Every name a template may use is set here (README: Dialplan
/// templates).
enum DialplanValues {
    /// The agents' feature codes and the FastAGI script each runs.
    static let features: [(code: String, script: String, what: String)] = [
        ("*51", "agent/login", "log in"), ("*52", "agent/logout", "log out"), ("*53", "agent/pause", "pause (then a reason)"),
        ("*54", "agent/unpause", "back from a pause"), ("*55", "agent/wrapup", "wrap-up code (then the code)"),
    ]

    static func make(config: SwitchboardConfig, agents: [Agent], wrapUpCodes: [String: WrapUpCode]) -> TemplateValue {
        let listener = config.agi.bindAddress == "0.0.0.0" || config.agi.bindAddress == "::" ? "127.0.0.1" : config.agi.bindAddress
        let host = listener.contains(":") ? "[\(listener)]" : listener
        let urls = config.dialplan.agiURLs.isEmpty ? ["agi://\(host):\(config.agi.port)"] : config.dialplan.agiURLs
        func text(_ value: String) -> TemplateValue { .text(value) }
        return .record([
            "agi": .record([
                "url": text(urls[0]),
                "nodes": .list(urls.map { .record(["url": text($0)]) }),
                "hagi": text(urls.contains { $0.hasPrefix("hagi://") } ? "yes" : ""),
            ]),
            "numbers": .list(config.dialplan.numbers.map { .record(["number": text($0.number), "flow": text($0.flow)]) }),
            "default_flow": text(config.dialplan.defaultFlow),
            "operator": text(config.ivr.operatorTarget),
            "trunk": text(config.general.trunk.replacingOccurrences(of: "{number}", with: "${EXTEN}")),
            "agents": .list(agents.sorted { $0.id < $1.id }.map { agent in
                .record(["id": text(agent.id), "name": text(agent.name), "endpoint": text(agent.endpoint)])
            }),
            "features": .list(features.map { .record(["code": text($0.code), "script": text($0.script), "what": text($0.what)]) }),
            "pause_reasons": .list(AgentFeatureHandler.reasons.sorted { $0.key < $1.key }.map { .record(["digit": text($0.key), "reason": text($0.value)]) }),
            "wrapup_codes": .list(wrapUpCodes.sorted { $0.key < $1.key }.map { .record(["code": text($0.key), "action": text("\($0.value)")]) }),
            "ami": .record(["username": text(config.ami.username), "secret": text(config.ami.secret.reveal), "permit": text(config.dialplan.amiPermit)]),
            "recordings": text(config.general.recordingsPath),
        ])
    }
}

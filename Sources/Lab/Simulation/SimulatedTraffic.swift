import App
import Core
import Foundation
import Simulator
import Synchronization
import Wire

/// `switchboard simulate`: callers arriving at random (seeded) at a FastAGI server through the
/// simulated PBX, pressing menu keys, waiting with limited patience for agents who answer
/// after a few rings and talk a while.
public struct SimulatedTraffic: Sendable {
    public struct Options: Sendable {
        public var calls = 50
        /// Arrivals per simulated second.
        public var rate = 0.5
        public var agents = 5
        public var seed: UInt64 = 1
        /// Simulated seconds per real second.
        public var speed = 20.0
        public var dnis = "4008"
        public var script = "ivr/main"
        public var recordingsFolder: String?
        /// What callers press: for each step, a window (seconds into the call) and the keys to
        /// pick one from.
        public var presses: [(window: ClosedRange<Double>, keys: String)] = [(2...6, "123")]
        /// Numbers some callers call from (known customers); the rest are random mobiles.
        public var knownNumbers: [String] = []
        /// How long agents talk, in seconds.
        public var talk: ClosedRange<Double> = 30...240
        /// Extra phones to simulate besides the agents' (an operator desk).
        public var otherEndpoints: [String: EndpointBehaviour] = [:]

        public init() {}
    }

    public struct Summary: Codable, Sendable {
        public var calls: Int
        public var answered: Int
        public var abandoned: Int
        /// Sessions the server ended without an answer (no agent, a flow that hung up).
        public var unanswered: Int
        public var failed: Int
        public var meanWaitSeconds: Double
        public var handledByAgent: [String: Int]
        public var simulatedSeconds: Double
        public var realSeconds: Double
    }

    public struct Progress: Sendable {
        public var started: Int
        public var finished: Int
        public var answered: Int
        public var abandoned: Int
    }

    public var options: Options

    public init(options: Options) {
        self.options = options
    }

    /// The agents' phones: each answers after 2–8 s and talks as `talk` says (one in ten never answers).
    func endpoints(_ generator: inout SeededGenerator) -> [String: EndpointBehaviour] {
        var endpoints: [String: EndpointBehaviour] = [:]
        for index in 0..<options.agents {
            endpoints["PJSIP/\(1001 + index)"] = Double.random(in: 0..<1, using: &generator) < 0.1
                ? .noAnswer
                : .answers(after: Double.random(in: 2...8, using: &generator), talk: Double.random(in: options.talk, using: &generator))
        }
        return endpoints
    }

    /// A caller: a number, the keys they press, and their patience.
    func caller(_ generator: inout SeededGenerator) -> (number: String, script: CallerScript) {
        let random = "13" + String(format: "%09d", Int.random(in: 0..<1_000_000_000, using: &generator))
        let known = !options.knownNumbers.isEmpty && Double.random(in: 0..<1, using: &generator) < 0.3
        let number = known ? options.knownNumbers.randomElement(using: &generator)! : random
        let presses = options.presses.map { step in
            (at: Double.random(in: step.window, using: &generator), digits: String(step.keys.randomElement(using: &generator) ?? "1"))
        }
        let patience = Double.random(in: 30...180, using: &generator)
        return (number, CallerScript(presses: presses, hangupAfter: patience))
    }

    /// Runs the callers against the FastAGI server at `server`; with `ami`, the simulated PBX
    /// also raises its events there and answers its actions (Switchboard's AMI client connects to it).
    public func run(against server: SocketAddress, ami: SimulatedAMIServer? = nil, progress: @escaping @Sendable (Progress) -> Void = { _ in }) async -> Summary {
        var generator = SeededGenerator(seed: options.seed)
        var configuration = SimulatedPBX.Configuration(agiServer: server)
        configuration.endpoints = endpoints(&generator).merging(options.otherEndpoints) { agent, _ in agent }
        configuration.clock = SimulationClock(scale: options.speed)
        configuration.script = options.script
        configuration.recordingsFolder = options.recordingsFolder
        configuration.seed = options.seed
        let pbx = SimulatedPBX(configuration, ami: ami)
        let counts = ProgressCounter()
        let started = MonotonicTime.now()
        let results = await withTaskGroup(of: SimulatedAGIChannel.Outcome?.self) { group in
            for _ in 0..<options.calls {
                let (number, script) = caller(&generator)
                group.addTask {
                    counts.value.withLock { $0.started += 1 }
                    let outcome = try? await pbx.call(from: number, dnis: options.dnis, caller: script)
                    let snapshot = counts.value.withLock { counts -> Progress in
                        counts.finished += 1
                        if outcome?.answeredBy != nil { counts.answered += 1 }
                        if outcome?.endedBy == "caller", outcome?.answeredBy == nil { counts.abandoned += 1 }
                        return counts
                    }
                    progress(snapshot)
                    return outcome
                }
                // Poisson arrivals at `rate` per simulated second.
                let gap = -log(1 - Double.random(in: 0..<1, using: &generator)) / options.rate
                try? await configuration.clock.sleep(gap)
            }
            var all: [SimulatedAGIChannel.Outcome?] = []
            for await result in group { all.append(result) }
            return all
        }
        let outcomes = results.compactMap { $0 }
        let answered = outcomes.filter { $0.answeredBy != nil }
        var perAgent: [String: Int] = [:]
        for outcome in answered { perAgent[outcome.answeredBy!, default: 0] += 1 }
        let waits = answered.compactMap(\.answeredAt)
        return Summary(
            calls: options.calls, answered: answered.count,
            abandoned: outcomes.filter { $0.endedBy == "caller" && $0.answeredBy == nil }.count,
            unanswered: outcomes.filter { $0.answeredBy == nil && $0.endedBy != "caller" }.count,
            failed: results.count - outcomes.count,
            meanWaitSeconds: waits.isEmpty ? 0 : waits.reduce(0, +) / Double(waits.count),
            handledByAgent: perAgent, simulatedSeconds: started.secondsElapsed * options.speed, realSeconds: started.secondsElapsed
        )
    }
}

/// The running counts, shared by the calls in flight.
private final class ProgressCounter: Sendable {
    let value = Mutex(SimulatedTraffic.Progress(started: 0, finished: 0, answered: 0, abandoned: 0))
}

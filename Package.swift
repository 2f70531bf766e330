// swift-tools-version:6.0
import PackageDescription

/// Every Swift target is built in Swift 6 mode with the same strictness.
let strict: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

/// The I/O layers whose async functions run on their caller's executor (SE-0461) instead of
/// hopping to the generic one after every call: a call's task, on its connection's event loop,
/// otherwise paid a runtime executor check (a lock) some 20 times per AGI command.
let callerIsolated = strict + [.enableUpcomingFeature("NonisolatedNonsendingByDefault")]

let package = Package(
    name: "switchboard",
    products: [
        .executable(name: "switchboard", targets: ["switchboard"]),
    ],
    targets: [
        // C shims: system headers Glibc does not export, and libsqlite3.
        .systemLibrary(name: "CLinux"),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),

        // Layers, imports pointing down only:
        // switchboard → SwitchboardCLI → Lab → (App, Simulator) → (Config, AGI, AMI, IVR, ACD, Tickets, Dialplan, Store → Reports) → Wire → Core.
        .target(name: "Core", swiftSettings: strict),
        .target(name: "Wire", dependencies: ["Core", "CLinux"], swiftSettings: callerIsolated),
        .target(name: "AGI", dependencies: ["Core", "Wire"], swiftSettings: callerIsolated),
        .target(name: "AMI", dependencies: ["Core", "Wire"], swiftSettings: strict),
        .target(name: "SQLite", dependencies: ["CSQLite"], swiftSettings: strict),
        // Report figures and their definitions: pure, over call records and kept tallies.
        .target(name: "Reports", dependencies: ["Core"], swiftSettings: strict),
        .target(name: "Store", dependencies: ["Core", "SQLite", "Reports", "Recordings"], swiftSettings: strict),
        .target(name: "Config", dependencies: ["Core", "Wire", "Alerts"], swiftSettings: strict),
        // IVR flows: files → flows → an interpreter over an abstract call (no I/O here).
        .target(name: "IVR", dependencies: ["Core", "Config"], swiftSettings: strict),
        // Skills-based routing decisions: pure, driven by the time its caller passes in.
        .target(name: "ACD", swiftSettings: strict),
        // Recordings' audio: WAV reading and quality figures, pure.
        .target(name: "Recordings", swiftSettings: strict),
        // Tickets' rules and SLA clocks over open time: pure, moments passed in.
        .target(name: "Tickets", dependencies: ["Core"], swiftSettings: strict),
        // Alert rules and when each fires and clears: pure, over snapshots with durations given.
        .target(name: "Alerts", swiftSettings: strict),
        // Dialplan templates and a check of dialplan as Asterisk reads it: pure, text in, text out.
        .target(name: "Dialplan", swiftSettings: strict),
        // Asterisk's side of FastAGI and AMI, for tests, benchmarks and the demo.
        .target(name: "Simulator", dependencies: ["Core", "Wire", "AGI", "AMI"], swiftSettings: strict),
        .target(name: "App", dependencies: ["Core", "Wire", "Config", "AGI", "AMI", "ACD", "IVR", "Store", "Reports", "Tickets", "Recordings", "Dialplan", "Alerts"], swiftSettings: strict),
        // The demo, simulated traffic and benchmarks: the server against simulated or lab Asterisks.
        .target(name: "Lab", dependencies: ["Core", "Wire", "Config", "AGI", "AMI", "ACD", "IVR", "Store", "Reports", "Tickets", "Recordings", "App", "Simulator"], swiftSettings: strict),
        .target(name: "SwitchboardCLI", dependencies: ["Core", "Config", "App", "Lab", "ACD", "IVR", "Store", "Reports", "Tickets", "Recordings", "Dialplan", "Wire", "CLinux"], swiftSettings: strict),
        .executableTarget(name: "switchboard", dependencies: ["SwitchboardCLI"], swiftSettings: strict),

        .target(name: "TestSupport", dependencies: ["Core", "Wire", "AGI"], path: "Tests/TestSupport", swiftSettings: strict),
        .testTarget(name: "CoreTests", dependencies: ["Core"], swiftSettings: strict),
        .testTarget(name: "WireTests", dependencies: ["Wire", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "AGITests", dependencies: ["AGI", "Core", "Wire", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "AMITests", dependencies: ["AMI", "Core", "Wire", "TestSupport", "Simulator"], swiftSettings: strict),
        .testTarget(name: "ACDTests", dependencies: ["ACD", "Core"], swiftSettings: strict),
        .testTarget(name: "IVRTests", dependencies: ["IVR", "Config", "Core", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "SimulatorTests", dependencies: ["Simulator", "AGI", "AMI", "Core", "Wire", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "StoreTests", dependencies: ["Store", "SQLite", "Core", "Reports", "Recordings", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "ReportsTests", dependencies: ["Reports", "Core"], swiftSettings: strict),
        .testTarget(name: "TicketsTests", dependencies: ["Tickets", "Core"], swiftSettings: strict),
        .testTarget(name: "RecordingsTests", dependencies: ["Recordings"], swiftSettings: strict),
        .testTarget(name: "DialplanTests", dependencies: ["Dialplan"], swiftSettings: strict),
        .testTarget(name: "AlertsTests", dependencies: ["Alerts"], swiftSettings: strict),
        .testTarget(name: "ConfigTests", dependencies: ["Config", "Core", "Wire", "TestSupport"], swiftSettings: strict),
        .testTarget(
            name: "AppTests",
            dependencies: ["App", "Lab", "SwitchboardCLI", "switchboard", "AGI", "Core", "Config", "Wire", "AMI", "Simulator", "Store", "Reports", "Recordings", "Dialplan", "Alerts", "ACD", "TestSupport"],
            swiftSettings: strict
        ),
    ]
)

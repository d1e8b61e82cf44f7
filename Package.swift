// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "ipmigod",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "ipmigod", targets: ["ipmigod"]),
        .executable(name: "ipmigod-bench", targets: ["ipmigod-bench"]),
        .executable(name: "ipmigod-request-cost", targets: ["ipmigod-request-cost"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        // Runs platform hooks; without its Foundation trait, so the daemon does not load Foundation.
        .package(url: "https://github.com/swiftlang/swift-subprocess.git", from: "1.0.2", traits: []),
        .package(url: "https://github.com/apple/swift-system.git", from: "1.5.0"),
    ],
    targets: [
        // RMCP/IPMI wire codec, sessions and crypto, command handlers, BMC model, persistent state.
        // No sockets here: the daemon feeds datagrams in and sends what comes back.
        .target(
            name: "IPMICore",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                "CBoringSSLPrimitives",
            ],
            path: "Sources/Core",
            // The BMC's state belongs to one event loop, so release builds skip the runtime
            // exclusivity checks (a swift_beginAccess per ByteBuffer write on the request path);
            // debug builds, where every test runs, keep them. See docs/benchmarks.md.
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]
        ),
        // BoringSSL's HMAC and AES-CBC with keys set up once per session, for the packet path:
        // declarations of the copy swift-crypto links in (its symbols are prefixed) and two helpers over them.
        .target(
            name: "CBoringSSLPrimitives",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            path: "Sources/CBoringSSLPrimitives"
        ),
        // The C shim that re-exports the net-snmp macros Swift cannot import. net-snmp itself is
        // loaded with dlopen at the first alert (shim.c), not linked.
        .target(
            name: "CNetSNMP",
            path: "Sources/CNetSNMP",
            linkerSettings: [.linkedLibrary("dl")]
        ),
        // inet_ntop for IPv4 without sprintf, linked in place of glibc's: SwiftNIO formats the
        // source address of every datagram it reads (inet_format.c, docs/benchmarks.md).
        .target(
            name: "CInetFormat",
            path: "Sources/CInetFormat",
            linkerSettings: [.unsafeFlags(["-Xlinker", "--wrap=inet_ntop"], .when(platforms: [.linux]))]
        ),
        // libyaml (Debian's libyaml-dev), the C parser under the config reader: no Foundation.
        .systemLibrary(
            name: "CYAML",
            path: "Sources/CYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),
        // PEF, PET encoding and the SNMP sender.
        .target(
            name: "IPMIAlerting",
            dependencies: ["IPMICore", "CNetSNMP", .product(name: "Logging", package: "swift-log"),
                           .product(name: "NIOConcurrencyHelpers", package: "swift-nio")],
            path: "Sources/Alerting"
        ),
        .executableTarget(
            name: "ipmigod",
            dependencies: [
                "IPMICore",
                "IPMIAlerting",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
                "CYAML",
                "CInetFormat",
            ],
            path: "Sources/Daemon",
            // The simulate-mode config; conf/ipmigod-simulate.yaml links to it.
            exclude: ["Resources/scenarios/README.md"],
            resources: [.embedInCode("Resources/ipmigod-simulate.yaml"),
                        // conf/scenarios links to these; EmbeddedScenarios lists them.
                        .embedInCode("Resources/scenarios/overheat.yaml"),
                        .embedInCode("Resources/scenarios/psu-failure.yaml"),
                        .embedInCode("Resources/scenarios/fan-failure.yaml"),
                        .embedInCode("Resources/scenarios/brownout.yaml"),
                        .embedInCode("Resources/scenarios/flapping.yaml")]
        ),
        .executableTarget(
            name: "ipmigod-bench",
            dependencies: [
                "IPMICore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/ipmigod-bench"
        ),
        // Steady-state requests through an in-process BMC, for callgrind's instruction counts.
        .executableTarget(
            name: "ipmigod-request-cost",
            dependencies: ["IPMICore", "AllocationCounter", .product(name: "NIOCore", package: "swift-nio"),
                           .product(name: "Logging", package: "swift-log")],
            path: "Benchmarks/request-cost"
        ),
        // Counts the test process's heap allocations (RequestAllocationTests); glibc only.
        .target(name: "AllocationCounter", path: "Tests/AllocationCounter"),
        // The fuzz target (docs/security.md): an in-process BMC with a session open, a mutator,
        // and the libFuzzer entry point (built apart, with -sanitize=fuzzer -DFUZZING).
        .target(
            name: "IPMIFuzzing",
            dependencies: ["IPMICore", .product(name: "NIOCore", package: "swift-nio"), .product(name: "Logging", package: "swift-log")],
            path: "Fuzz/Harness"
        ),
        .executableTarget(
            name: "ipmigod-fuzz",
            dependencies: ["IPMIFuzzing", "IPMICore"],
            path: "Fuzz/Entry"
        ),
        .testTarget(
            name: "FuzzTests",
            dependencies: ["IPMIFuzzing", "IPMICore"],
            path: "Tests/FuzzTests"
        ),
        .testTarget(
            name: "CoreTests",
            dependencies: ["IPMICore", "IPMIAlerting", .product(name: "NIOCore", package: "swift-nio"),
                           .product(name: "NIOEmbedded", package: "swift-nio"), "AllocationCounter"],
            path: "Tests/CoreTests"
        ),
        // The daemon's own types (metrics rendering, HTTP routes) without starting it.
        .testTarget(
            name: "DaemonTests",
            dependencies: ["ipmigod", "IPMICore", "IPMIAlerting", "CInetFormat", .product(name: "Logging", package: "swift-log")],
            path: "Tests/DaemonTests"
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "IPMICore", "IPMIAlerting", "IPMIFuzzing",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/IntegrationTests"
        ),
    ],
    swiftLanguageModes: [.v6]
)

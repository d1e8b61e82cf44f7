import Foundation
import IPMICore

/// ipmigod against OpenIPMI's ipmi_sim in one run, under the same load: both daemons run
/// side by side, pinned alike, and each round measures the echo floor, then ipmigod, then
/// ipmi_sim (A B A B ...), so slow drift on a shared machine hits both. Cipher suite 3, the
/// one both implement. Memory is read at idle, after the rounds, and with a full SEL.
///
/// Each round also measures where ipmigod's figure goes: a SwiftNIO echo configured as the
/// daemon's sockets (NIOEchoFloor), and ipmigod's BMC answering on a blocking socket in this
/// process (BlockingSocketBMC).
enum Comparison {
    struct Options {
        var ipmigod: String
        var ipmiSim: String
        var ipmiSimConfig: String
        var rounds: Int
        var requests: Int
        var setups: Int
        var sessions: Int
        var serverCPU: Int?
    }

    /// One round's figures for one daemon.
    struct Round {
        var getDeviceID: Measurement
        var getDeviceIDConcurrent: Measurement
        var setup: Measurement
    }

    /// One daemon's memory at the three moments the comparison reads it.
    struct Memory {
        var idle: ProcessStats.Memory
        var afterRounds: ProcessStats.Memory
        var fullSEL: ProcessStats.Memory
    }

    static let suite = CipherSuite.supported(id: 3)!
    static let selEntries = 4096

    static func run(_ options: Options, progress: (String) -> Void) throws -> ComparisonReport {
        let ipmigod = try Daemon(executable: options.ipmigod, suites: [suite.id])
        defer { ipmigod.stop() }
        let ipmiSim = try IPMISim(executable: options.ipmiSim, configDirectory: options.ipmiSimConfig)
        defer { ipmiSim.stop() }
        let servers: [(name: String, server: any Server)] = [("ipmigod", ipmigod), ("ipmi_sim", ipmiSim)]
        for (_, server) in servers {
            if let cpu = options.serverCPU { try Affinity.pin(process: server.pid, to: cpu) }
        }
        progress("ipmigod pid \(ipmigod.pid) on 127.0.0.1:\(ipmigod.port), ipmi_sim pid \(ipmiSim.pid) on 127.0.0.1:\(ipmiSim.port)")
        let idle = try servers.map { try $0.server.memory() }

        var floors: [(one: Measurement, concurrent: Measurement)] = []
        var nioFloors: [(one: Measurement, concurrent: Measurement)] = []
        var blocking: [Round] = []
        var rounds: [[Round]] = [[], []]
        for round in 1...options.rounds {
            progress("round \(round) of \(options.rounds): loopback echo floor")
            floors.append(try echoFloor(options))
            progress("round \(round) of \(options.rounds): SwiftNIO echo floor")
            nioFloors.append(try nioEchoFloor(options))
            progress("round \(round) of \(options.rounds): ipmigod's BMC on a blocking socket")
            blocking.append(try blockingSocketBMC(options))
            for (index, (name, server)) in servers.enumerated() {
                progress("round \(round) of \(options.rounds): \(name)")
                rounds[index].append(try measure(server, options))
            }
        }
        let afterRounds = try servers.map { try $0.server.memory() }

        progress("ipmi_sim: filling its SEL with \(selEntries) entries")
        try fillSEL(of: ipmiSim)
        let simFullSEL = try ipmiSim.memory()
        progress("ipmigod: \(SensorPhase.sensorCount) sensors at \(Int(SensorPhase.pollHz)) Hz and \(selEntries) SEL entries")
        let godFullSEL = try fullSELMemory(options)

        return ComparisonReport(
            options: options, machine: .current, floors: floors, nioFloors: nioFloors, blocking: blocking, ipmigod: rounds[0], ipmiSim: rounds[1],
            ipmigodMemory: Memory(idle: idle[0], afterRounds: afterRounds[0], fullSEL: godFullSEL),
            ipmiSimMemory: Memory(idle: idle[1], afterRounds: afterRounds[1], fullSEL: simFullSEL))
    }

    /// What the kernel alone charges a UDP server per ping-pong request, this round.
    private static func echoFloor(_ options: Options) throws -> (one: Measurement, concurrent: Measurement) {
        let floor = try EchoFloor(cpu: options.serverCPU)
        defer { floor.stop() }
        return try echoes(port: floor.port, serverCPU: floor.cpuTime, options)
    }

    /// What SwiftNIO with the daemon's socket options charges per request before any IPMI work.
    private static func nioEchoFloor(_ options: Options) throws -> (one: Measurement, concurrent: Measurement) {
        let floor = try NIOEchoFloor(cpu: options.serverCPU)
        defer { floor.stop() }
        return try echoes(port: floor.port, serverCPU: floor.cpuTime, options)
    }

    /// Echo requests on one connection, then on as many as there are sessions.
    private static func echoes(port: UInt16, serverCPU: () throws -> ProcessStats.CPUTime,
                               _ options: Options) throws -> (one: Measurement, concurrent: Measurement) {
        func echo(_ connections: Int) throws -> Measurement {
            try RequestPhase.run(.echo, suite: nil, connections: connections, requests: options.requests,
                                 serverCPU: serverCPU) { try EchoClient(port: port) }
        }
        return (try echo(1), try echo(options.sessions))
    }

    /// ipmigod's BMC in this process on a blocking socket: its request path without SwiftNIO.
    private static func blockingSocketBMC(_ options: Options) throws -> Round {
        let server = try BlockingSocketBMC(cpu: options.serverCPU)
        defer { server.stop() }
        func getDeviceID(_ sessions: Int) throws -> Measurement {
            try RequestPhase.run(.getDeviceID, suite: suite.id, connections: sessions, requests: options.requests,
                                 serverCPU: server.cpuTime) { [port = server.port] in
                try ConsoleSession(suite: suite, socket: UDPSocket(port: port))
            }
        }
        return Round(getDeviceID: try getDeviceID(1), getDeviceIDConcurrent: try getDeviceID(options.sessions),
                     setup: try SetupPhase.run(port: server.port, serverCPU: server.cpuTime, suite: suite,
                                               setups: options.setups))
    }

    private static func measure(_ server: any Server, _ options: Options) throws -> Round {
        func getDeviceID(_ sessions: Int) throws -> Measurement {
            try RequestPhase.run(.getDeviceID, suite: suite.id, connections: sessions, requests: options.requests,
                                 serverCPU: server.cpuTime) { [port = server.port] in
                try ConsoleSession(suite: suite, socket: UDPSocket(port: port))
            }
        }
        return Round(getDeviceID: try getDeviceID(1), getDeviceIDConcurrent: try getDeviceID(options.sessions),
                     setup: try SetupPhase.run(server: server, suite: suite, setups: options.setups))
    }

    private static func fillSEL(of server: any Server) throws {
        var session = try ConsoleSession(suite: suite, socket: UDPSocket(port: server.port))
        try session.raisePrivilegeToAdministrator()
        for _ in 0..<selEntries { try session.addSELEntry() }
        try session.close()
    }

    /// ipmigod's memory at the issue's load: 1,000 sensors polled at 10 Hz and a full SEL.
    /// A daemon of its own, so that the request rounds ran on the benchmark's plain config.
    private static func fullSELMemory(_ options: Options) throws -> ProcessStats.Memory {
        let daemon = try Daemon(executable: options.ipmigod, suites: [suite.id],
                                extraConfig: SensorPhase.config(selCapacity: selEntries))
        defer { daemon.stop() }
        if let cpu = options.serverCPU { try Affinity.pin(process: daemon.pid, to: cpu) }
        Thread.sleep(forTimeInterval: 2) // every sensor polled many times over
        try fillSEL(of: daemon)
        Thread.sleep(forTimeInterval: 1)
        return try daemon.memory()
    }
}

/// The side-by-side table: for each figure the median over the rounds of each daemon, and
/// the ratio ipmigod / ipmi_sim (median of the per-round ratios, and their range).
struct ComparisonReport {
    let options: Comparison.Options
    let machine: Report.Machine
    let floors: [(one: Measurement, concurrent: Measurement)]
    let nioFloors: [(one: Measurement, concurrent: Measurement)]
    /// ipmigod's BMC on a blocking socket, in the benchmark's process (BlockingSocketBMC).
    let blocking: [Comparison.Round]
    let ipmigod: [Comparison.Round]
    let ipmiSim: [Comparison.Round]
    let ipmigodMemory: Comparison.Memory
    let ipmiSimMemory: Comparison.Memory

    /// A figure per round for each daemon, from that round's measurements and echo floor.
    private struct Figure: Sendable {
        let name: String
        let unit: String
        let value: @Sendable (Comparison.Round, (one: Measurement, concurrent: Measurement)) -> Double
    }

    private static let figures: [Figure] = [
        Figure(name: "Get Device ID, 1 session: daemon CPU above the echo floor", unit: "µs") {
            $0.getDeviceID.serverCPU.microsecondsPerOperation - $1.one.serverCPU.microsecondsPerOperation
        },
        Figure(name: "Get Device ID, N sessions: daemon CPU above the echo floor", unit: "µs") {
            $0.getDeviceIDConcurrent.serverCPU.microsecondsPerOperation - $1.concurrent.serverCPU.microsecondsPerOperation
        },
        Figure(name: "Get Device ID, 1 session: daemon CPU in all", unit: "µs") { r, _ in
            r.getDeviceID.serverCPU.microsecondsPerOperation
        },
        Figure(name: "Get Device ID, N sessions: daemon CPU in all", unit: "µs") { r, _ in
            r.getDeviceIDConcurrent.serverCPU.microsecondsPerOperation
        },
        Figure(name: "Session setup + close: daemon CPU above 4 × the echo floor", unit: "µs") {
            $0.setup.serverCPU.microsecondsPerOperation - 4 * $1.one.serverCPU.microsecondsPerOperation
        },
        Figure(name: "Session setup + close: daemon CPU in all", unit: "µs") { r, _ in
            r.setup.serverCPU.microsecondsPerOperation
        },
        Figure(name: "Get Device ID, 1 session: latency p50", unit: "µs") { r, _ in r.getDeviceID.latency.p50Microseconds },
        Figure(name: "Get Device ID, 1 session: latency p99", unit: "µs") { r, _ in r.getDeviceID.latency.p99Microseconds },
        Figure(name: "Get Device ID, N sessions: latency p50", unit: "µs") { r, _ in
            r.getDeviceIDConcurrent.latency.p50Microseconds
        },
        Figure(name: "Get Device ID, N sessions: latency p99", unit: "µs") { r, _ in
            r.getDeviceIDConcurrent.latency.p99Microseconds
        },
        Figure(name: "Session setup + close: latency p50", unit: "µs") { r, _ in r.setup.latency.p50Microseconds },
        Figure(name: "Session setup + close: latency p99", unit: "µs") { r, _ in r.setup.latency.p99Microseconds },
    ]

    var text: String {
        let sessions = "\(options.sessions) sessions"
        var lines = [
            "ipmigod-bench --compare: \(options.ipmigod) against \(options.ipmiSim), cipher suite 3, "
                + "\(options.rounds) rounds (echo floors, ipmigod's BMC on a blocking socket, ipmigod, ipmi_sim in each)",
            "machine: \(machine.cpus) CPUs, \(machine.model); "
                + (options.serverCPU.map { "daemons and clients pinned to CPU \($0)" } ?? "unpinned"),
            "\(options.requests) Get Device ID per session, \(options.setups) session setups per round",
            "",
            "| Figure | ipmigod | ipmi_sim | ratio | ratio range |",
            "|---|---:|---:|---:|---|",
        ]
        let floorOne = median(floors.map { $0.one.serverCPU.microsecondsPerOperation })
        let floorConcurrent = median(floors.map { $0.concurrent.serverCPU.microsecondsPerOperation })
        lines.append("| Echo floor, 1 / \(options.sessions) connections (server CPU per request) | "
            + "\(f(floorOne)) / \(f(floorConcurrent)) µs | (same) | | |")
        for figure in Self.figures {
            let god = zip(ipmigod, floors).map(figure.value)
            let sim = zip(ipmiSim, floors).map(figure.value)
            let ratios = zip(god, sim).map { $0 / $1 }
            lines.append("| \(figure.name.replacingOccurrences(of: "N sessions", with: sessions)) | "
                + "\(f(median(god))) \(figure.unit) | \(f(median(sim))) \(figure.unit) | "
                + "\(f(median(ratios), 2)) | \(f(ratios.min()!, 2))–\(f(ratios.max()!, 2)) |")
        }
        // Where the rest goes: SwiftNIO's share (its echo, configured as the daemon's sockets),
        // and ipmigod's BMC without it, against ipmi_sim's figures of the same rounds.
        func cpu(_ measurement: Measurement) -> Double { measurement.serverCPU.microsecondsPerOperation }
        let nioAbove = (median(zip(nioFloors, floors).map { cpu($0.one) - cpu($1.one) }),
                        median(zip(nioFloors, floors).map { cpu($0.concurrent) - cpu($1.concurrent) }))
        let godAboveNIO = (median(zip(ipmigod, nioFloors).map { cpu($0.getDeviceID) - cpu($1.one) }),
                           median(zip(ipmigod, nioFloors).map { cpu($0.getDeviceIDConcurrent) - cpu($1.concurrent) }))
        lines.append("| SwiftNIO echo (the daemon's socket options), 1 / \(options.sessions) connections: "
            + "CPU above the echo floor | \(f(nioAbove.0)) / \(f(nioAbove.1)) µs | | | |")
        lines.append("| Get Device ID, 1 / \(options.sessions) sessions: daemon CPU above the SwiftNIO echo | "
            + "\(f(godAboveNIO.0)) / \(f(godAboveNIO.1)) µs | | | |")
        for figure in Self.figures where figure.name.contains("above") {
            let god = zip(blocking, floors).map(figure.value)
            let sim = zip(ipmiSim, floors).map(figure.value)
            let ratios = zip(god, sim).map { $0 / $1 }
            let name = figure.name.replacingOccurrences(of: "N sessions", with: sessions)
                .replacingOccurrences(of: "daemon CPU", with: "ipmigod's BMC on a blocking socket (no SwiftNIO), CPU")
            lines.append("| \(name) | \(f(median(god))) \(figure.unit) | \(f(median(sim))) \(figure.unit) | "
                + "\(f(median(ratios), 2)) | \(f(ratios.min()!, 2))–\(f(ratios.max()!, 2)) |")
        }
        let memoryRows: [(String, (Comparison.Memory) -> Int)] = [
            ("VmRSS at idle", { $0.idle.vmRSSKiB }),
            ("RssAnon at idle", { $0.idle.rssAnonKiB }),
            ("VmHWM after the rounds", { $0.afterRounds.vmHWMKiB }),
            ("RssAnon after the rounds", { $0.afterRounds.rssAnonKiB }),
            ("VmHWM with a full \(Comparison.selEntries)-entry SEL (ipmigod also polling "
                + "\(SensorPhase.sensorCount) sensors at \(Int(SensorPhase.pollHz)) Hz)", { $0.fullSEL.vmHWMKiB }),
            ("RssAnon with that full SEL", { $0.fullSEL.rssAnonKiB }),
        ]
        for (name, value) in memoryRows {
            let god = Double(value(ipmigodMemory)) / 1024
            let sim = Double(value(ipmiSimMemory)) / 1024
            lines.append("| \(name) | \(f(god)) MiB | \(f(sim)) MiB | \(f(god / sim, 2)) | one reading |")
        }
        let peak = Double(ipmigodMemory.fullSEL.vmHWMKiB) * 1024
        lines += [
            "",
            "ratio: ipmigod / ipmi_sim, the median of the per-round ratios; below 1 means ipmigod spends less.",
            "ipmigod VmHWM with \(SensorPhase.sensorCount) sensors and a full SEL, target < 20 MB: "
                + (peak < 20e6 ? "met" : "missed") + " (\(f(peak / 1e6)) MB)",
        ]
        return lines.joined(separator: "\n")
    }

    private func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    private func f(_ value: Double, _ decimals: Int = 1) -> String {
        String(format: "%.\(decimals)f", value)
    }
}

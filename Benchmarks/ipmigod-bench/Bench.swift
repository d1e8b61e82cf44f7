import ArgumentParser
import Foundation
import IPMICore

/// Starts an ipmigod, drives it over loopback with RMCP+ clients, and reports throughput,
/// latency, and the daemon's own CPU time and memory. It reports; it never fails on a number.
@main
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ipmigod-bench",
        abstract: "Measure ipmigod: Get Device ID and session setup rates, daemon CPU per request, memory.",
        discussion: "See docs/benchmarks.md for what each number means and how it is measured.")

    @Option(help: "The ipmigod executable to start and measure (build it with -c release).")
    var daemon: String?

    @Option(help: "Measure an already running BMC instead, on this UDP port of 127.0.0.1 (user admin, password admin).")
    var attachPort: UInt16?

    @Option(name: .customLong("attach-pid"), help: "The process ID of that BMC, for its CPU time and memory.")
    var attachPID: Int32?

    @Option(help: "Get Device ID requests per session, after a warm-up.")
    var requests = 20000

    @Option(help: "Full session setups (Open Session, RAKP 1-4, Close Session), after a warm-up.")
    var setups = 2000

    @Option(help: "Concurrent sessions in the concurrency phase.")
    var sessions = 8

    @Option(name: .customLong("suite"), help: "A cipher suite to measure; repeat the option for several.")
    var suites: [UInt8] = [3, 17]

    @Option(help: ArgumentHelp(
        "Where the server and the clients run: shared (one CPU), split (one CPU each) or free (unpinned).",
        discussion: "An attached server is pinned too."))
    var placement: Placement = .shared

    @Flag(help: "Print the results as JSON instead of text.")
    var json = false

    @Flag(help: "Skip the sensor phase (polling cost, memory with a full SEL, sdr elist wall time).")
    var skipSensors = false

    @Flag(help: "Skip the alerting phase (event-to-trap latency, sustained traps to 4 destinations).")
    var skipAlerts = false

    @Flag(help: "Run only the alerting phase (needs --daemon).")
    var onlyAlerts = false

    @Option(help: "Run only the fleet phase with this many simulated switches in one daemon (needs --daemon).")
    var fleet: Int?

    @Option(name: .customLong("compare-ipmi-sim"), help: ArgumentHelp(
        "Compare with OpenIPMI's ipmi_sim at this path: both daemons side by side, suite 3, in rounds (needs --daemon).",
        discussion: "Prints one table: each figure for both, and the ratio with its range over the rounds."))
    var ipmiSim: String?

    @Option(help: "The directory holding ipmi_sim's lan.conf and bench.emu.")
    var ipmiSimConfig = "Benchmarks/ipmi_sim"

    @Option(help: "Rounds of the comparison (echo floor, ipmigod, ipmi_sim in each).")
    var rounds = 3

    func validate() throws {
        switch (daemon, attachPort, attachPID) {
        case (let daemon?, nil, nil):
            guard FileManager.default.isExecutableFile(atPath: daemon) else {
                throw ValidationError(
                    "--daemon \(daemon): no executable there; build it with swift build -c release --product ipmigod")
            }
        case (nil, _?, _?):
            break
        default:
            throw ValidationError("give either --daemon PATH, or both --attach-port and --attach-pid")
        }
        for id in suites where CipherSuite.supported(id: id) == nil {
            throw ValidationError("cipher suite \(id) is not one ipmigod implements")
        }
        guard requests > 0, setups > 0, (1...31).contains(sessions) else {
            // The daemon is configured for 32 sessions; setups need one slot free.
            throw ValidationError("--requests and --setups must be positive, --sessions 1 to 31")
        }
    }

    func run() throws {
        let connectionCounts = sessions == 1 ? [1] : [1, sessions]
        var measurements: [Measurement] = []

        // Pinning the main thread pins the client threads it starts from here on.
        let cpus = try placement.cpus()
        if let cpus { try Affinity.pin(thread: 0, to: cpus.clients) }

        if let fleet {
            guard let daemon else { throw ValidationError("--fleet needs --daemon") }
            print(try FleetPhase.run(executable: daemon, members: fleet, progress: progress).text)
            return
        }

        if let ipmiSim {
            guard let daemon else { throw ValidationError("--compare-ipmi-sim needs --daemon") }
            guard rounds > 0 else { throw ValidationError("--rounds must be positive") }
            let options = Comparison.Options(ipmigod: daemon, ipmiSim: ipmiSim, ipmiSimConfig: ipmiSimConfig, rounds: rounds,
                                             requests: requests, setups: setups, sessions: sessions, serverCPU: cpus?.server)
            print(try Comparison.run(options, progress: progress).text)
            return
        }

        if onlyAlerts {
            guard let daemon else { throw ValidationError("--only-alerts needs --daemon") }
            print(try AlertPhase.run(executable: daemon, progress: progress).text)
            return
        }

        let floor = try EchoFloor(cpu: cpus?.server)
        for count in connectionCounts {
            progress("loopback floor: UDP echo × \(requests) on \(count) connection(s)")
            measurements.append(try RequestPhase.run(.echo, suite: nil, connections: count, requests: requests,
                                                     serverCPU: floor.cpuTime) { [port = floor.port] in
                try EchoClient(port: port)
            })
        }
        floor.stop()

        let started = try daemon.map { try Daemon(executable: $0, suites: suites) }
        defer { started?.stop() }
        let bmc: any Server = started ?? RunningServer(port: attachPort!, pid: attachPID!)
        if let cpus { try Affinity.pin(process: bmc.pid, to: cpus.server) }
        progress("BMC pid \(bmc.pid) on 127.0.0.1:\(bmc.port)")
        let memoryAtStart = try bmc.memory()
        for suite in suites.compactMap(CipherSuite.supported(id:)) {
            for count in connectionCounts {
                progress("suite \(suite.id): Get Device ID × \(requests) on \(count) session(s)")
                measurements.append(try RequestPhase.run(.getDeviceID, suite: suite.id, connections: count,
                                                         requests: requests, serverCPU: bmc.cpuTime) { [port = bmc.port] in
                    try ConsoleSession(suite: suite, socket: UDPSocket(port: port))
                })
            }
            progress("suite \(suite.id): \(setups) session setups")
            measurements.append(try SetupPhase.run(server: bmc, suite: suite, setups: setups))
        }
        let report = Report(server: daemon ?? "pid \(bmc.pid) on 127.0.0.1:\(bmc.port)", machine: .current,
                            placement: placement, cpus: cpus, measurements: measurements,
                            memoryAtStart: memoryAtStart, memoryAtEnd: try bmc.memory())
        print(json ? try report.json() : report.text)
        if let daemon, !skipSensors, !json {
            print(try SensorPhase.run(executable: daemon, progress: progress).text)
        }
        if let daemon, !skipAlerts, !json {
            print(try AlertPhase.run(executable: daemon, progress: progress).text)
        }
    }

    /// Progress goes to stderr, so that --json output stays clean.
    private func progress(_ message: String) {
        FileHandle.standardError.write(Data("… \(message)\n".utf8))
    }
}

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
    var daemon: String

    @Option(help: "Get Device ID requests per session, after a warm-up.")
    var requests = 20000

    @Option(help: "Full session setups (Open Session, RAKP 1-4, Close Session), after a warm-up.")
    var setups = 2000

    @Option(help: "Concurrent sessions in the concurrency phase.")
    var sessions = 8

    @Option(name: .customLong("suite"), help: "A cipher suite to measure; repeat for several (default: 3 and 17).")
    var suites: [UInt8] = [3, 17]

    @Flag(help: "Print the results as JSON instead of text.")
    var json = false

    func validate() throws {
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

        let floor = try EchoFloor()
        for count in connectionCounts {
            progress("loopback floor: UDP echo × \(requests) on \(count) connection(s)")
            measurements.append(try RequestPhase.run(.echo, suite: nil, connections: count, requests: requests,
                                                     serverCPU: floor.cpuTime) { [port = floor.port] in
                try EchoClient(port: port)
            })
        }
        floor.stop()

        let bmc = try Daemon(executable: daemon, suites: suites)
        defer { bmc.stop() }
        progress("ipmigod pid \(bmc.pid) on 127.0.0.1:\(bmc.port)")
        for suite in suites.compactMap(CipherSuite.supported(id:)) {
            for count in connectionCounts {
                progress("suite \(suite.id): Get Device ID × \(requests) on \(count) session(s)")
                measurements.append(try RequestPhase.run(.getDeviceID, suite: suite.id, connections: count, requests: requests,
                                                         serverCPU: bmc.cpuTime) { [port = bmc.port] in
                    try ConsoleSession(suite: suite, socket: UDPSocket(port: port))
                })
            }
            progress("suite \(suite.id): \(setups) session setups")
            measurements.append(try SetupPhase.run(daemon: bmc, suite: suite, setups: setups))
        }
        let report = Report(daemon: daemon, machine: .current, measurements: measurements, memory: try bmc.memory())
        print(json ? try report.json() : report.text)
    }

    /// Progress goes to stderr, so that --json output stays clean.
    private func progress(_ message: String) {
        FileHandle.standardError.write(Data("… \(message)\n".utf8))
    }
}

import Foundation
import IPMICore

/// The cost of the push side: a daemon polling 1,000 simulated sensors at 10 Hz, its memory
/// with a full 4,096-entry SEL, and how long `ipmitool sdr elist` takes on the default
/// simulated switch.
struct SensorPhase {
    static let sensorCount = 1000
    static let pollHz = 10.0
    static let measuredSeconds = 10.0

    struct Result {
        var pollingCPUPercent: Double
        var samplesPerSecond: Double
        var cpuMicrosecondsPerSample: Double
        var memory: ProcessStats.Memory
        var selEntries: Int
        var sdrWalkMilliseconds: [Double]
        var ipmitoolStartupMilliseconds: [Double]

        var text: String {
            func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
            var lines = [
                "",
                "Sensor polling: \(SensorPhase.sensorCount) simulated sensors at \(Int(SensorPhase.pollHz)) Hz, \(Int(SensorPhase.measuredSeconds)) s",
                String(format: "  daemon CPU %.2f%% of one core (%.0f readings/s, %.2f µs per reading)",
                       pollingCPUPercent, samplesPerSecond, cpuMicrosecondsPerSample),
                "  target < 1% of one core: " + (pollingCPUPercent < 1 ? "met" : "missed"),
                String(format: "Daemon memory with those sensors and a full SEL (%d entries): VmRSS %.1f MiB, VmHWM %.1f MiB",
                       selEntries, Double(memory.vmRSSKiB) / 1024, Double(memory.vmHWMKiB) / 1024),
                String(format: "  heap and stacks %.1f MiB, executable and shared libraries %.1f MiB",
                       Double(memory.rssAnonKiB) / 1024, Double(memory.rssFileKiB) / 1024),
                "  target < 20 MB: " + (Double(memory.vmHWMKiB) * 1024 < 20e6 ? "met" : "missed"),
            ]
            if !sdrWalkMilliseconds.isEmpty {
                lines += [
                    String(format: "ipmitool sdr elist of the default simulated switch: median %.1f ms over %d runs",
                           median(sdrWalkMilliseconds), sdrWalkMilliseconds.count),
                    String(format: "  of which ipmitool's own start-up and session (mc info): median %.1f ms",
                           median(ipmitoolStartupMilliseconds)),
                    "  target < 200 ms: " + (median(sdrWalkMilliseconds) < 200 ? "met" : "missed"),
                ]
            }
            return lines.joined(separator: "\n")
        }
    }

    /// The config for this load: `sensorCount` simulated sensors polled at `pollHz`, and the SEL's size.
    static func config(selCapacity: Int) -> String {
        let sensors = (0..<sensorCount).map { index in
            "  - { name: S\(index), type: temperature, interval: \(1 / pollHz), thresholds: { unc: 90, uc: 100 }, "
                + "source: { simulated: { waveform: sine, min: 30, max: 60, period: \(60 + index % 120) } } }"
        }
        return "sel: { capacity: \(selCapacity) }\nsensors:\n" + sensors.joined(separator: "\n") + "\n"
    }

    static func run(executable: String, progress: (String) -> Void) throws -> Result {
        let daemon = try Daemon(executable: executable, suites: [3], extraConfig: config(selCapacity: 4096))
        defer { daemon.stop() }
        progress("polling \(sensorCount) sensors at \(pollHz) Hz for \(measuredSeconds) s")
        Thread.sleep(forTimeInterval: 2) // past start-up
        let before = try daemon.cpuTime()
        Thread.sleep(forTimeInterval: measuredSeconds)
        let after = try daemon.cpuTime()
        let cpuSeconds = Double(after.nanoseconds - before.nanoseconds) / 1e9
        let samples = Double(sensorCount) * pollHz * measuredSeconds

        progress("filling the SEL with 4096 entries")
        var session = try ConsoleSession(suite: CipherSuite.supported(id: 3)!, socket: UDPSocket(port: daemon.port))
        for _ in 0..<4096 { try session.addSELEntry() }
        try session.close()
        let memory = try daemon.memory()

        var walks: [Double] = []
        var startups: [Double] = []
        if let ipmitool = ["/usr/bin/ipmitool", "/usr/local/bin/ipmitool"].first(where: FileManager.default.isExecutableFile) {
            progress("ipmitool sdr elist on the default simulated switch")
            let simulated = try SimulatedSwitch(executable: executable)
            defer { simulated.stop() }
            for _ in 0..<10 {
                startups.append(try simulated.time(ipmitool, ["mc", "info"]))
                walks.append(try simulated.time(ipmitool, ["sdr", "elist"]))
            }
        }
        return Result(pollingCPUPercent: cpuSeconds / measuredSeconds * 100, samplesPerSecond: samples / measuredSeconds,
                      cpuMicrosecondsPerSample: cpuSeconds / samples * 1e6, memory: memory, selEntries: 4096,
                      sdrWalkMilliseconds: walks, ipmitoolStartupMilliseconds: startups)
    }
}

/// `ipmigod --simulate` on a free loopback port, for timing a real client against it.
private final class SimulatedSwitch {
    let port: UInt16
    private let process = Process()
    private let state: URL

    init(executable: String) throws {
        port = try UDPSocket.freeLoopbackPort()
        state = FileManager.default.temporaryDirectory.appendingPathComponent("ipmigod-bench-sim-\(UUID().uuidString)")
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["--simulate", "--listen", "127.0.0.1:\(port)", "--state-dir", state.path, "--log-level", "warning"]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        Thread.sleep(forTimeInterval: 1.5) // bound, and every sensor polled once
    }

    /// Wall time of one run of a client command, in milliseconds.
    func time(_ ipmitool: String, _ command: [String]) throws -> Double {
        let client = Process()
        client.executableURL = URL(fileURLWithPath: ipmitool)
        client.arguments = ["-I", "lanplus", "-H", "127.0.0.1", "-p", "\(port)", "-U", "admin", "-P", "admin"] + command
        client.standardOutput = FileHandle.nullDevice
        client.standardError = FileHandle.nullDevice
        let start = DispatchTime.now()
        try client.run()
        client.waitUntilExit()
        return Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e6
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: state)
    }
}

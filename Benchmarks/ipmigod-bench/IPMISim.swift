import Foundation

/// OpenIPMI's ipmi_sim, the BMC ipmigod is compared with: a child process on a free loopback
/// port, run on the committed config (Benchmarks/ipmi_sim: lan.conf with user admin/admin,
/// bench.emu with a BMC and a 4,096-entry SEL) and a state directory of its own.
final class IPMISim: Server {
    let port: UInt16
    private let process = Process()
    private let directory: URL

    var pid: pid_t { process.processIdentifier }

    /// Starts `executable` and returns once it answers an RMCP presence ping.
    init(executable: String, configDirectory: String) throws {
        port = try UDPSocket.freeLoopbackPort()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("ipmi-sim-bench-\(UUID().uuidString)")
        let state = directory.appendingPathComponent("state")
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        // lan.conf names its port as PORT: the one free now goes in its place.
        let lanConf = directory.appendingPathComponent("lan.conf")
        try String(contentsOfFile: configDirectory + "/lan.conf", encoding: .utf8)
            .replacingOccurrences(of: "addr 127.0.0.1 PORT", with: "addr 127.0.0.1 \(port)")
            .write(to: lanConf, atomically: true, encoding: .utf8)

        process.executableURL = URL(fileURLWithPath: executable)
        // -n: no console on standard input and output.
        process.arguments = ["-c", lanConf.path, "-f", configDirectory + "/bench.emu", "-s", state.path, "-n"]
        process.standardOutput = FileHandle.standardError
        do {
            try process.run()
            try Daemon.waitUntilAnswering(process, name: "ipmi_sim", port: port)
        } catch {
            stop()
            throw error
        }
    }

    func stop() {
        Daemon.terminate(process)
        try? FileManager.default.removeItem(at: directory)
    }
}

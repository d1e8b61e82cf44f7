import Foundation
import IPMICore

/// The sensor phase's memory figure alone (`--only-memory`): a daemon polling 1,000 sensors
/// at 10 Hz with a full 4,096-entry SEL, its /proc/PID/status figures, its smaps_rollup, and
/// the mappings holding the most resident memory. For comparing builds quickly.
enum MemoryPhase {
    static let pollingSeconds = 5.0

    static func run(executable: String, progress: (String) -> Void) throws -> String {
        let daemon = try Daemon(executable: executable, suites: [3],
                                extraConfig: SensorPhase.config(selCapacity: 4096))
        defer { daemon.stop() }
        progress("polling \(SensorPhase.sensorCount) sensors at \(SensorPhase.pollHz) Hz for \(pollingSeconds) s")
        let idle = try daemon.memory()
        Thread.sleep(forTimeInterval: pollingSeconds)
        progress("filling the SEL with 4096 entries")
        var session = try ConsoleSession(suite: CipherSuite.supported(id: 3)!, socket: UDPSocket(port: daemon.port))
        for _ in 0..<4096 { try session.addSELEntry() }
        try session.close()
        let memory = try daemon.memory()
        let rollup = try ProcessStats.read("/proc/\(daemon.pid)/smaps_rollup")
        let threads = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(daemon.pid)/task").count

        func mib(_ kib: Int) -> String { String(format: "%.1f MiB", Double(kib) / 1024) }
        var lines = [
            "Daemon memory, \(SensorPhase.sensorCount) sensors at \(Int(SensorPhase.pollHz)) Hz and a full 4096-entry SEL (\(executable))",
            "  at start: VmRSS \(mib(idle.vmRSSKiB)), RssAnon \(mib(idle.rssAnonKiB)), RssFile \(mib(idle.rssFileKiB))",
            "  VmHWM \(mib(memory.vmHWMKiB)), VmRSS \(mib(memory.vmRSSKiB)), RssAnon \(mib(memory.rssAnonKiB)), RssFile \(mib(memory.rssFileKiB)), \(threads) threads",
            "  target < 20 MB: " + (Double(memory.vmHWMKiB) * 1024 < 20e6 ? "met" : "missed"),
            "smaps_rollup:",
        ]
        lines += rollup.split(separator: "\n").dropFirst().map { "  " + $0 }
        lines.append("Resident per mapping (KiB, largest first):")
        lines += try residentByMapping(pid: daemon.pid).prefix(12).map { "  \(String(format: "%6d", $0.kib))  \($0.name)" }
        return lines.joined(separator: "\n")
    }

    /// Rss summed per mapped file ("[anon]", "[heap]", "[stack]" for the others).
    static func residentByMapping(pid: pid_t) throws -> [(name: String, kib: Int)] {
        var totals: [String: Int] = [:]
        var current = "[anon]"
        for line in try ProcessStats.read("/proc/\(pid)/smaps").split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if let first = fields.first, first.contains("-"), !first.hasSuffix(":") {
                current = fields.count >= 6 ? fields[5...].joined(separator: " ") : "[anon]"
            } else if fields.first == "Rss:", fields.count >= 2, let kib = Int(fields[1]) {
                totals[current, default: 0] += kib
            }
        }
        return totals.map { ($0.key, $0.value) }.sorted { $0.kib > $1.kib }
    }
}

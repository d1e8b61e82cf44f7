import Foundation

/// Everything one run measured, as a table for people or JSON for scripts.
struct Report: Encodable {
    struct Machine: Encodable {
        let cpus: Int
        let model: String

        static var current: Machine {
            let cpuinfo = (try? ProcessStats.read("/proc/cpuinfo")) ?? ""
            let model = cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }
                .flatMap { $0.split(separator: ":", maxSplits: 1).last }
                .map { $0.trimmingCharacters(in: .whitespaces) } ?? "unknown"
            return Machine(cpus: sysconf(Int32(_SC_NPROCESSORS_ONLN)), model: model)
        }
    }

    /// The ipmigod executable, or the process that was attached to.
    let server: String
    let machine: Machine
    let placement: Placement
    /// The CPUs pinned to; none when the placement is free.
    let cpus: Placement.CPUs?
    let measurements: [Measurement]
    /// The daemon's memory once it answers, and after the last phase.
    let memoryAtStart: ProcessStats.Memory
    let memoryAtEnd: ProcessStats.Memory

    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    var text: String {
        var lines = [
            "ipmigod-bench: \(server)",
            "machine: \(machine.cpus) CPUs, \(machine.model)",
            "placement: \(placement.rawValue)" + (cpus.map {
                $0.server == $0.clients ? ", server and clients on CPU \($0.server)"
                    : ", server on CPU \($0.server), clients on CPU \($0.clients)"
            } ?? ", unpinned"),
        ]
        for measurement in measurements {
            lines += [""] + describe(measurement)
        }
        lines += [
            "",
            "Daemon memory",
            "  at start: " + describe(memoryAtStart),
            "  at end:   " + describe(memoryAtEnd) + "; VmHWM (peak) \(mebibytes(memoryAtEnd.vmHWMKiB)) MiB",
            "  target < \(f(Target.maximumResidentMiB, 0)) MiB: "
                + (Double(memoryAtEnd.vmHWMKiB) / 1024 < Target.maximumResidentMiB ? "met" : "missed"),
        ]
        return lines.joined(separator: "\n")
    }

    private func describe(_ m: Measurement) -> [String] {
        let unit = m.operation == .sessionSetup ? "setup" : "request"
        let connections = m.operation == .echo ? "connection" : "session"
        let server = m.operation == .echo ? "echo thread" : "daemon"
        let cpu = m.serverCPU
        var lines = [
            m.operation.rawValue + (m.suite.map { ", cipher suite \($0)" } ?? "")
                + ", \(m.sessions) \(connections)\(m.sessions == 1 ? "" : "s")",
            "  \(m.operations) \(unit)s in \(f(m.seconds, 2)) s: \(f(m.operationsPerSecond, 0)) \(unit)s/s;"
                + " latency p50 \(f(m.latency.p50Microseconds, 1)) µs, p99 \(f(m.latency.p99Microseconds, 1)) µs",
            "  \(server) CPU \(f(cpu.microsecondsPerOperation, 2)) µs per \(unit)"
                + " (user \(f(cpu.userMicrosecondsPerOperation, 1)), kernel \(f(cpu.systemMicrosecondsPerOperation, 1)));"
                + " busy \(f(cpu.coreUtilisation * 100, 0))% of a core",
            "  /proc stat ticks say \(f(cpu.statMicrosecondsPerOperation, 1))"
                + " ± \(f(cpu.statResolutionMicroseconds, 1)) µs",
        ]
        if m.operation == .getDeviceID, let floor = floor(sessions: m.sessions) {
            lines.append("  above the echo floor: \(f(cpu.microsecondsPerOperation - floor, 2)) µs per request")
        }
        if m.operation == .sessionSetup, let floor = floor(sessions: 1) {
            // A setup is four ping-pong round trips: Open Session, RAKP 1/2, RAKP 3/4, Close Session.
            lines.append("  above 4 × the echo floor: \(f(cpu.microsecondsPerOperation - 4 * floor, 2)) µs per setup")
        }
        if let target = m.target {
            let met = cpu.microsecondsPerOperation <= target.maximumMicroseconds ? "met" : "missed"
            lines.append("  target ≤ \(f(target.maximumMicroseconds, 0)) µs: \(met)"
                + "    (OpenIPMI ipmi_sim: \(target.ipmiSimMicroseconds) µs)")
        }
        return lines
    }

    private func describe(_ memory: ProcessStats.Memory) -> String {
        "VmRSS \(mebibytes(memory.vmRSSKiB)) MiB"
            + " (heap and stacks \(mebibytes(memory.rssAnonKiB)), executable and libraries \(mebibytes(memory.rssFileKiB)))"
    }

    /// The echo thread's CPU per request with as many connections, if it was measured.
    private func floor(sessions: Int) -> Double? {
        measurements.first { $0.operation == .echo && $0.sessions == sessions }?.serverCPU.microsecondsPerOperation
    }

    private func mebibytes(_ kibibytes: Int) -> String { f(Double(kibibytes) / 1024, 1) }

    private func f(_ value: Double, _ decimals: Int) -> String {
        String(format: "%.\(decimals)f", value)
    }
}

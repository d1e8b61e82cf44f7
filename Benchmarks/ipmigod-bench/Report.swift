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

    let daemon: String
    let machine: Machine
    let measurements: [Measurement]
    let memory: ProcessStats.Memory

    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    var text: String {
        var lines = [
            "ipmigod-bench: \(daemon)",
            "machine: \(machine.cpus) CPUs, \(machine.model); the client threads share them with the daemon",
        ]
        for measurement in measurements {
            lines += [""] + Self.describe(measurement)
        }
        let rss = Double(memory.vmRSSKiB) / 1024
        let hwm = Double(memory.vmHWMKiB) / 1024
        lines += [
            "",
            "Daemon memory at the end",
            "  VmRSS \(Self.format(rss, 1)) MiB, VmHWM (peak) \(Self.format(hwm, 1)) MiB"
                + "    target < \(Self.format(Target.maximumResidentMiB, 0)) MiB: \(hwm < Target.maximumResidentMiB ? "met" : "missed")",
        ]
        return lines.joined(separator: "\n")
    }

    private static func describe(_ m: Measurement) -> [String] {
        let unit = m.operation == .getDeviceID ? "request" : "setup"
        let cpu = m.daemonCPU
        var lines = [
            "\(m.operation.rawValue), cipher suite \(m.suite), \(m.sessions) session\(m.sessions == 1 ? "" : "s")",
            "  \(m.operations) \(unit)s in \(format(m.seconds, 2)) s: \(format(m.operationsPerSecond, 0)) \(unit)s/s;"
                + " latency p50 \(format(m.latency.p50Microseconds, 1)) µs, p99 \(format(m.latency.p99Microseconds, 1)) µs",
            "  daemon CPU \(format(cpu.microsecondsPerOperation, 2)) µs per \(unit)"
                + " (stat ticks: \(format(cpu.statMicrosecondsPerOperation, 1)) ± \(format(cpu.statResolutionMicroseconds, 1)));"
                + " daemon busy \(format(cpu.coreUtilisation * 100, 0))% of a core",
        ]
        if let target = m.target {
            let met = cpu.microsecondsPerOperation <= target.maximumMicroseconds ? "met" : "missed"
            lines.append("  target ≤ \(format(target.maximumMicroseconds, 0)) µs: \(met)"
                + "    (OpenIPMI ipmi_sim: \(target.ipmiSimMicroseconds) µs)")
        }
        return lines
    }

    private static func format(_ value: Double, _ decimals: Int) -> String {
        String(format: "%.\(decimals)f", value)
    }
}

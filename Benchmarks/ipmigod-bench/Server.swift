#if canImport(Glibc)
import Glibc
#endif

/// The BMC under measurement: the ipmigod the benchmark started, or one already running
/// (another ipmigod build, or OpenIPMI's ipmi_sim for comparison on the same machine).
protocol Server {
    /// Its UDP port on 127.0.0.1.
    var port: UInt16 { get }
    var pid: pid_t { get }
}

extension Server {
    func cpuTime() throws -> ProcessStats.CPUTime { try ProcessStats.cpuTime(of: pid) }
    func memory() throws -> ProcessStats.Memory { try ProcessStats.memory(of: pid) }
}

/// A BMC someone else started and will stop.
struct RunningServer: Server {
    let port: UInt16
    let pid: pid_t
}

#if canImport(Glibc)
import Glibc
#endif

/// What Linux tells about the CPU time and memory of a process or thread.
enum ProcessStats {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// The CPU time a process (all its threads, live and exited) or a thread has used.
    struct CPUTime {
        /// From the kernel's CPU-time clock for the process or thread: exact to the nanosecond.
        var nanoseconds: UInt64
        /// utime and stime from /proc/…/stat: the same total, split in user and kernel time
        /// and rounded to clock ticks.
        var userTicks: UInt64
        var systemTicks: UInt64
    }

    /// Resident memory from /proc/PID/status, in KiB.
    struct Memory: Encodable {
        var vmRSSKiB: Int
        var vmHWMKiB: Int
        /// The two parts of VmRSS: the process's own heap and stacks, and the pages of the
        /// executable and shared libraries it has touched (clean, shared with other processes).
        var rssAnonKiB: Int
        var rssFileKiB: Int
    }

    /// Clock ticks per second, the unit of /proc/PID/stat (100 on Linux: 10 ms a tick).
    static let ticksPerSecond = UInt64(sysconf(Int32(_SC_CLK_TCK)))

    static func cpuTime(of pid: pid_t) throws(Failure) -> CPUTime {
        var clock = clockid_t()
        guard clock_getcpuclockid(pid, &clock) == 0 else { throw Failure(description: "no CPU clock for process \(pid)") }
        return try cpuTime(clock: clock, stat: "/proc/\(pid)/stat")
    }

    /// `stat` is /proc/PID/stat for a process, /proc/PID/task/TID/stat for a thread.
    static func cpuTime(clock: clockid_t, stat path: String) throws(Failure) -> CPUTime {
        var now = timespec()
        guard clock_gettime(clock, &now) == 0 else { throw Failure(description: "cannot read the CPU clock for \(path)") }
        // The command name (field 2) is in parentheses and may hold spaces: split after it.
        let stat = try read(path)
        guard let close = stat.lastIndex(of: ")") else { throw Failure(description: "\(path): malformed") }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // fields[0] is field 3 (state), so utime (field 14) and stime (field 15) are at 11 and 12.
        guard fields.count > 12, let utime = UInt64(fields[11]), let stime = UInt64(fields[12]) else {
            throw Failure(description: "\(path): no utime/stime")
        }
        return CPUTime(nanoseconds: UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec),
                       userTicks: utime, systemTicks: stime)
    }

    static func memory(of pid: pid_t) throws(Failure) -> Memory {
        let status = try read("/proc/\(pid)/status")
        func kibibytes(_ key: String) -> Int? {
            // A line reads "VmRSS:\t   12345 kB".
            status.split(separator: "\n").first { $0.hasPrefix(key + ":") }
                .flatMap { Int($0.dropFirst(key.count + 1).split(whereSeparator: \.isWhitespace).first ?? "") }
        }
        guard let rss = kibibytes("VmRSS"), let hwm = kibibytes("VmHWM"),
              let anonymous = kibibytes("RssAnon"), let file = kibibytes("RssFile")
        else {
            throw Failure(description: "/proc/\(pid)/status: no VmRSS, VmHWM, RssAnon or RssFile")
        }
        return Memory(vmRSSKiB: rss, vmHWMKiB: hwm, rssAnonKiB: anonymous, rssFileKiB: file)
    }

    /// A /proc file in full. Their size reads as 0, so read until end of file.
    static func read(_ path: String) throws(Failure) -> String {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw Failure(description: "\(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            bytes += chunk[..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

#if canImport(Glibc)
import Glibc
#endif
import Logging

/// A fleet's file descriptors: each member holds its UDP socket and its SEL file, and an SNMP
/// session while it alerts. A thousand members need more than the usual soft limit of 1,024.
enum FileLimit {
    static let perMember = 3
    static let spare = 64

    /// Raises the soft RLIMIT_NOFILE towards `needed` (never past the hard limit); says so when
    /// it cannot reach it.
    static func raise(toAtLeast needed: Int, logger: Logger) {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return }
        guard limit.rlim_cur < rlim_t(needed) else { return }
        limit.rlim_cur = min(limit.rlim_max, rlim_t(needed))
        if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) != 0 || limit.rlim_cur < rlim_t(needed) {
            logger.warning("open file limit \(limit.rlim_cur) is below the \(needed) this fleet may need; raise it (ulimit -n)")
        }
    }
}

import IPMICore
import Logging

/// The status.json of each member of one loop, written off the loop by the disk pool. The
/// loop starts one round at a time (`Writing`), so the reporters are only ever used by one
/// thread at once.
final class StatusFiles: @unchecked Sendable {
    struct Writing {
        var inProgress = false
    }

    private let reporters: [StatusReporter]

    init(directories: [String], logger: Logger) throws {
        reporters = try directories.map { StatusReporter(store: try StateStore(directory: $0), logger: logger) }
    }

    /// One status per reporter, in the same order; on the disk pool.
    func write(_ statuses: [DaemonStatus]) {
        for (reporter, status) in zip(reporters, statuses) { reporter.report(status) }
    }
}

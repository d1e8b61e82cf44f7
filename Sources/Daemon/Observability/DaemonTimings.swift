import NIOConcurrencyHelpers
import NIOCore

/// Durations measured off the BMC's loop, for the metrics: SEL writes (on the disk thread)
/// and sensor polls by source kind (on the poller's thread). Each notes under a lock; the
/// publisher copies them into the snapshot once a second.
final class DaemonTimings: Sendable {
    struct Summary: Sendable, Equatable {
        var count = 0
        var seconds = 0.0

        mutating func add(_ duration: TimeAmount) {
            count += 1
            seconds += Double(duration.nanoseconds) / 1e9
        }
    }

    struct Values: Sendable, Equatable {
        var selWrites = Summary()
        /// By source kind: hwmon, file, simulated.
        var polls: [String: Summary] = [:]
    }

    private let values = NIOLockedValueBox(Values())

    init() {}

    var current: Values { values.withLockedValue { $0 } }

    func noteSELWrite(_ duration: TimeAmount) {
        values.withLockedValue { $0.selWrites.add(duration) }
    }

    /// One poll of a group of sensors: each source kind's share of its time.
    func notePolls(_ durations: [String: TimeAmount]) {
        values.withLockedValue { values in
            for (source, duration) in durations { values.polls[source, default: Summary()].add(duration) }
        }
    }
}

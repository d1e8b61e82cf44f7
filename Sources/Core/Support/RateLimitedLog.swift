import Logging
import NIOCore

/// Logs repeated conditions (dropped packets, unreadable sensors) at most `burst` times
/// per `interval` for each reason, then says how many it held back.
public struct RateLimitedLog {
    private struct Bucket {
        var windowStart: NIODeadline
        var logged = 0
        var suppressed = 0
    }

    private var buckets: [String: Bucket] = [:]
    private let burst: Int
    private let interval: TimeAmount
    public private(set) var counts: [String: Int] = [:]

    public init(burst: Int = 5, interval: TimeAmount = .seconds(60)) {
        self.burst = burst
        self.interval = interval
    }

    public mutating func note(_ reason: String, detail: @autoclosure () -> String, logger: Logger, now: NIODeadline) {
        counts[reason, default: 0] += 1
        var bucket = buckets[reason] ?? Bucket(windowStart: now)
        if now - bucket.windowStart > interval {
            if bucket.suppressed > 0 {
                logger.warning("\(reason): \(bucket.suppressed) more not logged in the last \(interval.nanoseconds / 1_000_000_000) s")
            }
            bucket = Bucket(windowStart: now)
        }
        if bucket.logged < burst {
            bucket.logged += 1
            logger.warning("\(reason): \(detail())")
        } else {
            bucket.suppressed += 1
        }
        buckets[reason] = bucket
    }
}

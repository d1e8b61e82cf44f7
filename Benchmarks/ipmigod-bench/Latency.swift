#if canImport(Glibc)
import Glibc
#endif

/// Nanoseconds on the monotonic clock: what each request's latency is measured with.
func monotonicNanoseconds() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
}

/// The median and 99th percentile of a set of latencies, in microseconds.
struct LatencySummary: Encodable {
    let p50Microseconds: Double
    let p99Microseconds: Double

    /// `nanoseconds` holds one sample per operation; nearest-rank percentiles.
    init(nanoseconds: [UInt64]) {
        let sorted = nanoseconds.sorted()
        func percentile(_ p: Double) -> Double {
            guard !sorted.isEmpty else { return 0 }
            let rank = Int((p * Double(sorted.count)).rounded(.up)) - 1
            return Double(sorted[min(max(rank, 0), sorted.count - 1)]) / 1000
        }
        p50Microseconds = percentile(0.50)
        p99Microseconds = percentile(0.99)
    }
}

import NIOCore

/// A small token bucket per source address: `burst` requests at once, then `perSecond`.
/// It tracks at most `maximumSources` addresses; when more arrive, the one that asked least
/// recently is forgotten (it starts again with a full bucket, which is what it would have by
/// now anyway unless it asked within the last `burst / perSecond` seconds).
struct SourceRateLimiter {
    private struct Bucket {
        var tokens: Double
        var updated: NIODeadline
    }

    let burst: Double
    let perSecond: Double
    let maximumSources: Int
    private var buckets: [RemoteConsole: Bucket] = [:]

    init(burst: Int, perSecond: Int, maximumSources: Int = 256) {
        self.burst = Double(burst)
        self.perSecond = Double(perSecond)
        self.maximumSources = maximumSources
    }

    /// Takes a token for `remote`'s address; false when its bucket is empty.
    mutating func allow(_ remote: RemoteConsole, now: NIODeadline) -> Bool {
        let host = remote.host
        var bucket = buckets[host] ?? Bucket(tokens: burst, updated: now)
        let elapsed = Double((now - bucket.updated).nanoseconds) / 1e9
        bucket.tokens = min(burst, bucket.tokens + max(0, elapsed) * perSecond)
        bucket.updated = now
        let allowed = bucket.tokens >= 1
        if allowed { bucket.tokens -= 1 }
        if buckets[host] == nil && buckets.count >= maximumSources,
           let stalest = buckets.min(by: { $0.value.updated < $1.value.updated }) {
            buckets[stalest.key] = nil
        }
        buckets[host] = bucket
        return allowed
    }

    /// Gives back a token taken for `remote`'s address: what it was spent on turned out legitimate.
    mutating func refund(_ remote: RemoteConsole) {
        guard var bucket = buckets[remote.host] else { return }
        bucket.tokens = min(burst, bucket.tokens + 1)
        buckets[remote.host] = bucket
    }
}

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

    /// Takes a token for `remote`'s address; false when its bucket is empty. One hash of the
    /// address for a known source (this runs for every RAKP 1).
    mutating func allow(_ remote: RemoteConsole, now: NIODeadline) -> Bool {
        let host = remote.host
        guard let index = buckets.index(forKey: host) else {
            // A new source starts with a full bucket; at the limit it takes the stalest one's place.
            if buckets.count >= maximumSources, let stalest = buckets.min(by: { $0.value.updated < $1.value.updated }) {
                buckets[stalest.key] = nil
            }
            let allowed = burst >= 1
            buckets[host] = Bucket(tokens: allowed ? burst - 1 : burst, updated: now)
            return allowed
        }
        var bucket = buckets.values[index]
        let elapsed = Double((now - bucket.updated).nanoseconds) / 1e9
        bucket.tokens = min(burst, bucket.tokens + max(0, elapsed) * perSecond)
        bucket.updated = now
        let allowed = bucket.tokens >= 1
        if allowed { bucket.tokens -= 1 }
        buckets.values[index] = bucket
        return allowed
    }

    /// Gives back a token taken for `remote`'s address: what it was spent on turned out legitimate.
    mutating func refund(_ remote: RemoteConsole) {
        guard let index = buckets.index(forKey: remote.host) else { return }
        buckets.values[index].tokens = min(burst, buckets.values[index].tokens + 1)
    }
}

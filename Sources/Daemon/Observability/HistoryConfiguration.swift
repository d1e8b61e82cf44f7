import IPMICore
/// How much reading history to keep per sensor (the config's `history:` section).
struct HistoryConfiguration: Sendable, Equatable {
    /// Seconds per sample of the recent span. Readings are sampled from the published
    /// snapshot, once a second at most: a sensor polled faster keeps its latest reading of
    /// each second (the cap on "every poll").
    var recentResolution = 1
    var recentSpan = 3600
    /// Seconds per average (with min and max) of the long span.
    var longResolution = 60
    var longSpan = 7 * 86400
    /// The most memory all sensors' history may take: with many sensors the spans shrink to
    /// fit (recent first gets up to half, the long span the rest).
    var memoryLimit = 8 << 20
    /// Seconds between saves of the history to the state directory (also saved at shutdown).
    var saveInterval = 300

    /// Samples per sensor of each span, within the memory limit for `sensors` sensors.
    func capacities(sensors: Int) -> (recent: Int, long: Int) {
        let count = max(1, sensors)
        let recentWanted = max(1, recentSpan / max(1, recentResolution))
        let longWanted = max(1, longSpan / max(1, longResolution))
        let recent = min(recentWanted, max(1, TickRing<UInt8>.samples(fitting: memoryLimit / 2 / count)))
        let left = memoryLimit - count * TickRing<UInt8>.bytes(capacity: recent)
        let long = min(longWanted, max(1, TickRing<UInt32>.samples(fitting: left / count)))
        return (recent, long)
    }
}

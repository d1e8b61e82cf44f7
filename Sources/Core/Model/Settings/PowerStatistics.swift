/// The system's input power as DCMI's Get Power Reading reports it: the sum of the power
/// supplies' input power sensors (unit watts, entity power supply) at each poll, and the
/// minimum, maximum and average of those sums since statistics began. O(1) memory: one
/// running sum, however long the daemon runs.
public struct PowerStatistics: Sendable, Equatable {
    public private(set) var current: Double?
    public private(set) var minimum: Double = 0
    public private(set) var maximum: Double = 0
    public private(set) var sum: Double = 0
    public private(set) var count = 0
    /// When the first sample of the period was taken.
    public private(set) var start: UInt64?
    /// Positions of the input power sensors among the BMC's sensors, once looked up.
    var sensors: [Int]?

    public init() {}

    /// A new total, taken at `uptimeNanoseconds`; nil when no supply could be read.
    public mutating func record(_ watts: Double?, at uptimeNanoseconds: UInt64) {
        current = watts
        guard let watts else { return }
        if count == 0 {
            minimum = watts
            maximum = watts
            start = uptimeNanoseconds
        }
        minimum = min(minimum, watts)
        maximum = max(maximum, watts)
        sum += watts
        count += 1
    }

    public var average: Double { count == 0 ? 0 : sum / Double(count) }

    /// Milliseconds covered by the statistics.
    public func periodMilliseconds(now uptimeNanoseconds: UInt64) -> UInt32 {
        guard let start, uptimeNanoseconds > start else { return 0 }
        return UInt32(clamping: (uptimeNanoseconds - start) / 1_000_000)
    }
}

import IPMICore
import NIOCore

/// One sensor's reading history: raw readings at the recent resolution, and averages with
/// min and max at the long resolution, in compact rings (one byte per recent sample, four
/// per long one: min, max and the average in 1/256 raw counts).
struct SensorHistory {
    struct Point: Sendable, Equatable {
        /// Seconds since 1970.
        var time: Int64
        var raw: Double
        var minimum: UInt8
        var maximum: UInt8
    }

    private(set) var recent: TickRing<UInt8>
    private(set) var long: TickRing<UInt32>
    let recentResolution: Int64
    let longResolution: Int64
    /// The long span's tick being averaged.
    private var pending: (tick: Int64, sum: Int, count: Int, minimum: UInt8, maximum: UInt8)?

    init(configuration: HistoryConfiguration, capacities: (recent: Int, long: Int)) {
        recent = TickRing(capacity: capacities.recent)
        long = TickRing(capacity: capacities.long)
        recentResolution = Int64(max(1, configuration.recentResolution))
        longResolution = Int64(max(1, configuration.longResolution))
    }

    mutating func record(raw: UInt8, at time: Int64) {
        recent.set(raw, at: time / recentResolution)
        let tick = time / longResolution
        if var current = pending, current.tick == tick {
            current.sum += Int(raw)
            current.count += 1
            current.minimum = min(current.minimum, raw)
            current.maximum = max(current.maximum, raw)
            pending = current
        } else {
            flush()
            pending = (tick, Int(raw), 1, raw, raw)
        }
        // The running average of the current tick is visible at once, and final when it ends.
        if let current = pending { long.set(Self.pack(current), at: current.tick) }
    }

    private mutating func flush() {
        if let current = pending { long.set(Self.pack(current), at: current.tick) }
        pending = nil
    }

    private static func pack(_ aggregate: (tick: Int64, sum: Int, count: Int, minimum: UInt8, maximum: UInt8)) -> UInt32 {
        let average = UInt32(min(0xFFFF, aggregate.sum * 256 / max(1, aggregate.count)))
        return UInt32(aggregate.minimum) | UInt32(aggregate.maximum) << 8 | average << 16
    }

    /// The recent samples since `start` (seconds since 1970).
    func recentPoints(since start: Int64) -> [Point] {
        recent.samples(since: start / recentResolution).map {
            Point(time: $0.tick * recentResolution, raw: Double($0.value), minimum: $0.value, maximum: $0.value)
        }
    }

    /// The long span's averages since `start`.
    func longPoints(since start: Int64) -> [Point] {
        long.samples(since: start / longResolution).map {
            Point(time: $0.tick * longResolution, raw: Double($0.value >> 16) / 256,
                  minimum: UInt8(truncatingIfNeeded: $0.value), maximum: UInt8(truncatingIfNeeded: $0.value >> 8))
        }
    }

    func write(to buffer: inout ByteBuffer) {
        recent.write(to: &buffer)
        long.write(to: &buffer)
    }

    mutating func read(from buffer: inout ByteBuffer) -> Bool {
        guard let recent = TickRing<UInt8>.read(from: &buffer, capacity: recent.capacity),
              let long = TickRing<UInt32>.read(from: &buffer, capacity: long.capacity)
        else { return false }
        self.recent = recent
        self.long = long
        return true
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The SEL's clock (IPMI 2.0 section 31.10): seconds since 1970 UTC, kept as an offset from the
/// system clock, so Set SEL Time moves the SEL's timestamps without touching the switch's clock.
public struct SELClock: Sendable, Equatable {
    /// The UTC offset reported before one is set (IPMI 2.0 section 31.11a).
    public static let unspecifiedUTCOffset: Int16 = 0x07FF
    /// Set SEL Time UTC Offset accepts -24 h to +24 h, in minutes.
    public static let utcOffsetRange: ClosedRange<Int16> = -1440...1440

    /// SEL time minus system time, in seconds.
    public var offset: Int64 = 0
    /// Minutes east of UTC, or `unspecifiedUTCOffset`.
    public var utcOffset: Int16 = SELClock.unspecifiedUTCOffset

    public init(offset: Int64 = 0, utcOffset: Int16 = SELClock.unspecifiedUTCOffset) {
        self.offset = offset
        self.utcOffset = utcOffset
    }

    public func time(atSystemTime system: Int64) -> UInt32 {
        UInt32(clamping: system + offset)
    }

    public mutating func set(_ time: UInt32, atSystemTime system: Int64) {
        offset = Int64(time) - system
    }

    /// The system clock, seconds since 1970 UTC.
    public static func systemSeconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec)
    }
}

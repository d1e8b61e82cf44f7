import FoundationEssentials

/// The board manufacturing date of the FRU format: minutes since 1996-01-01 00:00 UTC in
/// three bytes, where zero means unspecified. Three bytes of minutes run out in November 2027.
public enum FRUDate {
    public static let epoch = Date(timeIntervalSince1970: 820_454_400)
    /// The earliest and latest dates the three bytes can hold (zero is taken by "unspecified").
    public static let representable = epoch.addingTimeInterval(60)...epoch.addingTimeInterval(Double(0xFF_FFFF) * 60)

    /// The date in whole minutes since the epoch, or nil when the format cannot hold it.
    public static func minutes(_ date: Date) -> UInt32? {
        guard representable.contains(date) else { return nil }
        return UInt32(date.timeIntervalSince(epoch) / 60)
    }
}

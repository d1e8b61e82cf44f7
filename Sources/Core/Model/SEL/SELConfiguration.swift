/// The System Event Log's size and what happens when it is full.
public struct SELConfiguration: Sendable, Equatable {
    /// Get SEL Info reports free space in 16 bits, with FFFFh meaning "65535 bytes or more"
    /// (IPMI 2.0 section 31.2), so an empty 4096-entry SEL is still described exactly enough.
    public static let capacityRange = 16...4096

    /// Entries the SEL holds (16 bytes each).
    public var capacity: Int = 1024
    /// Overwrite the oldest entries when full, instead of refusing new ones with "out of space"
    /// (C4h), which is what IPMI expects.
    public var overwritesWhenFull = false

    public init(capacity: Int = 1024, overwritesWhenFull: Bool = false) {
        precondition(SELConfiguration.capacityRange.contains(capacity), "SEL capacity out of range")
        self.capacity = capacity
        self.overwritesWhenFull = overwritesWhenFull
    }
}

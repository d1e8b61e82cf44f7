/// The System Event Log's size and what happens when it is full.
public struct SELConfiguration: Sendable, Equatable {
    /// Entries the SEL holds (16 bytes each); Get SEL Info reports free space in 16 bits.
    public var capacity: Int = 1024
    /// Overwrite the oldest entries when full, instead of refusing new ones (IPMI's default).
    public var overwritesWhenFull = false
    public init() {}
}

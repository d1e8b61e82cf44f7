/// The chassis state IPMI calls non-volatile, kept in the state directory (chassis.json)
/// and changed only through `BMC.saveThenApply`, so each change is durable before it is
/// acknowledged.
public struct ChassisSettings: Codable, Sendable, Equatable {
    public var restorePolicy: PowerRestorePolicy = .alwaysOff
    /// Seconds the chassis stays off in a power cycle (Set Power Cycle Interval; 0: the platform's own).
    public var powerCycleInterval: UInt8 = 0
    /// Whether the chassis was powered when last known: what the "previous" policy restores.
    public var wasPoweredOn = true
    /// Set Front Panel Enables, bits 3..0: standby, diagnostic interrupt, reset, power off button disabled.
    public var frontPanelDisables: UInt8 = 0
    /// Set Chassis Capabilities: flags (bits 1..0) and the FRU, SDR, SEL, system management and
    /// bridge device addresses.
    public var capabilities = ChassisCapabilities()
    /// Minutes with power on (Get POH Counter).
    public var powerOnMinutes: UInt32 = 0
    /// The boot options that outlive a restart (parameters 1 to 3, and 5 when its persistent bit is set).
    public var boot = PersistentBootOptions()

    public init(restorePolicy: PowerRestorePolicy = .alwaysOff) { self.restorePolicy = restorePolicy }
}

public enum PowerRestorePolicy: UInt8, Codable, Sendable {
    case alwaysOff = 0, previous = 1, alwaysOn = 2
}

public struct ChassisCapabilities: Codable, Sendable, Equatable {
    /// Bit 1: front panel lockout, bit 0: intrusion sensor (the only ones Set Chassis Capabilities may change).
    public var flags: UInt8 = 0
    public var fruAddress: UInt8 = 0x20
    public var sdrAddress: UInt8 = 0x20
    public var selAddress: UInt8 = 0x20
    public var systemManagementAddress: UInt8 = 0x20
    public var bridgeAddress: UInt8? = nil

    public init() {}
}

public struct PersistentBootOptions: Codable, Sendable, Equatable {
    public var servicePartitionSelector: UInt8 = 0
    public var servicePartitionScan: UInt8 = 0
    /// Parameter 3: which events leave the boot-flag-valid bit alone (table 28-14).
    public var validBitClearing: UInt8 = 0
    /// Parameter 5 when it was set persistent; nil: next-boot flags only, which a restart forgets.
    public var flags: BootFlags?

    public init() {}
}

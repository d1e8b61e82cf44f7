/// The ACPI power state system software last reported (Set ACPI Power State, IPMI 2.0
/// section 20.6). The BMC only records it for Get ACPI Power State: it changes nothing.
/// Volatile; "unknown" until software sets it.
public struct ACPIPowerState: Sendable, Equatable {
    /// "Unknown", valid for both the system and the device state.
    public static let unknown: UInt8 = 0x2A
    /// "No change": leaves the state as it is.
    public static let noChange: UInt8 = 0x7F

    /// 00h S0/G0 working ... 0Ah override, 20h legacy on, 21h legacy off, 2Ah unknown.
    public var system: UInt8 = unknown
    /// 00h D0 ... 03h D3, 2Ah unknown.
    public var device: UInt8 = unknown

    public init() {}

    public static func isValidSystemState(_ state: UInt8) -> Bool {
        state <= 0x0A || state == 0x20 || state == 0x21 || state == unknown || state == noChange
    }

    public static func isValidDeviceState(_ state: UInt8) -> Bool {
        state <= 0x03 || state == unknown || state == noChange
    }
}

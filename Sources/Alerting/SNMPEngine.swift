import IPMICore

/// This BMC as an SNMPv3 engine (RFC 3411, RFC 3414): an engine ID of its own, and a boot
/// count that grows at every start, saved before the first SNMPv3 message goes out. With
/// the engine time counting from start, a receiver refuses an authenticated trap it has
/// seen from an earlier boot, and one older than its 150-second window within this boot.
public struct SNMPEngine: Sendable, Equatable {
    /// RFC 3411 SnmpEngineID: the enterprise number with the high bit set, format 5
    /// (administratively assigned octets), then the 16 bytes of the system GUID.
    public var id: [UInt8]
    /// snmpEngineBoots: 1 at the first start, one more at each start after.
    public var boots: UInt32

    static let file = "snmp-engine.json"
    /// RFC 3414 2.2.2: a boot count stays at 2^31-1 once it gets there (the keys then need changing).
    static let maximumBoots: UInt32 = 0x7FFF_FFFF
    /// The PET enterprise (wired-for-management), when the config names no manufacturer.
    static let fallbackEnterprise: UInt32 = 3183
    private static let octetsFormat: UInt8 = 5

    public init(id: [UInt8], boots: UInt32) {
        self.id = id
        self.boots = boots
    }

    /// The engine ID of the install with `systemGUID` (IPMI wire order) whose manufacturer has
    /// IANA enterprise number `enterprise` (0: the PET enterprise, 3183).
    public static func engineID(systemGUID: [UInt8], enterprise: UInt32) -> [UInt8] {
        let number = (enterprise == 0 ? fallbackEnterprise : enterprise) | 0x8000_0000
        return [UInt8(number >> 24), UInt8(truncatingIfNeeded: number >> 16), UInt8(truncatingIfNeeded: number >> 8),
                UInt8(truncatingIfNeeded: number), octetsFormat] + systemGUID
    }

    /// Counts this start: the saved boot count plus one, saved durably (atomic file, fsync)
    /// before it is returned, so no message of this boot can carry a count a later boot reuses.
    public static func start(store: StateStore, systemGUID: [UInt8], enterprise: UInt32) throws -> SNMPEngine {
        struct Saved: Codable { var boots: UInt32 }
        let previous = try store.load(Saved.self, from: file)?.boots ?? 0
        let boots = previous >= maximumBoots ? maximumBoots : previous + 1
        try store.save(Saved(boots: boots), as: file)
        return SNMPEngine(id: engineID(systemGUID: systemGUID, enterprise: enterprise), boots: boots)
    }
}

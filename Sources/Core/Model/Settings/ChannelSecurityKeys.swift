/// The LAN channel's BMC key K_G (IPMI 2.0 sections 13.31 and 22.25): when set, RMCP+
/// sessions derive their Session Integrity Key from it instead of the user's password, so a
/// console must know it too ("two-key" login). All zero is the default: K_G = K_UID.
/// The key is never read back over IPMI; Set Channel Security Keys reports only that the
/// keys are not lockable. K_R (key ID 0) has no role in ipmigod's RMCP+: it stays all zero.
public struct ChannelSecurityKeys: Codable, Equatable, Sendable {
    static let stateFile = "channel-keys.json"
    public static let keyLength = 20

    /// Nil while K_G is all zero (the default).
    public private(set) var kg: [UInt8]?

    public init() {}

    /// A 20-byte K_G; all zero clears it.
    public mutating func setKG(_ key: [UInt8]) {
        precondition(key.count == ChannelSecurityKeys.keyLength)
        kg = key.allSatisfy { $0 == 0 } ? nil : key
    }

    /// The key SIK is derived with: K_G when set, else the user's K_UID.
    public func sessionKeyBase(userKey: [UInt8]) -> [UInt8] { kg ?? userKey }
}

/// The fixed identifiers of a Platform Event Trap (PET v1.0, DMTF/Intel, and IPMI 2.0 section 17).
public enum PET {
    /// wired-for-management.pet (1.3.6.1.4.1.3183.1.1): the trap's enterprise.
    public static let enterpriseOID: [UInt32] = [1, 3, 6, 1, 4, 1, 3183, 1, 1]
    /// The one varbind, an OCTET STRING holding the event.
    public static let varbindOID: [UInt32] = enterpriseOID + [1]
    /// SNMPv1 generic trap "enterpriseSpecific".
    public static let genericTrap = 6
    /// IPMI puts 0x20 (IPMI) in both the trap source and event source type fields.
    public static let sourceTypeIPMI: UInt8 = 0x20
    /// Language code 0x19: English.
    public static let languageEnglish: UInt8 = 0x19
    /// A lone 0xC1 in the OEM custom field area means "no custom fields".
    public static let noOEMFields: [UInt8] = [0xC1]
    /// The longest OEM custom area PET v1.0 allows (the varbind tops out at 110 bytes).
    public static let maxOEMFieldLength = 64

    /// The SNMPv2 notification OID (RFC 3584 section 3.2): enterprise.0.specific.
    public static func notificationOID(specificTrap: UInt32) -> [UInt32] {
        enterpriseOID + [0, specificTrap]
    }
}

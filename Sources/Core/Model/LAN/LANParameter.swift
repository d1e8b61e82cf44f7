/// The LAN configuration parameters ipmigod implements (IPMI 2.0 table 23-4), with the
/// length of each one's data. Parameters 8 and 9 (RMCP ports), 27 to 49, 52 to 54, 56 to 63
/// and past 72 are not supported; 50, 51, 55 and 64 to 72 say the channel is IPv4 only.
public enum LANParameter: UInt8, Sendable, CaseIterable {
    case setInProgress = 0
    case authTypeSupport = 1
    case authTypeEnables = 2
    case ipAddress = 3
    case ipAddressSource = 4
    case macAddress = 5
    case subnetMask = 6
    case ipv4Header = 7
    case arpControl = 10
    case gratuitousARPInterval = 11
    case defaultGateway = 12
    case defaultGatewayMAC = 13
    case backupGateway = 14
    case backupGatewayMAC = 15
    case communityString = 16
    case destinationCount = 17
    case destinationType = 18
    case destinationAddress = 19
    case vlanID = 20
    case vlanPriority = 21
    case cipherSuiteCount = 22
    case cipherSuiteEntries = 23
    case cipherSuitePrivileges = 24
    case destinationVLAN = 25
    case badPasswordThreshold = 26
    case ipVersionSupport = 50
    case ipVersionEnables = 51
    case ipv6Status = 55
    case ipv6RouterControl = 64
    case ipv6Router1Address = 65
    case ipv6Router1MAC = 66
    case ipv6Router1PrefixLength = 67
    case ipv6Router1Prefix = 68
    case ipv6Router2Address = 69
    case ipv6Router2MAC = 70
    case ipv6Router2PrefixLength = 71
    case ipv6Router2Prefix = 72

    /// Revision of the parameter format: 1.1 (IPMI 2.0).
    public static let revision: UInt8 = 0x11
    /// Destinations 1..15 are non-volatile; 0 is the volatile one of Alert Immediate.
    public static let highestDestination: UInt8 = 15

    /// Parameters that are one value per alert destination: their data starts with the selector.
    public var isPerDestination: Bool {
        self == .destinationType || self == .destinationAddress || self == .destinationVLAN
    }

    /// The IPv6 static router parameters (64 to 72): with no IPv6 they hold zeros, of this
    /// length, and a Set may only write zeros back (routing off, no router).
    public var ipv6RouterLength: Int? {
        switch self {
        case .ipv6RouterControl, .ipv6Router1PrefixLength, .ipv6Router2PrefixLength: 1
        case .ipv6Router1MAC, .ipv6Router2MAC: 6
        case .ipv6Router1Address, .ipv6Router1Prefix, .ipv6Router2Address, .ipv6Router2Prefix: 16
        default: nil
        }
    }

    /// Parameters a client can only read: they describe what the channel implements.
    public var isReadOnly: Bool {
        switch self {
        case .authTypeSupport, .destinationCount, .cipherSuiteCount, .cipherSuiteEntries, .ipVersionSupport, .ipv6Status: true
        default: false
        }
    }

    /// Parameters that describe the host's management interface when the config names one
    /// (`lan.interface`): the BMC shares the host's NIC and cannot change the host's address, so
    /// a client can only read them. 3, 5, 6, 12 and 13 follow the interface; 4 (address source)
    /// is the config's `ip_source`, since whether the address came from DHCP is the host's business.
    public var isOwnedByInterface: Bool {
        switch self {
        case .ipAddress, .ipAddressSource, .macAddress, .subnetMask, .defaultGateway, .defaultGatewayMAC: true
        default: false
        }
    }

    /// Bytes of data on Set, after the selector of a per-destination parameter. Nil for the
    /// read-only parameters, whose length depends on the channel.
    public var settableLength: Int? {
        switch self {
        case .setInProgress, .ipAddressSource, .arpControl, .gratuitousARPInterval, .vlanPriority, .ipVersionEnables: 1
        case .authTypeEnables: 5
        case .ipAddress, .subnetMask, .defaultGateway, .backupGateway: 4
        case .macAddress, .defaultGatewayMAC, .backupGatewayMAC, .badPasswordThreshold: 6
        case .ipv4Header, .destinationType, .destinationVLAN: 3
        case .communityString: 18
        case .destinationAddress: 12
        case .vlanID: 2
        case .cipherSuitePrivileges: 9
        case .ipv6RouterControl, .ipv6Router1Address, .ipv6Router1MAC, .ipv6Router1PrefixLength, .ipv6Router1Prefix,
             .ipv6Router2Address, .ipv6Router2MAC, .ipv6Router2PrefixLength, .ipv6Router2Prefix: ipv6RouterLength
        case .authTypeSupport, .destinationCount, .cipherSuiteCount, .cipherSuiteEntries, .ipVersionSupport, .ipv6Status: nil
        }
    }
}

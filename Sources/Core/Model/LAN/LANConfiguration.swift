/// The LAN channel's network identity, community string and alert destinations as the config
/// file declares them (IPMI 2.0 section 23.2). These seed the LAN configuration parameters;
/// what a client sets over IPMI is persisted and takes precedence.
public struct LANConfiguration: Sendable, Equatable {
    /// Parameter 4's values (bits 3..0).
    public enum AddressSource: UInt8, Sendable, Equatable {
        case unspecified = 0, `static` = 1, dhcp = 2, bios = 3, other = 4
    }

    /// On a switch: the management interface whose address, netmask, MAC, default gateway and
    /// its MAC (parameters 3, 5, 6, 12 and 13) the daemon follows, re-reading them every few
    /// seconds, instead of the values below. Those parameters and 4 are then read-only.
    public var interface: String?
    /// IPv4 addresses in network order, MAC addresses as 6 bytes; all zero means unknown.
    public var ipAddress: [UInt8] = [0, 0, 0, 0]
    public var addressSource: AddressSource = .static
    public var subnetMask: [UInt8] = [0, 0, 0, 0]
    public var macAddress: [UInt8] = [0, 0, 0, 0, 0, 0]
    public var defaultGateway: [UInt8] = [0, 0, 0, 0]
    public var defaultGatewayMAC: [UInt8] = [0, 0, 0, 0, 0, 0]
    public var backupGateway: [UInt8] = [0, 0, 0, 0]
    public var backupGatewayMAC: [UInt8] = [0, 0, 0, 0, 0, 0]
    /// 802.1q VLAN ID (1..4094), nil when VLAN tagging is off.
    public var vlanID: UInt16?
    public var vlanPriority: UInt8 = 0
    /// Parameter 16; at most 18 bytes. The community of v1/v2c destinations that name none.
    public var communityString: String = "public"
    /// Selectors 1..15, each at most once (the config reader checks it).
    public var destinations: [AlertDestination] = []

    public init() {}
}

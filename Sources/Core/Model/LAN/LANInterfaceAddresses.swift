/// What the switch's management interface has now (the daemon reads it every few seconds):
/// the values of LAN parameters 3, 5, 6, 12 and 13 when the config names `lan.interface`.
/// IPv4 addresses in network order, MAC addresses as 6 bytes; all zero means unknown.
public struct LANInterfaceAddresses: Sendable, Equatable {
    public var ipAddress: [UInt8]
    public var subnetMask: [UInt8]
    public var macAddress: [UInt8]
    public var defaultGateway: [UInt8]
    public var defaultGatewayMAC: [UInt8]

    /// No interface (yet), or one with no IPv4 address.
    public static let unknown = LANInterfaceAddresses()

    public init(ipAddress: [UInt8] = [0, 0, 0, 0], subnetMask: [UInt8] = [0, 0, 0, 0],
                macAddress: [UInt8] = [0, 0, 0, 0, 0, 0], defaultGateway: [UInt8] = [0, 0, 0, 0],
                defaultGatewayMAC: [UInt8] = [0, 0, 0, 0, 0, 0]) {
        self.ipAddress = ipAddress
        self.subnetMask = subnetMask
        self.macAddress = macAddress
        self.defaultGateway = defaultGateway
        self.defaultGatewayMAC = defaultGatewayMAC
    }

    /// Each parameter's data; a value of the wrong length reads as unknown (zeros).
    var parameterValues: [(parameter: LANParameter, data: [UInt8])] {
        func sized(_ bytes: [UInt8], _ count: Int) -> [UInt8] {
            bytes.count == count ? bytes : [UInt8](repeating: 0, count: count)
        }
        return [
            (.ipAddress, sized(ipAddress, 4)),
            (.macAddress, sized(macAddress, 6)),
            (.subnetMask, sized(subnetMask, 4)),
            (.defaultGateway, sized(defaultGateway, 4)),
            (.defaultGatewayMAC, sized(defaultGatewayMAC, 6)),
        ]
    }
}

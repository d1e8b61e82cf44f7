/// An IPMI network function: the request code (even); responses carry `rawValue | 1`.
public struct NetFn: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt8
    public init(_ rawValue: UInt8) { self.rawValue = rawValue & 0xFE }

    public static let chassis = NetFn(0x00)
    public static let bridge = NetFn(0x02)
    public static let sensorEvent = NetFn(0x04)
    public static let app = NetFn(0x06)
    public static let firmware = NetFn(0x08)
    public static let storage = NetFn(0x0A)
    public static let transport = NetFn(0x0C)
    public static let groupExtension = NetFn(0x2C)
    public static let oemGroup = NetFn(0x2E)

    public var responseCode: UInt8 { rawValue | 1 }
    public var description: String { "netfn 0x" + String(rawValue, radix: 16) }
}

/// A command within a network function.
public struct CommandKey: Hashable, Sendable {
    public let netFn: NetFn
    public let command: UInt8
    public init(_ netFn: NetFn, _ command: UInt8) {
        self.netFn = netFn
        self.command = command
    }
}

/// BMC Global Enables (IPMI 2.0 section 22.1). Over the LAN there is no system interface, so
/// the receive message queue, event message buffer and their interrupts do not exist and stay
/// off; System Event Logging is the one enable a client can change.
public struct GlobalEnables: Codable, Equatable, Sendable {
    static let stateFile = "global-enables.json"

    /// Bit 3 of the enables byte.
    public static let systemEventLoggingBit: UInt8 = 0x08

    public var systemEventLogging = true

    public init() {}

    public var byte: UInt8 { systemEventLogging ? GlobalEnables.systemEventLoggingBit : 0 }

    /// Set BMC Global Enables: asking for anything but System Event Logging is 0xCC.
    public mutating func set(_ byte: UInt8) throws(CompletionCode) {
        guard byte & ~GlobalEnables.systemEventLoggingBit == 0 else { throw .invalidDataField }
        systemEventLogging = byte & GlobalEnables.systemEventLoggingBit != 0
    }
}

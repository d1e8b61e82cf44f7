/// Set/Get Event Receiver (IPMI 2.0 sections 29.1 and 29.2): where this controller sends the
/// event messages it generates. The BMC is its own event receiver (slave address 20h, LUN 0)
/// unless a client names another; FFh turns event message generation off. Volatile.
public struct EventReceiver: Sendable, Equatable {
    public static let disabled: UInt8 = 0xFF

    public var address: UInt8 = 0x20
    public var lun: UInt8 = 0

    public init() {}
}

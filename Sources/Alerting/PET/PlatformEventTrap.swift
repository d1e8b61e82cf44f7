/// One encoded Platform Event Trap: everything the sender puts on the wire, whatever
/// the SNMP version. Immutable, so a retransmission carries the same sequence number.
public struct PlatformEventTrap: Sendable, Equatable {
    /// sensorType<<16 | eventReadingType<<8 | deassertion (0x80) | offset.
    public var specificTrap: UInt32
    /// The OCTET STRING of the PET varbind, 47..110 bytes.
    public var payload: [UInt8]

    public init(specificTrap: UInt32, payload: [UInt8]) {
        self.specificTrap = specificTrap
        self.payload = payload
    }

    /// The PET sequence number / cookie (payload bytes 16..17, big-endian): what a PET
    /// Acknowledge names.
    public var sequenceNumber: UInt16 { UInt16(payload[16]) << 8 | UInt16(payload[17]) }

    /// The local timestamp field as sent (payload bytes 18..21), for matching a PET Acknowledge.
    public var timestamp: UInt32 { payload[18..<22].reduce(0) { $0 << 8 | UInt32($1) } }

    /// The payload as `ipmi-pet` and snmptrapd's hex dumps show it: "5E C7 A1 ...".
    public var hexPayload: String {
        payload.map { String($0, radix: 16, uppercase: true).leftPadded(to: 2) }.joined(separator: " ")
    }
}

private extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}

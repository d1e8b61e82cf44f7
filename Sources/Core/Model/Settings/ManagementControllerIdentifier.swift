/// DCMI's Management Controller Identifier String (DCMI 1.5 section 6.4.6): the name
/// management stacks show for this BMC. Up to 63 bytes of ASCII plus a NUL; the switch's host
/// name until a client sets one. Non-volatile.
public struct ManagementControllerIdentifier: Codable, Equatable, Sendable {
    static let stateFile = "dcmi-mc-id.json"
    /// 64 bytes including the terminating NUL.
    public static let capacity = 64

    /// Without the NUL.
    public var bytes: [UInt8]

    public init(_ string: String) { bytes = Array(string.utf8.prefix(ManagementControllerIdentifier.capacity - 1)) }
}

extension ManagementControllerIdentifier {
    /// Writes bytes at an offset (within the 64-byte field, as the request checked). Bytes
    /// between the old end and the offset read as NUL, so the string ends at the first NUL.
    public mutating func write(_ data: [UInt8], at offset: Int) {
        var field = bytes + [UInt8](repeating: 0, count: ManagementControllerIdentifier.capacity - bytes.count)
        field.replaceSubrange(offset..<offset + data.count, with: data)
        bytes = Array(field.prefix { $0 != 0 }.prefix(ManagementControllerIdentifier.capacity - 1))
    }
}

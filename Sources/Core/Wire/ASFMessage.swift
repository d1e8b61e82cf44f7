import NIOCore

/// ASF messages carried in RMCP: the presence ping and its pong (ASF 2.0 section 3.2.4).
public struct ASFMessage: Hashable, Sendable {
    /// The ASF IANA enterprise number, big-endian on the wire unlike everything IPMI.
    public static let ianaEnterprise: UInt32 = 4542
    public static let presencePing: UInt8 = 0x80
    public static let presencePong: UInt8 = 0x40

    public var messageType: UInt8
    public var messageTag: UInt8
    public var data: [UInt8]

    public init(messageType: UInt8, messageTag: UInt8, data: [UInt8] = []) {
        self.messageType = messageType
        self.messageTag = messageTag
        self.data = data
    }

    static func parse(_ buffer: inout ByteBuffer) throws(FrameError) -> ASFMessage {
        guard let iana = buffer.readInteger(endianness: .big, as: UInt32.self),
              let type = buffer.readInteger(as: UInt8.self),
              let tag = buffer.readInteger(as: UInt8.self),
              buffer.readInteger(as: UInt8.self) != nil,
              let length = buffer.readInteger(as: UInt8.self)
        else { throw .truncated }
        guard iana == ASFMessage.ianaEnterprise else { throw .unsupportedASFMessage }
        guard let data = buffer.readBytes(length: Int(length)) else { throw .badLength }
        return ASFMessage(messageType: type, messageTag: tag, data: data)
    }

    /// The pong to a presence ping: advertises IPMI support and no ASF security extensions.
    public static func presencePong(tag: UInt8) -> ASFMessage {
        var data = [UInt8](repeating: 0, count: 16)
        // OEM IANA (4, big-endian) = ASF, OEM-defined (4) = 0, supported entities, interactions.
        data[0] = 0x00; data[1] = 0x00; data[2] = 0x11; data[3] = 0xBE
        data[8] = 0x81 // bit 7: IPMI supported; bits 3..0: ASF version 1.0
        data[9] = 0x00
        return ASFMessage(messageType: presencePong, messageTag: tag, data: data)
    }

    public func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(ASFMessage.ianaEnterprise, endianness: .big)
        buffer.writeInteger(messageType)
        buffer.writeInteger(messageTag)
        buffer.writeInteger(UInt8(0))
        buffer.writeInteger(UInt8(data.count))
        buffer.writeBytes(data)
    }
}

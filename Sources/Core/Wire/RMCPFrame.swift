import NIOCore

/// The RMCP header that starts every datagram on port 623 (ASF 2.0 section 3.2.2).
public struct RMCPHeader: Hashable, Sendable {
    public static let version: UInt8 = 0x06
    /// Sequence number 0xFF asks the receiver not to send an RMCP ACK (IPMI always uses it).
    public static let noAckSequence: UInt8 = 0xFF
    public static let size = 4

    public enum MessageClass: UInt8, Sendable {
        case asf = 0x06
        case ipmi = 0x07
    }

    public var sequence: UInt8
    public var messageClass: MessageClass
    /// Set on RMCP ACK frames, which carry no payload.
    public var isAcknowledgement: Bool

    public init(sequence: UInt8 = RMCPHeader.noAckSequence, messageClass: MessageClass, isAcknowledgement: Bool = false) {
        self.sequence = sequence
        self.messageClass = messageClass
        self.isAcknowledgement = isAcknowledgement
    }

    public func write(to buffer: inout ByteBuffer) {
        buffer.writeFields(capacity: RMCPHeader.size) { header in
            header.write(RMCPHeader.version)
            header.write(UInt8(0))
            header.write(sequence)
            header.write(messageClass.rawValue | (isAcknowledgement ? 0x80 : 0))
        }
    }
}

extension RMCPHeader {
    /// The RMCP ACK owed for `datagram`, if any: ASF 2.0 section 3.2.2.3 acknowledges every
    /// RMCP message whose sequence number is not 255 (IPMI always sends 255).
    public static func acknowledgement(for datagram: ByteBuffer) -> ByteBuffer? {
        // The sequence number first: it is 255 on every IPMI datagram, which ends the check.
        guard datagram.readableBytes >= RMCPHeader.size,
              let sequence = datagram.getInteger(at: datagram.readerIndex + 2, as: UInt8.self),
              sequence != RMCPHeader.noAckSequence,
              datagram.getInteger(at: datagram.readerIndex, as: UInt8.self) == RMCPHeader.version,
              let classByte = datagram.getInteger(at: datagram.readerIndex + 3, as: UInt8.self),
              classByte & 0x80 == 0,
              let messageClass = MessageClass(rawValue: classByte & 0x1F)
        else { return nil }
        var ack = ByteBuffer()
        RMCPHeader(sequence: sequence, messageClass: messageClass, isAcknowledgement: true).write(to: &ack)
        return ack
    }
}

/// One datagram as the codec understands it, before any session processing.
public enum RMCPFrame: Sendable {
    /// An RMCP ACK of one of our frames; nothing to do.
    case acknowledgement(RMCPHeader)
    case asf(RMCPHeader, ASFMessage)
    case ipmi15(RMCPHeader, IPMI15Packet)
    case rmcpPlus(RMCPHeader, RMCPPlusPacket)
}

/// Why a datagram could not be parsed. Such datagrams are dropped, never answered.
public enum FrameError: Error, Hashable, Sendable {
    case truncated
    case badRMCPVersion
    case unsupportedMessageClass
    case unsupportedASFMessage
    case badLength
    case badAuthenticationType
    case badChecksum
}

extension RMCPFrame {
    /// Parses one datagram. The packets returned share storage with `datagram`.
    public static func parse(_ datagram: ByteBuffer) throws(FrameError) -> RMCPFrame {
        var buffer = datagram
        guard let version = buffer.readInteger(as: UInt8.self),
              buffer.readInteger(as: UInt8.self) != nil,
              let sequence = buffer.readInteger(as: UInt8.self),
              let classByte = buffer.readInteger(as: UInt8.self)
        else { throw .truncated }
        guard version == RMCPHeader.version else { throw .badRMCPVersion }
        guard let messageClass = RMCPHeader.MessageClass(rawValue: classByte & 0x1F) else {
            throw .unsupportedMessageClass
        }
        let header = RMCPHeader(sequence: sequence, messageClass: messageClass, isAcknowledgement: classByte & 0x80 != 0)
        if header.isAcknowledgement { return .acknowledgement(header) }
        switch messageClass {
        case .asf:
            return .asf(header, try ASFMessage.parse(&buffer))
        case .ipmi:
            guard let authType = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self) else { throw .truncated }
            if authType & 0x0F == AuthenticationType.rmcpPlus.rawValue {
                return .rmcpPlus(header, try RMCPPlusPacket.parse(&buffer))
            }
            return .ipmi15(header, try IPMI15Packet.parse(&buffer))
        }
    }
}

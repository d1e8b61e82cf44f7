import NIOCore

/// An IPMI 1.5 session wrapper and the LAN message inside it (IPMI 2.0 section 13.6).
public struct IPMI15Packet: Sendable {
    public var authType: AuthenticationType
    public var sequence: UInt32
    public var sessionID: UInt32
    /// Present unless `authType` is none.
    public var authCode: [UInt8]?
    /// The IPMI LAN message (see `IPMIRequest`).
    public var message: ByteBuffer

    public init(authType: AuthenticationType, sequence: UInt32, sessionID: UInt32, authCode: [UInt8]?, message: ByteBuffer) {
        self.authType = authType
        self.sequence = sequence
        self.sessionID = sessionID
        self.authCode = authCode
        self.message = message
    }

    static func parse(_ buffer: inout ByteBuffer) throws(FrameError) -> IPMI15Packet {
        guard let authByte = buffer.readInteger(as: UInt8.self),
              let sequence = buffer.readInteger(endianness: .little, as: UInt32.self),
              let sessionID = buffer.readInteger(endianness: .little, as: UInt32.self)
        else { throw .truncated }
        guard let authType = AuthenticationType(rawValue: authByte & 0x0F), authType != .rmcpPlus else {
            throw .badAuthenticationType
        }
        var authCode: [UInt8]?
        if authType != .none {
            guard let code = buffer.readBytes(length: 16) else { throw .truncated }
            authCode = code
        }
        guard let length = buffer.readInteger(as: UInt8.self) else { throw .truncated }
        // A trailing legacy pad byte may follow the message; the length field rules.
        guard let message = buffer.readSlice(length: Int(length)) else { throw .badLength }
        return IPMI15Packet(authType: authType, sequence: sequence, sessionID: sessionID, authCode: authCode, message: message)
    }

    /// Writes the session header and `message`. `authCode` must be 16 bytes when `authType` is not none.
    public static func write(
        authType: AuthenticationType, sequence: UInt32, sessionID: UInt32,
        authCode: [UInt8]?, message: ByteBuffer, to buffer: inout ByteBuffer
    ) {
        RMCPHeader(messageClass: .ipmi).write(to: &buffer)
        buffer.writeInteger(authType.rawValue)
        buffer.writeInteger(sequence, endianness: .little)
        buffer.writeInteger(sessionID, endianness: .little)
        if authType != .none, let authCode { buffer.writeBytes(authCode) }
        buffer.writeInteger(UInt8(truncatingIfNeeded: message.readableBytes))
        var message = message
        buffer.writeBuffer(&message)
    }
}

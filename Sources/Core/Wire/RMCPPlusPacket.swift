import NIOCore

/// RMCP+ payload types (IPMI 2.0 table 13-16).
public enum PayloadType: UInt8, Sendable {
    case ipmi = 0x00
    case sol = 0x01
    case oemExplicit = 0x02
    case openSessionRequest = 0x10
    case openSessionResponse = 0x11
    case rakp1 = 0x12
    case rakp2 = 0x13
    case rakp3 = 0x14
    case rakp4 = 0x15
}

/// An IPMI 2.0 (RMCP+) session packet (IPMI 2.0 section 13.6, table 13-8).
///
/// The integrity trailer cannot be split off while parsing, because its length depends on
/// the session's integrity algorithm; `signedLength(authCodeLength:)` does that later.
public struct RMCPPlusPacket: Sendable {
    public static let nextHeader: UInt8 = 0x07

    public var rawPayloadType: UInt8
    public var isEncrypted: Bool { rawPayloadType & 0x80 != 0 }
    public var isAuthenticated: Bool { rawPayloadType & 0x40 != 0 }
    public var payloadType: PayloadType? { PayloadType(rawValue: rawPayloadType & 0x3F) }
    public var sessionID: UInt32
    public var sequence: UInt32
    public var payload: ByteBuffer
    /// Everything from the authentication type byte to the end of the datagram.
    public var sessionBytes: ByteBuffer

    static func parse(_ buffer: inout ByteBuffer) throws(FrameError) -> RMCPPlusPacket {
        let start = buffer
        guard buffer.readInteger(as: UInt8.self) != nil,
              let payloadType = buffer.readInteger(as: UInt8.self)
        else { throw .truncated }
        if payloadType & 0x3F == PayloadType.oemExplicit.rawValue {
            guard buffer.readSlice(length: 6) != nil else { throw .truncated }
        }
        guard let sessionID = buffer.readInteger(endianness: .little, as: UInt32.self),
              let sequence = buffer.readInteger(endianness: .little, as: UInt32.self),
              let length = buffer.readInteger(endianness: .little, as: UInt16.self)
        else { throw .truncated }
        guard let payload = buffer.readSlice(length: Int(length)) else { throw .badLength }
        return RMCPPlusPacket(rawPayloadType: payloadType, sessionID: sessionID, sequence: sequence,
                              payload: payload, sessionBytes: start)
    }

    /// Splits an authenticated packet into the bytes its integrity code covers and the code.
    /// Returns nil when the trailer is malformed.
    /// The bytes the code covers are the first of `sessionBytes`, the code the rest; this is
    /// how many they are. A count, not two slices: each slice is a reference to retain and
    /// release on every inbound packet.
    public func signedLength(authCodeLength: Int) -> Int? {
        let signedLength = sessionBytes.readableBytes - authCodeLength
        // Header (12) + payload + pad length + next header, at least.
        let payloadEnd = 12 + payload.readableBytes
        let base = sessionBytes.readerIndex
        guard authCodeLength >= 0, signedLength >= payloadEnd + 2,
              sessionBytes.getInteger(at: base + signedLength - 1, as: UInt8.self) == RMCPPlusPacket.nextHeader,
              let padLength = sessionBytes.getInteger(at: base + signedLength - 2, as: UInt8.self),
              Int(padLength) == signedLength - 2 - payloadEnd
        else { return nil }
        return signedLength
    }
}

/// Lays out an outbound RMCP+ packet. The caller writes the payload between
/// `beginPayload` and `endPayload`, then appends the integrity code over `signedRange`.
public struct RMCPPlusPacketWriter {
    private var sessionStart = 0
    private var lengthIndex = 0
    private var payloadStart = 0
    private let authenticated: Bool

    public init(buffer: inout ByteBuffer, payloadType: PayloadType, encrypted: Bool, authenticated: Bool,
                sessionID: UInt32, sequence: UInt32) {
        self.authenticated = authenticated
        RMCPHeader(messageClass: .ipmi).write(to: &buffer)
        sessionStart = buffer.writerIndex
        lengthIndex = sessionStart + 10
        payloadStart = sessionStart + 12
        buffer.writeFields(capacity: 12) { header in
            header.write(AuthenticationType.rmcpPlus.rawValue)
            header.write(payloadType.rawValue | (encrypted ? 0x80 : 0) | (authenticated ? 0x40 : 0))
            header.write(sessionID, endianness: .little)
            header.write(sequence, endianness: .little)
            header.write(UInt16(0), endianness: .little) // the payload length, set by endPayload
        }
    }

    /// Fixes the payload length and, for an authenticated packet, writes the integrity pad,
    /// pad length and next header. Returns the range the integrity code covers.
    public mutating func endPayload(buffer: inout ByteBuffer) -> Range<Int> {
        let payloadLength = buffer.writerIndex - payloadStart
        buffer.setInteger(UInt16(truncatingIfNeeded: payloadLength), at: lengthIndex, endianness: .little)
        if authenticated {
            // Pad so that auth type .. next header is a multiple of four bytes.
            let unpadded = buffer.writerIndex - sessionStart + 2
            let pad = (4 - unpadded % 4) % 4
            buffer.writeFields(capacity: 5) { trailer in
                for _ in 0..<pad { trailer.write(UInt8(0xFF)) }
                trailer.write(UInt8(pad))
                trailer.write(RMCPPlusPacket.nextHeader)
            }
        }
        return sessionStart..<buffer.writerIndex
    }
}

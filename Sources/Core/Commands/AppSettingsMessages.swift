import NIOCore

// Typed requests and responses of the App commands that configure the BMC itself: global
// enables and message flags (IPMI 2.0 section 22), System Info parameters (22.14a), user
// payload access (24.6, 24.7), channel payload version (24.9) and channel security keys (22.25).

/// A request of exactly one data byte.
public struct SingleByteRequest: CommandRequest {
    public var value: UInt8
    public init(from reader: inout RequestReader) throws(CompletionCode) {
        value = try reader.byte()
        try reader.end()
    }
}

/// A response of one data byte.
public struct SingleByteResponse: CommandResponse {
    public var value: UInt8
    public init(_ value: UInt8) { self.value = value }
    public func write(to buffer: inout ByteBuffer) { buffer.writeInteger(value) }
}

/// Get System Info Parameters, and the same layout of Get SOL Configuration Parameters: bit 7
/// of the first byte asks for the revision only, then the parameter, set and block selectors.
public struct GetConfigurationParameterRequest: CommandRequest {
    /// The channel (bits 3..0) for SOL; reserved for System Info.
    public var channel: UInt8
    public var revisionOnly: Bool
    public var parameter: UInt8
    public var setSelector: UInt8
    public var blockSelector: UInt8

    public init(from reader: inout RequestReader) throws(CompletionCode) {
        let first = try reader.byte()
        channel = first & 0x0F
        revisionOnly = first & 0x80 != 0
        parameter = try reader.byte() & 0x7F
        setSelector = try reader.byte()
        blockSelector = try reader.byte()
        try reader.end()
    }
}

/// The answer of a Get ... Parameters command: the revision (1.1), then the data.
public struct ConfigurationParameterResponse: CommandResponse {
    public static let revision: UInt8 = 0x11
    public var data: [UInt8]
    public init(_ data: [UInt8]) { self.data = data }
    public func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(ConfigurationParameterResponse.revision)
        buffer.writeBytes(data)
    }
}

/// Set System Info Parameters: the parameter, then its data (for strings: set selector and a block).
public struct SetSystemInfoParameterRequest: CommandRequest {
    public var parameter: UInt8
    public var data: [UInt8]
    public init(from reader: inout RequestReader) throws(CompletionCode) {
        parameter = try reader.byte() & 0x7F
        data = try reader.bytes(reader.remaining)
    }
}

/// Get User Payload Access: channel and user, as Get User Access asks.
public typealias GetUserPayloadAccessRequest = UserAccessRequest

/// Set User Payload Access: channel, user with the operation (bits 7..6: 0 enable, 1 disable),
/// then the standard payload bits (payloads 1..7 in byte 1's bits 1..7), a reserved byte, the
/// OEM payload bits (payloads 20h..27h) and a reserved byte.
public struct SetUserPayloadAccessRequest: CommandRequest {
    public var channel: UInt8
    public var userID: UInt8
    public var enables: Bool
    public var standardPayloads: UInt8
    public var oemPayloads: UInt8

    public init(from reader: inout RequestReader) throws(CompletionCode) {
        channel = try reader.byte() & 0x0F
        let user = try reader.byte()
        let bits = try reader.bytes(4)
        try reader.end()
        userID = user & 0x3F
        let operation = user >> 6
        guard operation <= 1, bits[0] & 0x01 == 0, bits[1] == 0, bits[3] == 0 else { throw .invalidDataField }
        enables = operation == 0
        standardPayloads = bits[0]
        oemPayloads = bits[2]
    }
}

/// Get Channel Payload Version: channel and payload type.
public struct ChannelPayloadRequest: CommandRequest {
    public var channel: UInt8
    public var payloadType: UInt8
    public init(from reader: inout RequestReader) throws(CompletionCode) {
        channel = try reader.byte() & 0x0F
        payloadType = try reader.byte() & 0x3F
        try reader.end()
    }
}

/// Set Channel Security Keys: channel, operation (0 read, 1 set, 2 lock), key ID (0 K_R,
/// 1 K_G), and for "set" the key value: at most 20 bytes, zero padded when shorter.
public struct SetChannelSecurityKeysRequest: CommandRequest {
    public enum Operation: UInt8, Sendable { case read = 0, set = 1, lock = 2 }
    public var channel: UInt8
    public var operation: Operation
    public var keyID: UInt8
    public var key: [UInt8]

    public init(from reader: inout RequestReader) throws(CompletionCode) {
        channel = try reader.byte() & 0x0F
        guard let operation = Operation(rawValue: try reader.byte() & 0x03) else { throw .invalidDataField }
        self.operation = operation
        keyID = try reader.byte()
        key = try reader.bytes(reader.remaining)
        switch operation {
        case .set:
            guard key.count <= ChannelSecurityKeys.keyLength else { throw CompletionCode(0x82) } // too many key bytes
            guard !key.isEmpty else { throw CompletionCode(0x81) } // insufficient key bytes
        case .read, .lock:
            guard key.isEmpty else { throw .requestDataLengthInvalid }
        }
    }
}

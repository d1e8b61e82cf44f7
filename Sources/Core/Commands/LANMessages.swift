import NIOCore

// Typed requests and responses of the LAN configuration commands (IPMI 2.0 section 23).

public struct SetLANParameterRequest: CommandRequest {
    public var channel: UInt8
    /// Nil for a parameter ipmigod does not implement (answered 0x80).
    public var parameter: LANParameter?
    public var data: [UInt8]

    public init(from reader: inout RequestReader) throws(CompletionCode) {
        channel = try reader.byte() & 0x0F
        parameter = LANParameter(rawValue: try reader.byte() & 0x7F)
        data = try reader.bytes(reader.remaining)
    }
}

public struct GetLANParameterRequest: CommandRequest {
    public var channel: UInt8
    /// Bit 7 of the channel byte: answer the parameter revision only.
    public var revisionOnly: Bool
    public var parameter: LANParameter?
    public var setSelector: UInt8
    public var blockSelector: UInt8

    public init(from reader: inout RequestReader) throws(CompletionCode) {
        let channelByte = try reader.byte()
        channel = channelByte & 0x0F
        revisionOnly = channelByte & 0x80 != 0
        parameter = LANParameter(rawValue: try reader.byte() & 0x7F)
        setSelector = try reader.byte()
        blockSelector = try reader.byte()
        try reader.end()
    }
}

public struct GetLANParameterResponse: CommandResponse {
    public var data: [UInt8]
    public func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(LANParameter.revision)
        buffer.writeBytes(data)
    }
}

import NIOCore

// Typed requests of the SOL configuration commands (IPMI 2.0 section 26). Get SOL
// Configuration Parameters shares its layout with Get System Info Parameters
// (`GetConfigurationParameterRequest`).

/// Set SOL Configuration Parameters: channel, parameter, data.
public struct SetSOLParameterRequest: CommandRequest {
    public var channel: UInt8
    public var parameter: UInt8
    public var data: [UInt8]
    public init(from reader: inout RequestReader) throws(CompletionCode) {
        channel = try reader.byte() & 0x0F
        parameter = try reader.byte() & 0x7F
        data = try reader.bytes(reader.remaining)
    }
}

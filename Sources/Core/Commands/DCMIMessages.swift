import NIOCore

// Typed requests and responses of DCMI (Data Center Manageability Interface 1.5) on the Group
// Extension netfn (2Ch). Every request and response starts with the group extension ID DCh.

/// DCMI's group extension identification: the first data byte of every request and response.
public enum DCMIGroup {
    public static let identifier: UInt8 = 0xDC

    /// Reads and checks the group byte: any other group is not DCMI (0xCC).
    static func read(_ reader: inout RequestReader) throws(CompletionCode) {
        guard try reader.byte() == identifier else { throw .invalidDataField }
    }
}

/// A DCMI response: the group byte, then the data.
public struct DCMIResponse: CommandResponse {
    public var data: [UInt8]
    public init(_ data: [UInt8]) { self.data = data }
    public func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(DCMIGroup.identifier)
        buffer.writeBytes(data)
    }
}

/// Get DCMI Capabilities Info: the parameter selector.
public struct GetDCMICapabilitiesRequest: CommandRequest {
    public var parameter: UInt8
    public init(from reader: inout RequestReader) throws(CompletionCode) {
        try DCMIGroup.read(&reader)
        parameter = try reader.byte()
        try reader.end()
    }
}

/// Get Power Reading: mode (1 system power statistics, 2 enhanced), mode attributes, reserved.
public struct GetPowerReadingRequest: CommandRequest {
    public var mode: UInt8
    public var attributes: UInt8
    public init(from reader: inout RequestReader) throws(CompletionCode) {
        try DCMIGroup.read(&reader)
        mode = try reader.byte()
        attributes = try reader.byte()
        _ = try reader.byte() // reserved
        try reader.end()
    }
}

public struct PowerReadingResponse: CommandResponse {
    public var current: UInt16
    public var minimum: UInt16
    public var maximum: UInt16
    public var average: UInt16
    /// IPMI timestamp of the reading.
    public var timestamp: UInt32
    public var periodMilliseconds: UInt32
    public var isActive: Bool

    public func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(DCMIGroup.identifier)
        for value in [current, minimum, maximum, average] { buffer.writeInteger(value, endianness: .little) }
        buffer.writeInteger(timestamp, endianness: .little)
        buffer.writeInteger(periodMilliseconds, endianness: .little)
        buffer.writeInteger(UInt8(isActive ? 0x40 : 0x00)) // bit 6: power measurement active
    }
}

/// Get Management Controller Identifier String: offset and count (at most 16).
public struct GetIdentifierStringRequest: CommandRequest {
    public var offset: UInt8
    public var count: UInt8
    public init(from reader: inout RequestReader) throws(CompletionCode) {
        try DCMIGroup.read(&reader)
        offset = try reader.byte()
        count = try reader.byte()
        try reader.end()
        guard count <= DCMICommands.maximumTransfer else { throw .parameterOutOfRange }
        guard Int(offset) + Int(count) <= ManagementControllerIdentifier.capacity else { throw .parameterOutOfRange }
    }
}

/// Set Management Controller Identifier String: offset, count (at most 16), then that many bytes.
public struct SetIdentifierStringRequest: CommandRequest {
    public var offset: UInt8
    public var bytes: [UInt8]
    public init(from reader: inout RequestReader) throws(CompletionCode) {
        try DCMIGroup.read(&reader)
        offset = try reader.byte()
        let count = try reader.byte()
        guard count <= DCMICommands.maximumTransfer else { throw .parameterOutOfRange }
        guard reader.remaining == Int(count) else { throw .requestDataLengthInvalid }
        bytes = try reader.bytes(Int(count))
        guard Int(offset) + Int(count) <= ManagementControllerIdentifier.capacity else { throw .parameterOutOfRange }
    }
}

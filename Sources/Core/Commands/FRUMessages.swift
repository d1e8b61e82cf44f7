import NIOCore

// Typed requests and responses of the FRU inventory commands (Storage netfn 0x0A, IPMI 2.0
// section 34). Offsets and sizes are in bytes: the device is accessed by bytes, not words.

/// Get FRU Inventory Area Info: which FRU device.
public struct FRUDeviceRequest: CommandRequest {
    public var deviceID: UInt8
    public init(from reader: inout RequestReader) throws(CompletionCode) {
        deviceID = try reader.byte()
        try reader.end()
    }
}

public struct FRUInventoryAreaInfoResponse: CommandResponse {
    public var size: UInt16
    public func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(size, endianness: .little)
        buffer.writeInteger(UInt8(0x00)) // bit 0 clear: accessed by bytes
    }
}

public struct ReadFRUDataRequest: CommandRequest {
    public var deviceID: UInt8
    public var offset: UInt16
    public var count: UInt8
    public init(from reader: inout RequestReader) throws(CompletionCode) {
        deviceID = try reader.byte()
        offset = try reader.uint16()
        count = try reader.byte()
        try reader.end()
    }
}

public struct ReadFRUDataResponse: CommandResponse {
    /// The most bytes one answer carries: an IPMI 1.5 packet's message length is one byte,
    /// and 8 of those 255 bytes are LAN message framing and 1 is the count.
    public static let maximumCount = 246

    public var data: ArraySlice<UInt8>
    public func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt8(data.count))
        buffer.writeBytes(data)
    }
}

public struct WriteFRUDataRequest: CommandRequest {
    /// The answer counts the bytes written in one byte.
    public static let maximumCount = 255

    public var deviceID: UInt8
    public var offset: UInt16
    public var data: [UInt8]
    public init(from reader: inout RequestReader) throws(CompletionCode) {
        deviceID = try reader.byte()
        offset = try reader.uint16()
        guard reader.remaining > 0 else { throw .requestDataLengthInvalid }
        // ipmitool answers 0xC8 by retrying with less data.
        guard reader.remaining <= WriteFRUDataRequest.maximumCount else { throw .requestDataFieldLengthLimitExceeded }
        data = try reader.bytes(reader.remaining)
    }
}

public struct WriteFRUDataResponse: CommandResponse {
    public var countWritten: UInt8
    public func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(countWritten)
    }
}

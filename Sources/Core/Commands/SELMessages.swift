import NIOCore

// Typed requests and responses of the SEL commands (Storage netfn 0x0A), in the order of
// IPMI 2.0 chapter 31.

public struct GetSELInfoResponse: CommandResponse {
    /// SEL command set version 1.5, which IPMI 2.0 keeps.
    public static let version: UInt8 = 0x51
    /// Delete SEL, Partial Add SEL Entry, Reserve SEL and Get SEL Allocation Info are supported.
    static let supportedOperations: UInt8 = 0x0F

    public var entries: UInt16
    public var freeBytes: UInt16
    public var lastAddTime: UInt32
    public var lastEraseTime: UInt32
    public var overflowed: Bool

    public func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(GetSELInfoResponse.version)
        buffer.writeInteger(entries, endianness: .little)
        buffer.writeInteger(freeBytes, endianness: .little)
        buffer.writeInteger(lastAddTime, endianness: .little)
        buffer.writeInteger(lastEraseTime, endianness: .little)
        buffer.writeInteger((overflowed ? 0x80 : 0) | GetSELInfoResponse.supportedOperations)
    }
}

/// Allocation in units of one 16-byte record, so every free unit is usable.
public struct GetSELAllocationInfoResponse: CommandResponse {
    public var units: UInt16
    public var freeUnits: UInt16

    public func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(units, endianness: .little)
        buffer.writeInteger(UInt16(SELRecord.size), endianness: .little) // bytes per unit
        buffer.writeInteger(freeUnits, endianness: .little)
        buffer.writeInteger(freeUnits, endianness: .little) // largest free block, in units
        buffer.writeInteger(UInt8(1)) // largest record, in units
    }
}

/// Reserve SEL's answer.
public struct SELReservationResponse: CommandResponse {
    public var reservation: UInt16
    public func write(to buffer: inout ByteBuffer) { buffer.writeInteger(reservation, endianness: .little) }
}

/// The answer of Add, Partial Add and Delete SEL Entry: the record ID added or deleted.
public struct SELRecordIDResponse: CommandResponse {
    public var recordID: UInt16
    public func write(to buffer: inout ByteBuffer) { buffer.writeInteger(recordID, endianness: .little) }
}

public struct GetSELEntryResponse: CommandResponse {
    /// FFFFh after the last entry.
    public var nextRecordID: UInt16
    public var record: SELRecord
    /// The part of the record asked for.
    public var bytes: Range<Int>

    public func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(nextRecordID, endianness: .little)
        for index in bytes { buffer.writeInteger(record[index]) }
    }
}

public struct AddSELEntryRequest: CommandRequest {
    /// The record ID, and for timestamped types the timestamp, are placeholders the SEL fills in.
    public var record: SELRecord

    public init(from reader: inout RequestReader) throws(CompletionCode) {
        record = SELRecord(bytes: try reader.bytes(SELRecord.size))
        try reader.end()
    }
}


/// Get SEL Time's answer and Set SEL Time's request: seconds since 1970 UTC.
public struct SELTime: CommandRequest, CommandResponse {
    public var seconds: UInt32

    public init(seconds: UInt32) { self.seconds = seconds }

    public init(from reader: inout RequestReader) throws(CompletionCode) {
        seconds = try reader.uint32()
        try reader.end()
    }

    public func write(to buffer: inout ByteBuffer) { buffer.writeInteger(seconds, endianness: .little) }
}

/// Get SEL Time UTC Offset's answer and Set SEL Time UTC Offset's request: signed minutes,
/// or 07FFh for unspecified.
public struct SELUTCOffset: CommandRequest, CommandResponse {
    public var minutes: Int16

    public init(minutes: Int16) { self.minutes = minutes }

    public init(from reader: inout RequestReader) throws(CompletionCode) {
        minutes = Int16(bitPattern: try reader.uint16())
        try reader.end()
    }

    public func write(to buffer: inout ByteBuffer) { buffer.writeInteger(minutes, endianness: .little) }
}

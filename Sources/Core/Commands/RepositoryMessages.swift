import NIOCore

/// Clear SEL and Clear SDR Repository: reservation, 'C' 'L' 'R', then AAh to erase or 00h
/// to ask how the erasure is going.
public struct ClearRepositoryRequest: CommandRequest {
    public enum Action: UInt8, Sendable {
        case getErasureStatus = 0x00
        case initiateErase = 0xAA
    }

    public var reservation: UInt16
    public var action: Action

    public init(from reader: inout RequestReader) throws(CompletionCode) {
        reservation = try reader.uint16()
        let confirmation = try reader.bytes(3)
        let action = try reader.byte()
        try reader.end()
        // "CLR": a guard against clearing a repository by a stray byte pattern.
        guard confirmation == Array("CLR".utf8), let action = Action(rawValue: action) else { throw .invalidDataField }
        self.action = action
    }
}

public struct ClearRepositoryResponse: CommandResponse {
    /// Erasure is synchronous here, so it has always completed by the time anyone asks.
    public static let erasureCompleted: UInt8 = 0x01
    public init() {}
    public func write(to buffer: inout ByteBuffer) { buffer.writeInteger(ClearRepositoryResponse.erasureCompleted) }
}

/// Partial Add SEL Entry and Partial Add SDR: a record sent in pieces under a reservation.
public struct PartialAddRequest: CommandRequest {
    public var reservation: UInt16
    /// 0000h for the first piece of a record; after that, the ID the first piece was given.
    public var recordID: UInt16
    public var offset: Int
    /// This piece completes the record.
    public var isLast: Bool
    public var data: [UInt8]

    public init(from reader: inout RequestReader) throws(CompletionCode) {
        reservation = try reader.uint16()
        recordID = try reader.uint16()
        offset = Int(try reader.byte())
        switch try reader.byte() & 0x0F {
        case 0x00: isLast = false
        case 0x01: isLast = true
        default: throw .invalidDataField
        }
        data = try reader.bytes(reader.remaining)
    }
}

/// Delete SEL Entry and Delete SDR: reservation, record ID.
public struct ReservedRecordRequest: CommandRequest {
    public var reservation: UInt16
    /// 0000h the first entry, FFFFh the last (SEL); the record to delete.
    public var recordID: UInt16

    public init(from reader: inout RequestReader) throws(CompletionCode) {
        reservation = try reader.uint16()
        recordID = try reader.uint16()
        try reader.end()
    }
}

/// Get SEL Entry, Get SDR and Get Device SDR: reservation, record ID (0000h the first, FFFFh
/// the last), offset, and bytes to read (FFh: to the end of the record).
public struct GetRecordRequest: CommandRequest {
    /// Checked only for a read that starts past offset 0.
    public var reservation: UInt16
    public var recordID: UInt16
    public var offset: Int
    /// Nil: the rest of the record.
    public var count: Int?

    public init(from reader: inout RequestReader) throws(CompletionCode) {
        reservation = try reader.uint16()
        recordID = try reader.uint16()
        offset = Int(try reader.byte())
        let count = try reader.byte()
        try reader.end()
        self.count = count == 0xFF ? nil : Int(count)
    }
}

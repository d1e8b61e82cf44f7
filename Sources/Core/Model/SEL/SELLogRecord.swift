/// One record of the SEL's append-only log file: a change to the SEL, fixed-size and checked
/// by a CRC, so a record torn by a crash mid-append, or damaged since, is recognised on load.
///
///     0       operation
///     1       flags: the format version in a header, the overflow flag in a state record
///     2..3    SEL record ID, little-endian
///     4..7    SEL time of the change, little-endian
///     8..23   payload: the SEL record of an add; see the factory methods for the others
///     24..27  CRC-32 of bytes 0..23, little-endian
struct SELLogRecord: Equatable {
    enum Operation: UInt8 {
        /// First in the file: format magic and version; the record ID is the next one to assign.
        case header = 0x01
        /// Written by compaction: the last add and erase times and the overflow flag.
        case state = 0x02
        /// The SEL clock's offset from the system clock, and the UTC offset.
        case clock = 0x03
        case add = 0x10
        case delete = 0x11
        /// The oldest entry, dropped to make room for a new one (overwrite when full).
        case evict = 0x12
        case clear = 0x13
        /// An entry was refused because the SEL was full.
        case overflow = 0x14
        /// A line card's SEL entry was logged (management module): its slot and sequence
        /// number, written with the add, so the entry is logged once across restarts.
        case origin = 0x15
    }

    static let size = 28
    static let formatVersion: UInt8 = 1
    private static let magic = SELRecord(bytes: Array("ipmigod SEL log\n".utf8))

    var operation: Operation
    var flags: UInt8 = 0
    var recordID: UInt16 = 0
    var time: UInt32 = 0
    var payload = SELRecord()

    init(_ operation: Operation, recordID: UInt16 = 0, time: UInt32 = 0, payload: SELRecord = SELRecord()) {
        self.operation = operation
        self.recordID = recordID
        self.time = time
        self.payload = payload
    }

    // MARK: Records other than add, delete, evict and clear

    static func header(nextRecordID: UInt16) -> SELLogRecord {
        var record = SELLogRecord(.header, recordID: nextRecordID, payload: magic)
        record.flags = formatVersion
        return record
    }

    /// Whether a header is one this code can read; a newer format must not be replayed as this one.
    var isReadableHeader: Bool { operation == .header && flags == SELLogRecord.formatVersion && payload == SELLogRecord.magic }

    static func state(lastAddTime: UInt32, lastEraseTime: UInt32, overflowed: Bool) -> SELLogRecord {
        var payload = SELRecord()
        payload.setUInt32(lastEraseTime, at: 0)
        var record = SELLogRecord(.state, time: lastAddTime, payload: payload)
        record.flags = overflowed ? 1 : 0
        return record
    }

    var lastEraseTime: UInt32 { payload.uint32(at: 0) }
    var overflowed: Bool { flags & 1 != 0 }

    static func clock(_ clock: SELClock) -> SELLogRecord {
        var payload = SELRecord()
        payload.setUInt64(UInt64(bitPattern: clock.offset), at: 0)
        payload.setUInt16(UInt16(bitPattern: clock.utcOffset), at: 8)
        return SELLogRecord(.clock, payload: payload)
    }

    var clock: SELClock {
        SELClock(offset: Int64(bitPattern: payload.uint64(at: 0)), utcOffset: Int16(bitPattern: payload.uint16(at: 8)))
    }

    static func origin(_ origin: SELOrigin) -> SELLogRecord {
        var payload = SELRecord()
        payload[0] = origin.slot
        payload.setUInt32(origin.sequence, at: 1)
        return SELLogRecord(.origin, payload: payload)
    }

    var origin: SELOrigin { SELOrigin(slot: payload[0], sequence: payload.uint32(at: 1)) }

    // MARK: Encoding

    /// Writes the record to the first `size` bytes of `buffer`.
    func encode(into buffer: UnsafeMutableRawBufferPointer) {
        precondition(buffer.count >= SELLogRecord.size)
        buffer[0] = operation.rawValue
        buffer[1] = flags
        buffer.storeBytes(of: recordID.littleEndian, toByteOffset: 2, as: UInt16.self)
        buffer.storeBytes(of: time.littleEndian, toByteOffset: 4, as: UInt32.self)
        for index in 0..<SELRecord.size { buffer[8 + index] = payload[index] }
        let crc = CRC32.checksum(UnsafeRawBufferPointer(rebasing: buffer[0..<24]))
        buffer.storeBytes(of: crc.littleEndian, toByteOffset: 24, as: UInt32.self)
    }

    /// Reads a record from the first `size` bytes of `buffer`; nil if its CRC or operation is wrong.
    init?(decoding buffer: UnsafeRawBufferPointer) {
        precondition(buffer.count >= SELLogRecord.size)
        let crc = UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: 24, as: UInt32.self))
        guard crc == CRC32.checksum(UnsafeRawBufferPointer(rebasing: buffer[0..<24])),
              let operation = Operation(rawValue: buffer[0])
        else { return nil }
        self.operation = operation
        flags = buffer[1]
        recordID = UInt16(littleEndian: buffer.loadUnaligned(fromByteOffset: 2, as: UInt16.self))
        time = UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
        payload = SELRecord(bytes: buffer[8..<24])
    }
}

/// Where a SEL entry came from when a line card sent it: its slot and the line card's own
/// sequence number for it (management module).
public struct SELOrigin: Sendable, Equatable {
    public var slot: UInt8
    public var sequence: UInt32

    public init(slot: UInt8, sequence: UInt32) {
        self.slot = slot
        self.sequence = sequence
    }
}

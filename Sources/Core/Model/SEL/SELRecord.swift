/// One SEL entry as it goes on the wire (IPMI 2.0 section 32): record ID, record type, then,
/// for most types, a timestamp and the event. Held inline in two words, so keeping one
/// allocates nothing.
public struct SELRecord: Sendable, Hashable {
    public static let size = 16
    /// The record type of an entry made from a platform event.
    public static let systemEventType: UInt8 = 0x02
    /// Record IDs with a special meaning in requests, never given to an entry.
    public static let firstEntryID: UInt16 = 0x0000
    public static let lastEntryID: UInt16 = 0xFFFF

    /// Bytes 0..<8 and 8..<16, little-endian.
    private var low: UInt64 = 0
    private var high: UInt64 = 0

    public init() {}

    public init(bytes: some Collection<UInt8>) {
        precondition(bytes.count == SELRecord.size, "a SEL record is 16 bytes")
        for (index, byte) in bytes.enumerated() { self[index] = byte }
    }

    /// A system event record for a platform event, as the event receiver logs it.
    public init(event: PlatformEvent, timestamp: UInt32) {
        self[2] = SELRecord.systemEventType
        self.timestamp = timestamp
        self[7] = UInt8(truncatingIfNeeded: event.generatorID)
        self[8] = UInt8(truncatingIfNeeded: event.generatorID >> 8)
        self[9] = event.evmRevision
        self[10] = event.sensorType
        self[11] = event.sensorNumber
        self[12] = event.eventDirectionAndType
        self[13] = event.eventData1
        self[14] = event.eventData2
        self[15] = event.eventData3
    }

    public subscript(index: Int) -> UInt8 {
        get {
            precondition((0..<SELRecord.size).contains(index))
            let word = index < 8 ? low : high
            return UInt8(truncatingIfNeeded: word >> (UInt64(index % 8) * 8))
        }
        set {
            precondition((0..<SELRecord.size).contains(index))
            let shift = UInt64(index % 8) * 8
            let mask = ~(UInt64(0xFF) << shift)
            if index < 8 {
                low = low & mask | UInt64(newValue) << shift
            } else {
                high = high & mask | UInt64(newValue) << shift
            }
        }
    }

    public var bytes: [UInt8] { (0..<SELRecord.size).map { self[$0] } }

    public var recordID: UInt16 {
        get { uint16(at: 0) }
        set { setUInt16(newValue, at: 0) }
    }

    public var recordType: UInt8 { self[2] }

    /// System event records and OEM timestamped records (C0h-DFh) carry a timestamp in bytes
    /// 3..6; OEM non-timestamped records (E0h-FFh) use those bytes for their own data.
    public var isTimestamped: Bool { recordType < 0xE0 }

    public var timestamp: UInt32 {
        get { uint32(at: 3) }
        set { setUInt32(newValue, at: 3) }
    }

    // MARK: Little-endian fields, also used by the log's own records

    func uint16(at offset: Int) -> UInt16 {
        UInt16(self[offset]) | UInt16(self[offset + 1]) << 8
    }

    mutating func setUInt16(_ value: UInt16, at offset: Int) {
        self[offset] = UInt8(truncatingIfNeeded: value)
        self[offset + 1] = UInt8(truncatingIfNeeded: value >> 8)
    }

    func uint32(at offset: Int) -> UInt32 {
        (0..<4).reduce(0) { $0 | UInt32(self[offset + $1]) << (8 * $1) }
    }

    mutating func setUInt32(_ value: UInt32, at offset: Int) {
        for index in 0..<4 { self[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * index)) }
    }

    func uint64(at offset: Int) -> UInt64 {
        (0..<8).reduce(0) { $0 | UInt64(self[offset + $1]) << (8 * $1) }
    }

    mutating func setUInt64(_ value: UInt64, at offset: Int) {
        for index in 0..<8 { self[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * index)) }
    }
}

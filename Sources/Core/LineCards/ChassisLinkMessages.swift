import NIOCore

/// The messages between a line card (LC) and its management module (MM), carried as IPMI
/// requests on the OEM/Group netfn (2Eh) inside the LC's RMCP+ session to the MM. Every request
/// and every successful response starts with the three-byte IANA enterprise number that names
/// the group (IPMI 2.0 section 5.1); docs/design.md gives the protocol and the reasons for it.
///
/// LC -> MM: hello, the SDR set (begin, records, commit), reading batches, SEL entries and
/// heartbeats. MM -> LC: bridged requests (Send Message forwarded over the same session).
public enum ChassisLink {
    /// RFC 5612's enterprise number for documentation (32473), little-endian as IPMI sends it:
    /// a deployment with its own number changes it here, on both sides at once.
    public static let enterprise: [UInt8] = [0xE9, 0x7E, 0x00]
    public static let netFn = NetFn.oemGroup

    public enum Command: UInt8, Sendable {
        case hello = 0x40
        case sdrBegin = 0x41
        case sdrRecord = 0x42
        case sdrCommit = 0x43
        case readings = 0x44
        case selEntry = 0x45
        case heartbeat = 0x46
        /// MM -> LC: a client's bridged request, to run on the LC at the client's privilege.
        case bridgedRequest = 0x48
    }

    /// At most this many readings go in one batch (6 bytes each).
    public static let readingsPerBatch = 32

    static func readEnterprise(_ reader: inout RequestReader) throws(CompletionCode) {
        guard try reader.bytes(3) == enterprise else { throw .invalidDataField }
    }

    /// Parses a response's data after the completion code: the enterprise number, then what
    /// `fields` reads, and nothing more; nil if any of it is off.
    static func parseResponse<Response>(
        _ data: ByteBuffer, _ fields: (inout RequestReader) throws(CompletionCode) -> Response
    ) -> Response? {
        var reader = RequestReader(data)
        do throws(CompletionCode) {
            try readEnterprise(&reader)
            let response = try fields(&reader)
            try reader.end()
            return response
        } catch {
            return nil
        }
    }
}

/// The bytes of a link message for the sending side: the enterprise number, then the fields.
public protocol ChassisLinkEncodable {
    func writeFields(to buffer: inout ByteBuffer)
}

extension ChassisLinkEncodable {
    /// The request or response data, enterprise number first.
    public var linkData: [UInt8] {
        var buffer = ByteBuffer()
        buffer.writeBytes(ChassisLink.enterprise)
        writeFields(to: &buffer)
        return Array(buffer.readableBytesView)
    }
}

extension ChassisLinkEncodable where Self: CommandResponse {
    public func write(to buffer: inout ByteBuffer) {
        buffer.writeBytes(ChassisLink.enterprise)
        writeFields(to: &buffer)
    }
}

// MARK: Hello

/// LC -> MM, first in every session: who the LC is and which SDR set it has.
public struct LinkHello: CommandRequest, ChassisLinkEncodable, Sendable, Equatable {
    public var slot: UInt8
    public var ipmbAddress: UInt8
    /// Random per LC process start: the MM tells a restarted LC from a reconnecting one.
    public var incarnation: UInt32
    /// CRC-32 of the LC's SDR records in order (`ChassisLinkDigest`).
    public var sdrDigest: UInt32

    public init(slot: UInt8, ipmbAddress: UInt8, incarnation: UInt32, sdrDigest: UInt32) {
        self.slot = slot
        self.ipmbAddress = ipmbAddress
        self.incarnation = incarnation
        self.sdrDigest = sdrDigest
    }

    public init(from reader: inout RequestReader) throws(CompletionCode) {
        try ChassisLink.readEnterprise(&reader)
        slot = try reader.byte()
        ipmbAddress = try reader.byte()
        incarnation = try reader.uint32()
        sdrDigest = try reader.uint32()
        try reader.end()
    }

    public func writeFields(to buffer: inout ByteBuffer) {
        buffer.writeInteger(slot)
        buffer.writeInteger(ipmbAddress)
        buffer.writeInteger(incarnation, endianness: .little)
        buffer.writeInteger(sdrDigest, endianness: .little)
    }
}

/// What the MM holds for the slot, so the LC sends only what is missing.
public struct LinkHelloResponse: CommandResponse, ChassisLinkEncodable, Sendable, Equatable {
    /// Random per MM process start.
    public var incarnation: UInt32
    /// The digest of the SDR set the MM holds for the slot; 0 for none.
    public var sdrDigest: UInt32
    /// The highest LC SEL sequence number the MM has logged for the slot; 0 for none.
    public var selConfirmed: UInt32

    public init(incarnation: UInt32, sdrDigest: UInt32, selConfirmed: UInt32) {
        self.incarnation = incarnation
        self.sdrDigest = sdrDigest
        self.selConfirmed = selConfirmed
    }

    public func writeFields(to buffer: inout ByteBuffer) {
        buffer.writeInteger(incarnation, endianness: .little)
        buffer.writeInteger(sdrDigest, endianness: .little)
        buffer.writeInteger(selConfirmed, endianness: .little)
    }

    /// Parses the response data after the completion code.
    public static func parse(_ data: ByteBuffer) -> LinkHelloResponse? {
        ChassisLink.parseResponse(data) { reader throws(CompletionCode) in
            LinkHelloResponse(incarnation: try reader.uint32(), sdrDigest: try reader.uint32(), selConfirmed: try reader.uint32())
        }
    }
}

// MARK: SDR set

/// LC -> MM: a new SDR set for the slot follows, `count` records, named by its digest.
public struct LinkSDRBegin: CommandRequest, ChassisLinkEncodable, Sendable, Equatable {
    public var slot: UInt8
    public var digest: UInt32
    public var count: UInt16

    public init(slot: UInt8, digest: UInt32, count: UInt16) {
        self.slot = slot
        self.digest = digest
        self.count = count
    }

    public init(from reader: inout RequestReader) throws(CompletionCode) {
        try ChassisLink.readEnterprise(&reader)
        slot = try reader.byte()
        digest = try reader.uint32()
        count = try reader.uint16()
        try reader.end()
    }

    public func writeFields(to buffer: inout ByteBuffer) {
        buffer.writeInteger(slot)
        buffer.writeInteger(digest, endianness: .little)
        buffer.writeInteger(count, endianness: .little)
    }
}

/// LC -> MM: record `index` (0-based) of the set, whole: its 5-byte header and body as the
/// LC's own repository serves it.
public struct LinkSDRRecord: CommandRequest, ChassisLinkEncodable, Sendable, Equatable {
    public var slot: UInt8
    public var digest: UInt32
    public var index: UInt16
    public var record: [UInt8]

    public init(slot: UInt8, digest: UInt32, index: UInt16, record: [UInt8]) {
        self.slot = slot
        self.digest = digest
        self.index = index
        self.record = record
    }

    public init(from reader: inout RequestReader) throws(CompletionCode) {
        try ChassisLink.readEnterprise(&reader)
        slot = try reader.byte()
        digest = try reader.uint32()
        index = try reader.uint16()
        record = try reader.bytes(reader.remaining)
        guard record.count >= 5, record.count == 5 + Int(record[4]) else { throw .requestDataLengthInvalid }
    }

    public func writeFields(to buffer: inout ByteBuffer) {
        buffer.writeInteger(slot)
        buffer.writeInteger(digest, endianness: .little)
        buffer.writeInteger(index, endianness: .little)
        buffer.writeBytes(record)
    }
}

/// LC -> MM: the set is complete; the MM replaces the slot's proxies with it, durably, and
/// answers then. 0xD5 if records are missing.
public struct LinkSDRCommit: CommandRequest, ChassisLinkEncodable, Sendable, Equatable {
    public var slot: UInt8
    public var digest: UInt32

    public init(slot: UInt8, digest: UInt32) {
        self.slot = slot
        self.digest = digest
    }

    public init(from reader: inout RequestReader) throws(CompletionCode) {
        try ChassisLink.readEnterprise(&reader)
        slot = try reader.byte()
        digest = try reader.uint32()
        try reader.end()
    }

    public func writeFields(to buffer: inout ByteBuffer) {
        buffer.writeInteger(slot)
        buffer.writeInteger(digest, endianness: .little)
    }
}

// MARK: Readings

/// One sensor's reading as the LC's Get Sensor Reading would answer it.
public struct LinkReading: Sendable, Equatable {
    public var lun: UInt8
    public var number: UInt8
    public var reading: UInt8
    /// Get Sensor Reading's byte 3: event messages, scanning, reading unavailable.
    public var flags: UInt8
    /// Bytes 4 and 5: threshold status, or discrete states.
    public var state1: UInt8
    public var state2: UInt8

    public init(lun: UInt8, number: UInt8, reading: UInt8, flags: UInt8, state1: UInt8, state2: UInt8) {
        self.lun = lun
        self.number = number
        self.reading = reading
        self.flags = flags
        self.state1 = state1
        self.state2 = state2
    }
}

/// LC -> MM: readings that changed since the last batch (all of them after a hello).
public struct LinkReadings: CommandRequest, ChassisLinkEncodable, Sendable, Equatable {
    public var slot: UInt8
    public var readings: [LinkReading]

    public init(slot: UInt8, readings: [LinkReading]) {
        self.slot = slot
        self.readings = readings
    }

    public init(from reader: inout RequestReader) throws(CompletionCode) {
        try ChassisLink.readEnterprise(&reader)
        slot = try reader.byte()
        let count = Int(try reader.byte())
        guard count <= ChassisLink.readingsPerBatch, reader.remaining == count * 6 else { throw .requestDataLengthInvalid }
        readings = []
        readings.reserveCapacity(count)
        for _ in 0..<count {
            readings.append(LinkReading(lun: try reader.byte(), number: try reader.byte(), reading: try reader.byte(),
                                        flags: try reader.byte(), state1: try reader.byte(), state2: try reader.byte()))
        }
    }

    public func writeFields(to buffer: inout ByteBuffer) {
        buffer.writeInteger(slot)
        buffer.writeInteger(UInt8(readings.count))
        for reading in readings {
            buffer.writeBytes([reading.lun, reading.number, reading.reading, reading.flags, reading.state1, reading.state2])
        }
    }
}

// MARK: SEL

/// LC -> MM: one of the LC's SEL entries, numbered by the LC (1, 2, ... never reused, across
/// restarts and SEL clears). The MM logs it once, however often it is sent.
public struct LinkSELEntry: CommandRequest, ChassisLinkEncodable, Sendable, Equatable {
    public var slot: UInt8
    public var sequence: UInt32
    /// The entry as the LC's SEL holds it (its generator ID is the LC's IPMB address).
    public var record: SELRecord

    public init(slot: UInt8, sequence: UInt32, record: SELRecord) {
        self.slot = slot
        self.sequence = sequence
        self.record = record
    }

    public init(from reader: inout RequestReader) throws(CompletionCode) {
        try ChassisLink.readEnterprise(&reader)
        slot = try reader.byte()
        sequence = try reader.uint32()
        record = SELRecord(bytes: try reader.bytes(SELRecord.size))
        try reader.end()
    }

    public func writeFields(to buffer: inout ByteBuffer) {
        buffer.writeInteger(slot)
        buffer.writeInteger(sequence, endianness: .little)
        for index in 0..<SELRecord.size { buffer.writeInteger(record[index]) }
    }
}

/// The MM's answer to a SEL entry, sent once the entry is durable in the MM's SEL.
public struct LinkSELConfirmation: CommandResponse, ChassisLinkEncodable, Sendable, Equatable {
    /// Every LC sequence number up to this one is logged.
    public var confirmed: UInt32

    public init(confirmed: UInt32) { self.confirmed = confirmed }

    public func writeFields(to buffer: inout ByteBuffer) {
        buffer.writeInteger(confirmed, endianness: .little)
    }

    public static func parse(_ data: ByteBuffer) -> LinkSELConfirmation? {
        ChassisLink.parseResponse(data) { reader throws(CompletionCode) in LinkSELConfirmation(confirmed: try reader.uint32()) }
    }
}

// MARK: Heartbeat

/// LC -> MM: "still here" when there is nothing else to send; keeps the readings fresh.
public struct LinkHeartbeat: CommandRequest, ChassisLinkEncodable, Sendable, Equatable {
    public var slot: UInt8

    public init(slot: UInt8) { self.slot = slot }

    public init(from reader: inout RequestReader) throws(CompletionCode) {
        try ChassisLink.readEnterprise(&reader)
        slot = try reader.byte()
        try reader.end()
    }

    public func writeFields(to buffer: inout ByteBuffer) {
        buffer.writeInteger(slot)
    }
}

/// The MM's answer to a heartbeat (and to the SDR and readings messages): its incarnation, so
/// an LC notices a restarted MM even when its session survived.
public struct LinkAcknowledgement: CommandResponse, ChassisLinkEncodable, Sendable, Equatable {
    public var incarnation: UInt32

    public init(incarnation: UInt32) { self.incarnation = incarnation }

    public func writeFields(to buffer: inout ByteBuffer) {
        buffer.writeInteger(incarnation, endianness: .little)
    }

    public static func parse(_ data: ByteBuffer) -> LinkAcknowledgement? {
        ChassisLink.parseResponse(data) { reader throws(CompletionCode) in LinkAcknowledgement(incarnation: try reader.uint32()) }
    }
}

// MARK: Bridging (MM -> LC)

/// MM -> LC: a request a client bridged to the LC with Send Message. It runs on the LC at the
/// privilege of the client's session on the MM, never higher.
public struct LinkBridgedRequest: CommandRequest, ChassisLinkEncodable, Sendable, Equatable {
    public var privilege: PrivilegeLevel
    public var netFn: NetFn
    public var lun: UInt8
    public var command: UInt8
    public var data: [UInt8]

    public init(privilege: PrivilegeLevel, netFn: NetFn, lun: UInt8, command: UInt8, data: [UInt8]) {
        self.privilege = privilege
        self.netFn = netFn
        self.lun = lun
        self.command = command
        self.data = data
    }

    public init(from reader: inout RequestReader) throws(CompletionCode) {
        try ChassisLink.readEnterprise(&reader)
        guard let privilege = PrivilegeLevel(rawValue: try reader.byte()) else { throw .invalidDataField }
        self.privilege = privilege
        let netFnLUN = try reader.byte()
        netFn = NetFn(netFnLUN >> 2)
        lun = netFnLUN & 0x03
        command = try reader.byte()
        data = try reader.bytes(reader.remaining)
    }

    public func writeFields(to buffer: inout ByteBuffer) {
        buffer.writeInteger(privilege.rawValue)
        buffer.writeInteger(netFn.rawValue << 2 | lun)
        buffer.writeInteger(command)
        buffer.writeBytes(data)
    }
}

/// LC -> MM: the bridged request's answer, its completion code and data as the LC gave them.
public struct LinkBridgedResponse: CommandResponse, ChassisLinkEncodable, Sendable, Equatable {
    public var completionCode: UInt8
    public var data: [UInt8]

    public init(completionCode: UInt8, data: [UInt8]) {
        self.completionCode = completionCode
        self.data = data
    }

    public func writeFields(to buffer: inout ByteBuffer) {
        buffer.writeInteger(completionCode)
        buffer.writeBytes(data)
    }

    public static func parse(_ data: ByteBuffer) -> LinkBridgedResponse? {
        ChassisLink.parseResponse(data) { reader throws(CompletionCode) in
            LinkBridgedResponse(completionCode: try reader.byte(), data: try reader.bytes(reader.remaining))
        }
    }
}

/// The digest that names an SDR set: CRC-32 over the records in order, each with its 5-byte
/// header. 0 is kept for "none", so a set whose CRC is 0 is named 1.
public enum ChassisLinkDigest {
    public static func of(_ records: [[UInt8]]) -> UInt32 {
        let value = Array(records.joined()).withUnsafeBytes { CRC32.checksum($0) }
        return value == 0 ? 1 : value
    }
}

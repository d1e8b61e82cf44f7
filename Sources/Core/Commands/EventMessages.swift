import NIOCore

// Typed requests and responses of the event commands (IPMI 2.0 section 29).

/// Set Event Receiver: the receiver's slave address (FFh: no event messages), then its LUN.
public struct SetEventReceiverRequest: CommandRequest {
    public var address: UInt8
    public var lun: UInt8
    public init(from reader: inout RequestReader) throws(CompletionCode) {
        address = try reader.byte()
        let lunByte = try reader.byte()
        try reader.end()
        guard lunByte & 0xFC == 0 else { throw .invalidDataField }
        lun = lunByte
    }
}

public struct EventReceiverResponse: CommandResponse {
    public var receiver: EventReceiver
    public func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(receiver.address)
        buffer.writeInteger(receiver.lun & 0x03)
    }
}

/// Platform Event Message as a LAN requester sends it (IPMI 2.0 table 29-5): EvMRev, sensor
/// type, sensor number, event direction and type, event data 1 and, optionally, 2 and 3. The
/// generator ID is not in the data: it is the requester's address (table 5-4).
public struct PlatformEventMessageRequest: CommandRequest {
    public var evmRevision: UInt8
    public var sensorType: UInt8
    public var sensorNumber: UInt8
    public var directionAndType: UInt8
    public var eventData: [UInt8]

    /// EvMRev 04h (IPMI 1.5 and later) and 03h (IPMI 1.0).
    static let revisions: ClosedRange<UInt8> = 0x03...0x04

    public init(from reader: inout RequestReader) throws(CompletionCode) {
        evmRevision = try reader.byte()
        sensorType = try reader.byte()
        sensorNumber = try reader.byte()
        directionAndType = try reader.byte()
        guard (1...3).contains(reader.remaining) else { throw .requestDataLengthInvalid }
        eventData = try reader.bytes(reader.remaining)
        guard PlatformEventMessageRequest.revisions.contains(evmRevision) else { throw .invalidDataField }
        // 7Fh is reserved among event/reading types.
        guard directionAndType & 0x7F != 0x7F else { throw .invalidDataField }
    }

    /// The event as it goes into the SEL, from the given generator.
    public func event(generatorID: UInt16) -> PlatformEvent {
        PlatformEvent(generatorID: generatorID, evmRevision: evmRevision, sensorType: sensorType,
                      sensorNumber: sensorNumber, isDeassertion: directionAndType & 0x80 != 0,
                      eventReadingType: directionAndType & 0x7F, eventData1: eventData[0],
                      eventData2: eventData.count > 1 ? eventData[1] : 0xFF,
                      eventData3: eventData.count > 2 ? eventData[2] : 0xFF)
    }
}

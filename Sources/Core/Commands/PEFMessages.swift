import NIOCore

// Typed requests and responses of the PEF and alerting commands (netfn 0x04, IPMI 2.0
// chapter 30).

/// Arm PEF Postpone Timer: one byte (0 disable, 1..FD seconds, FE temporary disable, FF get).
public struct ArmPostponeTimerRequest: CommandRequest {
    public var value: UInt8
    public init(from reader: inout RequestReader) throws(CompletionCode) {
        value = try reader.byte()
        try reader.end()
    }
}

/// Set PEF Configuration Parameters: parameter selector, then the parameter's data.
public struct SetPEFParameterRequest: CommandRequest {
    public var parameter: UInt8
    public var data: [UInt8]
    public init(from reader: inout RequestReader) throws(CompletionCode) {
        parameter = try reader.byte() & 0x7F
        data = try reader.bytes(reader.remaining)
    }
}

/// Get PEF Configuration Parameters: selector (bit 7 "revision only"), set and block selectors.
public struct GetPEFParameterRequest: CommandRequest {
    public var parameter: UInt8
    public var revisionOnly: Bool
    public var set: UInt8
    public var block: UInt8
    public init(from reader: inout RequestReader) throws(CompletionCode) {
        let selector = try reader.byte()
        parameter = selector & 0x7F
        revisionOnly = selector & 0x80 != 0
        // Clients send all three bytes; be lenient with a short request for unselected parameters.
        set = reader.remaining > 0 ? try reader.byte() : 0
        block = reader.remaining > 0 ? try reader.byte() : 0
        try reader.end()
    }
}

/// Set Last Processed Event ID: bit 0 of the first byte picks BMC (1) or software (0).
public struct SetLastProcessedRequest: CommandRequest {
    public var isBMC: Bool
    public var recordID: UInt16
    public init(from reader: inout RequestReader) throws(CompletionCode) {
        isBMC = try reader.byte() & 0x01 != 0
        recordID = try reader.uint16()
        try reader.end()
    }
}

public struct LastProcessedResponse: CommandResponse {
    /// When the SEL was last added to (SEL clock); FFFFFFFF when never.
    public var lastAddTime: UInt32
    /// The last record in the SEL, FFFFh when it is empty.
    public var lastRecordID: UInt16
    public var lastSoftwareProcessedID: UInt16
    public var lastBMCProcessedID: UInt16
    public func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(lastAddTime, endianness: .little)
        buffer.writeInteger(lastRecordID, endianness: .little)
        buffer.writeInteger(lastSoftwareProcessedID, endianness: .little)
        buffer.writeInteger(lastBMCProcessedID, endianness: .little)
    }
}

/// Alert Immediate: channel, destination selector with the operation in bits 7..6, alert
/// string selector, and optionally the 8-byte event to send.
public struct AlertImmediateCommand: CommandRequest {
    public enum Operation: UInt8 { case initiate = 0, getStatus = 1, clearStatus = 2 }
    public var channel: UInt8
    public var operation: Operation
    public var destinationSelector: UInt8
    public var alertStringSelector: UInt8?
    public var event: PlatformEvent?

    public init(from reader: inout RequestReader) throws(CompletionCode) {
        channel = try reader.byte() & 0x0F
        let destination = try reader.byte()
        guard let operation = Operation(rawValue: destination >> 6) else { throw .invalidDataField }
        self.operation = operation
        destinationSelector = destination & 0x0F
        let string = try reader.byte()
        alertStringSelector = string & 0x80 != 0 ? string & 0x7F : nil
        if reader.remaining > 0 {
            let generator = try reader.byte()
            let evmRevision = try reader.byte()
            let sensorType = try reader.byte()
            let sensorNumber = try reader.byte()
            let directionAndType = try reader.byte()
            let data = try reader.bytes(3)
            event = PlatformEvent(generatorID: UInt16(generator), evmRevision: evmRevision, sensorType: sensorType,
                                  sensorNumber: sensorNumber, isDeassertion: directionAndType & 0x80 != 0,
                                  eventReadingType: directionAndType, eventData1: data[0], eventData2: data[1],
                                  eventData3: data[2])
        }
        try reader.end()
    }
}

/// PET Acknowledge: 12 bytes, multi-byte fields LS byte first.
public struct PETAcknowledgeRequest: CommandRequest {
    public var acknowledgement: PETAcknowledgement
    public init(from reader: inout RequestReader) throws(CompletionCode) {
        let sequence = try reader.uint16()
        let timestamp = try reader.uint32()
        let sourceType = try reader.byte()
        let device = try reader.byte()
        let sensor = try reader.byte()
        let data = try reader.bytes(3)
        try reader.end()
        acknowledgement = PETAcknowledgement(sequenceNumber: sequence, timestamp: timestamp, eventSourceType: sourceType,
                                             sensorDevice: device, sensorNumber: sensor, eventData: data)
    }
}

import NIOCore

// Typed requests and responses of the Sensor/Event network function (netfn 0x04),
// IPMI 2.0 chapter 35.

/// A request that names a sensor and nothing else (some carry one ignored byte).
public struct SensorNumberRequest: CommandRequest {
    public var sensor: UInt8
    public init(from reader: inout RequestReader) throws(CompletionCode) {
        sensor = try reader.byte()
        if reader.remaining == 1 { _ = try reader.byte() } // Get Sensor Hysteresis: reserved 0xFF
        try reader.end()
    }
}

public struct GetSensorReadingResponse: CommandResponse {
    public var sensor: Sensor
    public func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(sensor.isReadingAvailable ? sensor.reading : 0)
        var flags: UInt8 = 0
        if sensor.settings.eventMessagesEnabled { flags |= 0x80 }
        if sensor.settings.scanningEnabled { flags |= 0x40 }
        if !sensor.isReadingAvailable { flags |= 0x20 }
        buffer.writeInteger(flags)
        if sensor.definition.isThreshold {
            buffer.writeInteger(0xC0 | sensor.thresholdStatus)
            buffer.writeInteger(UInt8(0x80))
        } else {
            buffer.writeInteger(UInt8(truncatingIfNeeded: sensor.assertedStates))
            buffer.writeInteger(0x80 | UInt8(sensor.assertedStates >> 8))
        }
    }
}

public struct SetSensorThresholdsRequest: CommandRequest {
    public var sensor: UInt8
    public var mask: UInt8
    public var values: [UInt8]
    public init(from reader: inout RequestReader) throws(CompletionCode) {
        sensor = try reader.byte()
        mask = try reader.byte() & 0x3F
        values = try reader.bytes(6)
        try reader.end()
    }
}

public struct ThresholdsResponse: CommandResponse {
    public var thresholds: ThresholdSet
    public func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(thresholds.mask)
        for threshold in Threshold.allCases { buffer.writeInteger(thresholds[threshold] ?? 0) }
    }
}

public struct SetSensorHysteresisRequest: CommandRequest {
    public var sensor: UInt8
    public var positive: UInt8
    public var negative: UInt8
    public init(from reader: inout RequestReader) throws(CompletionCode) {
        sensor = try reader.byte()
        _ = try reader.byte() // reserved mask, 0xFF
        positive = try reader.byte()
        negative = try reader.byte()
        try reader.end()
    }
}

public struct SetSensorEventEnableRequest: CommandRequest {
    public enum Change: UInt8 { case none = 0, enableSelected = 1, disableSelected = 2 }
    public var sensor: UInt8
    public var eventMessagesEnabled: Bool
    public var scanningEnabled: Bool
    public var change: Change
    public var assertions: UInt16
    public var deassertions: UInt16

    public init(from reader: inout RequestReader) throws(CompletionCode) {
        sensor = try reader.byte()
        let flags = try reader.byte()
        eventMessagesEnabled = flags & 0x80 != 0
        scanningEnabled = flags & 0x40 != 0
        guard let change = Change(rawValue: flags >> 4 & 0x03) else { throw .invalidDataField }
        self.change = change
        // The masks are optional, and may stop after any byte.
        var masks: [UInt8] = [0, 0, 0, 0]
        for index in 0..<4 where reader.remaining > 0 { masks[index] = try reader.byte() }
        try reader.end()
        assertions = UInt16(masks[0]) | UInt16(masks[1]) << 8
        deassertions = UInt16(masks[2]) | UInt16(masks[3]) << 8
    }
}

public struct SensorEventFlagsResponse: CommandResponse {
    public var flags: UInt8
    public var assertions: UInt16
    public var deassertions: UInt16
    public func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(flags)
        buffer.writeInteger(assertions, endianness: .little)
        buffer.writeInteger(deassertions, endianness: .little)
    }
}

public struct RearmSensorEventsRequest: CommandRequest {
    public var sensor: UInt8
    public init(from reader: inout RequestReader) throws(CompletionCode) {
        sensor = try reader.byte()
        _ = try reader.byte() // bit 7: all events; selected masks may follow. Either way all are re-armed.
        for _ in 0..<min(4, reader.remaining) { _ = try reader.byte() }
        try reader.end()
    }
}

public struct SetSensorReadingRequest: CommandRequest {
    public var sensor: UInt8
    /// Bits 1..0: 01 writes the reading. Bits 5..4: assertion bits 01 write, 10 set, 11 clear.
    public var operation: UInt8
    public var reading: UInt8?
    public var assertions: UInt16?

    public init(from reader: inout RequestReader) throws(CompletionCode) {
        sensor = try reader.byte()
        operation = try reader.byte()
        reading = reader.remaining > 0 ? try reader.byte() : nil
        if reader.remaining >= 2 { assertions = try reader.uint16() }
        while reader.remaining > 0 { _ = try reader.byte() } // deassertion bits, event data: not used
    }
}

public struct GetSDRResponse: CommandResponse {
    public var nextRecordID: UInt16
    public var data: ArraySlice<UInt8>
    public func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(nextRecordID, endianness: .little)
        buffer.writeBytes(data)
    }
}

public struct UInt16Response: CommandResponse {
    public var value: UInt16
    public func write(to buffer: inout ByteBuffer) { buffer.writeInteger(value, endianness: .little) }
}

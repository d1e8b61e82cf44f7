import IPMICore

/// Builds the PET v1.0 varbind and specific trap number for a platform event. Pure: no
/// clock, no I/O; the caller supplies the time, sequence number and BMC identity.
public struct PETEncoder: Sendable {
    /// The system GUID as IPMI's Get System GUID returns it (16 bytes, sent as is).
    public var systemGUID: [UInt8]
    /// Manufacturer IANA enterprise number (Get Device ID's manufacturer ID).
    public var manufacturerID: UInt32
    /// System ID (Get Device ID's product ID).
    public var systemID: UInt16
    /// Signed minutes from UTC; `PETTimestamp.unspecifiedUTCOffset` when unknown.
    public var utcOffsetMinutes: Int16

    public init(systemGUID: [UInt8], manufacturerID: UInt32, systemID: UInt16, utcOffsetMinutes: Int16 = 0) {
        precondition(systemGUID.count == 16, "a system GUID is 16 bytes")
        self.systemGUID = systemGUID
        self.manufacturerID = manufacturerID
        self.systemID = systemID
        self.utcOffsetMinutes = utcOffsetMinutes
    }

    /// The specific trap number of an event.
    public static func specificTrap(for event: PlatformEvent) -> UInt32 {
        UInt32(event.sensorType) << 16 | UInt32(event.eventReadingType) << 8
            | (event.isDeassertion ? 0x80 : 0) | UInt32(event.offset)
    }

    /// Encodes one event.
    /// - Parameters:
    ///   - selTimestamp: seconds since 1970 (the SEL time); converted to PET's 1998 epoch.
    ///   - severity: the PET severity byte (the matching PEF filter's severity).
    ///   - oemCustomFields: 1..64 bytes of OEM custom fields; nil sends the lone 0xC1 "none".
    ///   - sensorDevice, sensorNumber: the sensor to name instead of the event's (a proxy).
    public func encode(_ event: PlatformEvent, sequenceNumber: UInt16, selTimestamp: UInt32, severity: UInt8,
                       entityID: UInt8 = 0, entityInstance: UInt8 = 0, oemCustomFields: [UInt8]? = nil,
                       sensorDevice: UInt8? = nil, sensorNumber: UInt8? = nil) -> PlatformEventTrap {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(47 + (oemCustomFields?.count ?? 0))
        bytes += systemGUID
        bytes.appendBigEndian(sequenceNumber)
        bytes.appendBigEndian(PETTimestamp.fromSEL(selTimestamp))
        bytes.appendBigEndian(UInt16(bitPattern: utcOffsetMinutes))
        bytes.append(PET.sourceTypeIPMI)  // trap source type
        bytes.append(PET.sourceTypeIPMI)  // event source type
        bytes.append(severity)
        // Sensor device: the generator's slave address (generator ID bits 7..0).
        bytes.append(sensorDevice ?? UInt8(truncatingIfNeeded: event.generatorID))
        bytes.append(sensorNumber ?? event.sensorNumber)
        bytes.append(entityID)
        bytes.append(entityInstance)
        bytes += [event.eventData1, event.eventData2, event.eventData3, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]
        bytes.append(PET.languageEnglish)
        bytes.appendBigEndian(manufacturerID)
        bytes.appendBigEndian(systemID)
        if let oem = oemCustomFields, !oem.isEmpty {
            bytes += oem.prefix(PET.maxOEMFieldLength)
        } else {
            bytes += PET.noOEMFields
        }
        return PlatformEventTrap(specificTrap: Self.specificTrap(for: event), payload: bytes)
    }
}

extension [UInt8] {
    mutating func appendBigEndian<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.bigEndian) { append(contentsOf: $0) }
    }
}

import IPMICore

extension PlatformEventTrap {
    /// Whether a PET Acknowledge names this trap: every field it carries must be the trap's
    /// (IPMI 2.0 section 30.8: sequence number, local timestamp, event source type, sensor
    /// device, sensor number, event data 1 to 3), not the sequence number alone, which an
    /// attacker can run through in 65,536 tries.
    public func isAcknowledged(by acknowledgement: PETAcknowledgement) -> Bool {
        acknowledgement.sequenceNumber == sequenceNumber
            && acknowledgement.timestamp == timestamp
            && acknowledgement.eventSourceType == payload[Offset.eventSourceType]
            && acknowledgement.sensorDevice == payload[Offset.sensorDevice]
            && acknowledgement.sensorNumber == payload[Offset.sensorNumber]
            && acknowledgement.eventData.elementsEqual(payload[Offset.eventData..<Offset.eventData + 3])
    }

    /// Where `PETEncoder` puts the fields a PET Acknowledge repeats.
    private enum Offset {
        static let eventSourceType = 25
        static let sensorDevice = 27
        static let sensorNumber = 28
        static let eventData = 31
    }
}

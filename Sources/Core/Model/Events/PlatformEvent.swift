/// An IPMI platform event (IPMI 2.0 section 29.7): what a sensor reports when a threshold
/// is crossed or a discrete state changes, as it goes into the SEL and on to alerting.
public struct PlatformEvent: Sendable, Equatable {
    /// The BMC itself: slave address 0x20, LUN 0, channel 0 (IPMI 2.0 section 32.1).
    public static let bmcGeneratorID: UInt16 = 0x0020

    public var generatorID: UInt16
    public var evmRevision: UInt8
    public var sensorType: UInt8
    public var sensorNumber: UInt8
    public var isDeassertion: Bool
    /// The event/reading type code, 7 bits (0x01 threshold, 0x6F sensor-specific, ...).
    public var eventReadingType: UInt8
    public var eventData1: UInt8
    public var eventData2: UInt8
    public var eventData3: UInt8

    public init(generatorID: UInt16 = PlatformEvent.bmcGeneratorID, evmRevision: UInt8 = 0x04, sensorType: UInt8,
                sensorNumber: UInt8, isDeassertion: Bool, eventReadingType: UInt8, eventData1: UInt8,
                eventData2: UInt8 = 0xFF, eventData3: UInt8 = 0xFF) {
        self.generatorID = generatorID
        self.evmRevision = evmRevision
        self.sensorType = sensorType
        self.sensorNumber = sensorNumber
        self.isDeassertion = isDeassertion
        self.eventReadingType = eventReadingType & 0x7F
        self.eventData1 = eventData1
        self.eventData2 = eventData2
        self.eventData3 = eventData3
    }

    /// The event direction / type byte: bit 7 set for a deassertion.
    public var eventDirectionAndType: UInt8 { (isDeassertion ? 0x80 : 0) | eventReadingType }

    /// The event offset (event data 1, bits 3..0).
    public var offset: UInt8 { eventData1 & 0x0F }
}

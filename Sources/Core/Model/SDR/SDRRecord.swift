/// Sensor Data Records (IPMI 2.0 chapter 43), encoded from the BMC's sensors and devices.
/// Every record is a 5-byte header (record ID, version 0x51, type, body length) and a body.
public enum SDRRecord {
    public static let version: UInt8 = 0x51
    public static let ownerID: UInt8 = 0x20

    public enum RecordType: UInt8 {
        case fullSensor = 0x01
        case compactSensor = 0x02
        case eventOnly = 0x03
        case fruDeviceLocator = 0x11
        case managementControllerLocator = 0x12
    }

    static func record(id: UInt16, type: RecordType, body: [UInt8]) -> [UInt8] {
        [UInt8(truncatingIfNeeded: id), UInt8(truncatingIfNeeded: id >> 8), version, type.rawValue, UInt8(body.count)] + body
    }

    /// The ID string: type/length byte (8-bit ASCII) and up to 16 bytes.
    static func idString(_ name: String) -> [UInt8] {
        let bytes = Array(name.utf8.prefix(16))
        return [0xC0 | UInt8(bytes.count)] + bytes
    }

    /// The record that describes a sensor: full for threshold sensors, compact for discrete
    /// ones, event-only for sensors without a reading. `owner`: the controller's IPMB address
    /// (a line card's slot address, so clients read its sensors through bridging).
    public static func sensor(_ sensor: Sensor, id: UInt16, owner ownerID: UInt8 = ownerID) -> [UInt8] {
        let definition = sensor.definition
        if definition.isEventOnly {
            let body: [UInt8] = [
                ownerID, definition.lun, definition.number, definition.entityID, definition.entityInstance & 0x7F,
                definition.sensorType, definition.eventReadingType, 0x01, 0x00, 0x00, 0x00,
            ] + idString(definition.name)
            return record(id: id, type: .eventOnly, body: body)
        }
        let settings = sensor.settings
        let supported = definition.supportedEvents
        let common: [UInt8] = [
            ownerID, definition.lun, definition.number, definition.entityID, definition.entityInstance & 0x7F,
            // Initialization: settable sensor, scanning, events, thresholds, hysteresis, type; events and scanning on.
            0x7F,
            // Capabilities: auto re-arm; hysteresis and thresholds readable and settable (threshold
            // sensors); per-threshold/state event enables.
            definition.isThreshold ? 0x68 : 0x40,
            definition.sensorType, definition.eventReadingType,
        ]
        if case .discrete(_, let states) = definition.kind {
            let body = common + [
                UInt8(truncatingIfNeeded: supported), UInt8(supported >> 8), // assertion event mask
                UInt8(truncatingIfNeeded: supported), UInt8(supported >> 8), // deassertion event mask
                UInt8(truncatingIfNeeded: states), UInt8(states >> 8), // discrete reading mask
                0x00, definition.unit, 0x00, // units
                0x01, 0x00, // record sharing: one sensor
                0x00, 0x00, // hysteresis
                0x00, 0x00, 0x00, 0x00, // reserved, OEM
            ] + idString(definition.name)
            return record(id: id, type: .compactSensor, body: body)
        }
        let thresholds = settings.thresholds
        let mask = thresholds.mask
        let lowerComparisons = UInt16(mask & 0x07) << 12
        let upperComparisons = UInt16(mask >> 3 & 0x07) << 12
        let assertions = supported | lowerComparisons
        let deassertions = supported | upperComparisons
        let m = definition.linearization.m & 0x3FF
        let b = definition.linearization.b & 0x3FF
        let exponents = UInt8(definition.linearization.rExponent & 0x0F) << 4 | UInt8(definition.linearization.bExponent & 0x0F)
        let body = common + [
            UInt8(truncatingIfNeeded: assertions), UInt8(assertions >> 8),
            UInt8(truncatingIfNeeded: deassertions), UInt8(deassertions >> 8),
            mask, mask, // readable, settable thresholds
            0x00, definition.unit, 0x00, // units: unsigned, no rate or modifier
            0x00, // linear
            UInt8(truncatingIfNeeded: m), UInt8(m >> 8) << 6,
            UInt8(truncatingIfNeeded: b), UInt8(b >> 8) << 6,
            0x00, exponents,
            0x00, 0x00, 0x00, 0x00, // no nominal, normal maximum or minimum
            0xFF, 0x00, // sensor maximum and minimum reading
            thresholds[.upperNonRecoverable] ?? 0, thresholds[.upperCritical] ?? 0, thresholds[.upperNonCritical] ?? 0,
            thresholds[.lowerNonRecoverable] ?? 0, thresholds[.lowerCritical] ?? 0, thresholds[.lowerNonCritical] ?? 0,
            settings.positiveHysteresis, settings.negativeHysteresis,
            0x00, 0x00, 0x00, // reserved, OEM
        ] + idString(definition.name)
        return record(id: id, type: .fullSensor, body: body)
    }

    /// The BMC itself: a management controller device locator.
    public static func managementController(id: UInt16, name: String, capabilities: UInt8,
                                            address ownerID: UInt8 = ownerID) -> [UInt8] {
        let body: [UInt8] = [
            ownerID, 0x00, // slave address, channel 0
            0x00, capabilities,
            0x00, 0x00, 0x00,
            0x06, 0x01, // entity: system management module, instance 1
            0x00,
        ] + idString(name)
        return record(id: id, type: .managementControllerLocator, body: body)
    }

    /// FRU device 0 of the BMC, a logical FRU device.
    public static func fruDevice(id: UInt16, name: String, owner ownerID: UInt8 = ownerID) -> [UInt8] {
        let body: [UInt8] = [
            ownerID, 0x00, 0x80, 0x00, // controller, FRU device 0, logical, channel 0
            0x00, 0x10, 0x00, // reserved; device type: IPMI FRU inventory
            0x17, 0x01, // entity: system chassis, instance 1
            0x00,
        ] + idString(name)
        return record(id: id, type: .fruDeviceLocator, body: body)
    }
}

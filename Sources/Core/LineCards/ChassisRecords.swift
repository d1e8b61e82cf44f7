/// The SDRs a management module serves for its line cards, after its own records: per slot a
/// link sensor, an MC Device Locator (once the slot has sent its SDRs) and a proxy for every
/// sensor record of the line card. Record IDs are per slot (4000h + slot << 8 + position), so
/// one slot's new set never renumbers another's.
public enum ChassisRecord: Sendable, Equatable {
    case linkSensor(slot: UInt8)
    case locator(slot: UInt8)
    case proxy(slot: UInt8, index: Int)

    static let firstID: UInt16 = 0x4000
    /// Proxies per slot: the rest of the slot's block of record IDs.
    static let maximumProxies = 254

    var id: UInt16 {
        switch self {
        case .linkSensor(let slot): Self.firstID + UInt16(slot) << 8
        case .locator(let slot): Self.firstID + UInt16(slot) << 8 + 1
        case .proxy(let slot, let index): Self.firstID + UInt16(slot) << 8 + 2 + UInt16(index)
        }
    }
}

/// Reading and rewriting line cards' sensor records (IPMI 2.0 section 43).
enum ProxyRecord {
    /// Entity of the slot's locator and link sensor: a management module (instance = slot).
    static let slotEntityID: UInt8 = 0x06
    /// The link sensor: Management Subsystem Health, sensor-specific, offset 03h
    /// ("management controller unavailable").
    static let linkSensorType: UInt8 = 0x28
    static let linkEventReadingType: UInt8 = 0x6F
    static let linkUnavailableOffset: UInt8 = 0x03

    /// Where the ID string's type/length byte is, by record type: full, compact, event-only.
    static func nameOffset(type: UInt8) -> Int? {
        switch type {
        case SDRRecord.RecordType.fullSensor.rawValue: 47
        case SDRRecord.RecordType.compactSensor.rawValue: 31
        case SDRRecord.RecordType.eventOnly.rawValue: 16
        default: nil
        }
    }

    /// A sensor record's LUN, number and how many sensors it stands for (record sharing);
    /// nil for other records and malformed ones.
    static func sensorFields(of record: [UInt8]) -> (lun: UInt8, number: UInt8, count: UInt8)? {
        guard record.count >= 5, record.count == 5 + Int(record[4]), let nameAt = nameOffset(type: record[3]),
              record.count > nameAt
        else { return nil }
        let count: UInt8 = switch record[3] {
        case SDRRecord.RecordType.compactSensor.rawValue: max(record[23] & 0x0F, 1)
        case SDRRecord.RecordType.eventOnly.rawValue: max(record[12] & 0x0F, 1)
        default: 1
        }
        guard Int(record[7]) + Int(count) <= 0xFF else { return nil }
        return (record[6] & 0x03, record[7], count)
    }

    /// The proxy of a line card's sensor record: owned by the MM (20h) on the MM's LUN and
    /// number, entity instance = slot, named "S<slot> " + the card's name (16 bytes at most).
    /// Its record ID is set when it is served.
    static func proxy(of record: [UInt8], slot: UInt8, lun: UInt8, number: UInt8) -> [UInt8]? {
        guard sensorFields(of: record) != nil, let nameAt = nameOffset(type: record[3]) else { return nil }
        var proxy = Array(record[0..<nameAt])
        proxy[5] = SDRRecord.ownerID
        proxy[6] = lun // channel 0
        proxy[7] = number
        proxy[9] = slot & 0x7F // system-relative instance
        let typeLength = record[nameAt]
        let length = min(Int(typeLength & 0x1F), record.count - nameAt - 1)
        let name: [UInt8]
        if typeLength & 0xC0 == 0xC0 {
            name = Array("S\(slot) ".utf8) + record[(nameAt + 1)..<(nameAt + 1 + length)]
        } else {
            // Packed or BCD names cannot take an ASCII prefix: name it by slot and number.
            name = Array("S\(slot) #\(record[7])".utf8)
        }
        proxy += SDRRecord.idString(String(decoding: name.prefix(16), as: UTF8.self))
        proxy[4] = UInt8(proxy.count - 5)
        return proxy
    }

    /// The slot's MC Device Locator: device slave address = the line card's IPMB address.
    static func locator(slot: UInt8, capabilities: UInt8) -> [UInt8] {
        let body: [UInt8] = [
            SlotAddress.ipmbAddress(slot: slot), 0x00, // slave address, channel 0
            0x00, capabilities,
            0x00, 0x00, 0x00,
            slotEntityID, slot & 0x7F,
            0x00,
        ] + SDRRecord.idString("Slot \(slot)")
        return SDRRecord.record(id: 0, type: .managementControllerLocator, body: body)
    }

    /// The slot's link sensor, a compact discrete sensor of the MM.
    static func linkSensor(slot: UInt8, lun: UInt8, number: UInt8) -> [UInt8] {
        let mask = UInt8(1) << linkUnavailableOffset
        let body: [UInt8] = [
            SDRRecord.ownerID, lun, number, slotEntityID, slot & 0x7F,
            0x63, // initialization: scanning and events enabled at start
            0x40, // capabilities: auto re-arm, no thresholds or hysteresis
            linkSensorType, linkEventReadingType,
            mask, 0x00, mask, 0x00, mask, 0x00, // assertion, deassertion and reading masks
            0x00, 0x00, 0x00, // units: none
            0x01, 0x00, // record sharing: one sensor
            0x00, 0x00, // hysteresis
            0x00, 0x00, 0x00, 0x00, // reserved, OEM
        ] + SDRRecord.idString("Slot \(slot) Link")
        return SDRRecord.record(id: 0, type: .compactSensor, body: body)
    }

    /// A record with its record ID set.
    static func withID(_ record: [UInt8], _ id: UInt16) -> [UInt8] {
        var record = record
        record[0] = UInt8(truncatingIfNeeded: id)
        record[1] = UInt8(id >> 8)
        return record
    }
}

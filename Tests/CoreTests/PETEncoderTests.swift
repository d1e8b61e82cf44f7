import IPMIAlerting
import IPMICore
import XCTest

/// The PET v1.0 varbind, byte for byte.
final class PETEncoderTests: XCTestCase {
    private let guid: [UInt8] = [0x5E, 0xC7, 0xA1, 0xE0, 0x1D, 0x2B, 0x4C, 0x3D, 0x9E, 0x4F, 0x01, 0x23, 0x45, 0x67, 0x89, 0xAB]
    private var encoder: PETEncoder { PETEncoder(systemGUID: guid, manufacturerID: 4413, systemID: 0x5E32) }

    /// Temperature sensor 1, threshold, upper critical going high (offset 9), reading 0x2A
    /// against threshold 0x5A.
    private let upperCritical = PlatformEvent(sensorType: 0x01, sensorNumber: 0x01, isDeassertion: false,
                                              eventReadingType: 0x01, eventData1: 0x59, eventData2: 0x2A, eventData3: 0x5A)

    func testSpecificTrap() {
        XCTAssertEqual(PETEncoder.specificTrap(for: upperCritical), 0x01_01_09)
        XCTAssertEqual(PETEncoder.specificTrap(for: upperCritical), 65801)
        var deassertion = upperCritical
        deassertion.isDeassertion = true
        XCTAssertEqual(PETEncoder.specificTrap(for: deassertion), 0x01_01_89)
        let discrete = PlatformEvent(sensorType: 0x07, sensorNumber: 3, isDeassertion: false, eventReadingType: 0x6F, eventData1: 0xA1)
        XCTAssertEqual(PETEncoder.specificTrap(for: discrete), 0x07_6F_01)
    }

    func testPayloadBytes() {
        let trap = encoder.encode(upperCritical, sequenceNumber: 0x0102, selTimestamp: 1_700_000_000,
                                  severity: PETSeverity.critical.rawValue, entityID: 0x03, entityInstance: 0x01)
        XCTAssertEqual(trap.payload, guid + [
            0x01, 0x02,              // sequence
            0x30, 0xA9, 0x14, 0x80,  // 1_700_000_000 - 883_612_800 seconds since 1998
            0x00, 0x00,              // UTC offset 0
            0x20, 0x20,              // trap source, event source: IPMI
            0x10,                    // severity critical
            0x20, 0x01, 0x03, 0x01,  // sensor device, number, entity, instance
            0x59, 0x2A, 0x5A, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
            0x19,                    // English
            0x00, 0x00, 0x11, 0x3D,  // IANA 4413
            0x5E, 0x32,              // system ID
            0xC1,                    // no OEM fields
        ])
        XCTAssertEqual(trap.payload.count, 47)
        XCTAssertEqual(trap.sequenceNumber, 0x0102)
        XCTAssertEqual(trap.timestamp, 0x30A9_1480)
        XCTAssertEqual(trap.specificTrap, 65801)
        XCTAssertTrue(trap.hexPayload.hasPrefix("5E C7 A1 E0"))
    }

    func testTimestampAndOffsetEdgeCases() {
        XCTAssertEqual(PETTimestamp.fromSEL(883_612_800 + 1), 1)
        // Pre-1998 SEL times count from BMC initialisation: unspecified.
        XCTAssertEqual(PETTimestamp.fromSEL(5000), 0)
        var unknownZone = encoder
        unknownZone.utcOffsetMinutes = PETTimestamp.unspecifiedUTCOffset
        let trap = unknownZone.encode(upperCritical, sequenceNumber: 1, selTimestamp: 0, severity: 0)
        XCTAssertEqual(Array(trap.payload[18..<24]), [0, 0, 0, 0, 0xFF, 0xFF])
        var minus = encoder
        minus.utcOffsetMinutes = -300
        XCTAssertEqual(Array(minus.encode(upperCritical, sequenceNumber: 1, selTimestamp: 0, severity: 0).payload[22..<24]), [0xFE, 0xD4])
    }

    func testGeneratorAndOEMFields() {
        var event = upperCritical
        event.generatorID = 0x0141  // software ID 0x41, channel bits above
        let oem: [UInt8] = [0xC3, 0x41, 0x42, 0x43]
        let trap = encoder.encode(event, sequenceNumber: 7, selTimestamp: 0, severity: 0x08, oemCustomFields: oem)
        XCTAssertEqual(trap.payload[27], 0x41)
        XCTAssertEqual(Array(trap.payload.suffix(4)), oem)
        XCTAssertEqual(trap.payload.count, 46 + 4)
        let long = encoder.encode(event, sequenceNumber: 7, selTimestamp: 0, severity: 0, oemCustomFields: Array(repeating: 1, count: 100))
        XCTAssertEqual(long.payload.count, 110)
    }

    func testOIDs() {
        XCTAssertEqual(PET.enterpriseOID, [1, 3, 6, 1, 4, 1, 3183, 1, 1])
        XCTAssertEqual(PET.varbindOID, [1, 3, 6, 1, 4, 1, 3183, 1, 1, 1])
        XCTAssertEqual(PET.notificationOID(specificTrap: 65801), [1, 3, 6, 1, 4, 1, 3183, 1, 1, 0, 65801])
    }
}

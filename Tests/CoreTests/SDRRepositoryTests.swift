import IPMICore
import NIOCore
import XCTest

final class SDRRepositoryTests: XCTestCase {
    func makeBMC(stateDirectory: String? = nil) throws -> TestBMC {
        var settings = SensorSettings()
        settings.thresholds[.upperCritical] = 90
        let sensors = [
            SensorDefinition(number: 1, name: "Board Temp", sensorType: 0x01, kind: .threshold, entityID: 0x07, unit: 1,
                             initialSettings: settings),
            SensorDefinition(number: 2, name: "PSU1", sensorType: 0x08, kind: .discrete(eventReadingType: 0x6F, states: 0x0B),
                             entityID: 0x0A),
        ]
        return try TestBMC(stateDirectory: stateDirectory, sensors: sensors)
    }

    func le(_ value: UInt16) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8)] }

    func testRecordsReadWholeAndInPiecesUnderAReservation() throws {
        let bmc = try makeBMC()
        var console = try bmc.openSession()
        // Record 1 is the management controller locator; 3 is the first sensor's full record.
        let whole = try bmc.call(&console, .storage, 0x23, [0, 0] + le(3) + [0, 0xFF])
        XCTAssertEqual(whole.completionCode, .ok)
        let bytes = Array(whole.data.readableBytesView)
        XCTAssertEqual(Array(bytes[0..<2]), le(4), "next record ID")
        XCTAssertEqual(Array(bytes[2..<7]), [3, 0, 0x51, 0x01, UInt8(bytes.count - 7)], "header of a full sensor record")
        XCTAssertEqual(bytes[2 + 7], 1, "sensor number")
        XCTAssertEqual(Array(bytes.suffix(10)), Array("Board Temp".utf8))

        let partialWithoutReservation = try bmc.call(&console, .storage, 0x23, [0, 0] + le(3) + [5, 16])
        XCTAssertEqual(partialWithoutReservation.completionCode, .reservationCanceled)
        let reservation = try bmc.call(&console, .storage, 0x22).data.getInteger(at: 0, endianness: .little, as: UInt16.self)!
        let piece = try bmc.call(&console, .storage, 0x23, le(reservation) + le(3) + [5, 16])
        XCTAssertEqual(Array(piece.data.readableBytesView.dropFirst(2)), Array(bytes[7..<23]))
        XCTAssertEqual(try bmc.call(&console, .storage, 0x23, [0, 0] + le(99) + [0, 0xFF]).completionCode, .notPresent)
        XCTAssertEqual(try bmc.call(&console, .storage, 0x23, [0, 0] + le(0xFFFF) + [0, 5]).data.getInteger(at: 0, endianness: .little, as: UInt16.self),
                       0xFFFF, "the last record has no next")
    }

    func testAddPartialAddDeleteAndClearPersist() throws {
        let first = try makeBMC()
        var console = try first.openSession()
        let record: [UInt8] = [0, 0, 0x51, 0xC0, 4, 0x57, 0x01, 0x00, 0x42] // OEM record
        let added = try first.call(&console, .storage, 0x24, record)
        XCTAssertEqual(added.completionCode, .ok)
        let addedID = added.data.getInteger(at: 0, endianness: .little, as: UInt16.self)!

        let reservation = try first.call(&console, .storage, 0x22).data.getInteger(at: 0, endianness: .little, as: UInt16.self)!
        let start = try first.call(&console, .storage, 0x25, le(reservation) + [0, 0, 0, 0] + Array(record.prefix(6)))
        XCTAssertEqual(start.completionCode, .ok)
        let pendingID = start.data.getInteger(at: 0, endianness: .little, as: UInt16.self)!
        let finish = try first.call(&console, .storage, 0x25, le(reservation) + le(pendingID) + [6, 1] + Array(record.dropFirst(6)))
        XCTAssertEqual(finish.completionCode, .ok)

        let reserved = try first.call(&console, .storage, 0x22).data.getInteger(at: 0, endianness: .little, as: UInt16.self)!
        XCTAssertEqual(try first.call(&console, .storage, 0x26, le(reserved) + le(1)).completionCode, .ok, "delete the MC locator")
        XCTAssertEqual(try first.call(&console, .storage, 0x26, le(reserved) + le(2)).completionCode, .reservationCanceled,
                       "a deletion cancels the reservation")

        let second = try makeBMC(stateDirectory: first.stateDirectory)
        var again = try second.openSession()
        let info = try second.call(&again, .storage, 0x20)
        XCTAssertEqual(info.data.getInteger(at: 1, endianness: .little, as: UInt16.self), 5, "2 sensors + FRU locator + 2 added")
        XCTAssertEqual(try second.call(&again, .storage, 0x23, [0, 0] + le(addedID) + [0, 0xFF]).data.readableBytes, 2 + record.count)
        XCTAssertEqual(try second.call(&again, .storage, 0x23, [0, 0] + le(1) + [0, 0xFF]).completionCode, .notPresent)

        let clearReservation = try second.call(&again, .storage, 0x22).data.getInteger(at: 0, endianness: .little, as: UInt16.self)!
        let clear = try second.call(&again, .storage, 0x27, le(clearReservation) + Array("CLR".utf8) + [0xAA])
        XCTAssertEqual(Array(clear.data.readableBytesView), [0x01])
        XCTAssertEqual(try second.call(&again, .storage, 0x20).data.getInteger(at: 1, endianness: .little, as: UInt16.self), 0)
    }

    func testSensorCommandsAndDeviceSDR() throws {
        let bmc = try makeBMC()
        var console = try bmc.openSession()
        bmc.bmc.record([SensorSample(sensor: 0, value: 95), SensorSample(sensor: 1, value: 1)])
        let reading = try bmc.call(&console, .sensorEvent, 0x2D, [1])
        XCTAssertEqual(Array(reading.data.readableBytesView), [95, 0xC0, 0xC0 | 0x10, 0x80], "at or above upper critical")
        let discrete = try bmc.call(&console, .sensorEvent, 0x2D, [2])
        XCTAssertEqual(Array(discrete.data.readableBytesView), [1, 0xC0, 0x01, 0x80], "presence detected")
        XCTAssertEqual(try bmc.call(&console, .sensorEvent, 0x2D, [9]).completionCode, .notPresent)
        XCTAssertEqual(try bmc.call(&console, .sensorEvent, 0x27, [2]).completionCode, .illegalForSensorOrRecordType)
        XCTAssertEqual(try bmc.call(&console, .sensorEvent, 0x26, [1, 0x01, 10, 0, 0, 0, 0, 0]).completionCode, .invalidDataField,
                       "lnc is not settable on this sensor")
        let status = try bmc.call(&console, .sensorEvent, 0x2B, [1])
        XCTAssertEqual(Array(status.data.readableBytesView), [0xC0, 0x00, 0x02, 0x00, 0x00], "uc going high asserted")
        XCTAssertEqual(try bmc.call(&console, .sensorEvent, 0x20, [1]).data.getInteger(at: 0, as: UInt8.self), 4)
        XCTAssertEqual(try bmc.call(&console, .sensorEvent, 0x21, [0, 0, 3, 0, 0, 5]).completionCode, .ok)
    }
}

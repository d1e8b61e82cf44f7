import Foundation
import IPMICore
import XCTest

/// Threshold crossings with hysteresis, and discrete state changes (IPMI 2.0 sections 30.5, 36).
final class SensorEventTests: XCTestCase {
    func temperature() -> Sensor {
        var settings = SensorSettings()
        settings.thresholds[.upperNonCritical] = 80
        settings.thresholds[.upperCritical] = 90
        settings.thresholds[.upperNonRecoverable] = 100
        settings.thresholds[.lowerCritical] = 5
        settings.positiveHysteresis = 3
        settings.negativeHysteresis = 2
        settings.assertionEnables = 0x0A84 // offsets 2, 7, 9, 11
        settings.deassertionEnables = 0x0A84
        return Sensor(definition: SensorDefinition(number: 7, name: "Temp", sensorType: 0x01, kind: .threshold,
                                                   entityID: 0x07, unit: 1, initialSettings: settings))
    }

    func describe(_ events: [PlatformEvent]) -> [String] {
        events.map { "\($0.isDeassertion ? "-" : "+")\($0.offset) r\($0.eventData2) t\($0.eventData3)" }
    }

    func testRisingThroughEveryUpperThresholdAndBack() {
        var sensor = temperature()
        XCTAssertEqual(describe(sensor.update(raw: 50)), [])
        XCTAssertEqual(describe(sensor.update(raw: 80)), ["+7 r80 t80"], "at the threshold counts as crossed")
        XCTAssertEqual(describe(sensor.update(raw: 95)), ["+9 r95 t90"])
        XCTAssertEqual(describe(sensor.update(raw: 101)), ["+11 r101 t100"])
        XCTAssertEqual(sensor.thresholdStatus, 0x38)
        XCTAssertEqual(describe(sensor.update(raw: 98)), [], "inside the hysteresis of unr")
        XCTAssertEqual(describe(sensor.update(raw: 96)), ["-11 r96 t100"])
        XCTAssertEqual(describe(sensor.update(raw: 60)), ["-9 r60 t90", "-7 r60 t80"], "most severe first")
        XCTAssertEqual(sensor.thresholdStatus, 0)
    }

    func testJumpingStraightPastSeveralThresholdsAssertsThemInOrder() {
        var sensor = temperature()
        XCTAssertEqual(describe(sensor.update(raw: 120)), ["+7 r120 t80", "+9 r120 t90", "+11 r120 t100"])
        XCTAssertEqual(describe(sensor.update(raw: 3)), ["-11 r3 t100", "-9 r3 t90", "-7 r3 t80", "+2 r3 t5"])
    }

    func testNoiseAroundAThresholdDoesNotFlap() {
        var sensor = temperature()
        XCTAssertEqual(describe(sensor.update(raw: 90)), ["+7 r90 t80", "+9 r90 t90"])
        for raw: UInt8 in [89, 90, 88, 91, 88, 90, 89] {
            XCTAssertEqual(describe(sensor.update(raw: raw)), [], "raw \(raw) is within 3 counts of 90")
        }
        XCTAssertEqual(describe(sensor.update(raw: 86)), ["-9 r86 t90"])
        XCTAssertEqual(describe(sensor.update(raw: 89)), [], "not yet back at the threshold")
    }

    func testLowerThresholdUsesNegativeHysteresis() {
        var sensor = temperature()
        XCTAssertEqual(describe(sensor.update(raw: 5)), ["+2 r5 t5"])
        XCTAssertEqual(describe(sensor.update(raw: 7)), [])
        XCTAssertEqual(describe(sensor.update(raw: 8)), ["-2 r8 t5"])
    }

    func testUnavailableReadingsCauseNoEvents() {
        var sensor = temperature()
        _ = sensor.update(raw: 95)
        XCTAssertEqual(describe(sensor.update(raw: nil)), [])
        XCTAssertFalse(sensor.isReadingAvailable)
        XCTAssertEqual(describe(sensor.update(raw: 95)), [], "the state survived the gap")
    }

    func testEventEnablesFilterButStateStillTracks() {
        var sensor = temperature()
        sensor.settings.assertionEnables = 1 << 9 // only critical going high
        let events = sensor.update(raw: 95)
        XCTAssertEqual(events.filter(sensor.isEnabled).map(\.offset), [9])
        XCTAssertEqual(sensor.thresholdStatus, 0x18)
    }

    func testThresholdEventData() {
        var sensor = temperature()
        let event = sensor.update(raw: 85)[0]
        XCTAssertEqual(event.eventData1, 0x57, "reading and threshold in bytes 2 and 3, offset 7")
        XCTAssertEqual(event.eventDirectionAndType, 0x01)
        XCTAssertEqual(event.sensorNumber, 7)
        XCTAssertEqual(event.generatorID, 0x0020)
        XCTAssertEqual(event.evmRevision, 0x04)
        XCTAssertEqual(sensor.update(raw: 10)[0].eventDirectionAndType, 0x81)
    }

    func testDiscreteStateChanges() {
        var psu = Sensor(definition: SensorDefinition(number: 9, name: "PSU", sensorType: 0x08,
                                                      kind: .discrete(eventReadingType: 0x6F, states: 0b1011), entityID: 0x0A))
        XCTAssertEqual(describe(psu.update(raw: 0b0001)), ["+0 r255 t255"], "presence detected")
        XCTAssertEqual(describe(psu.update(raw: 0b0011)), ["+1 r255 t255"], "failure")
        XCTAssertEqual(describe(psu.update(raw: 0b0111)), [], "state 2 is not one this sensor reports")
        XCTAssertEqual(describe(psu.update(raw: 0b0001)), ["-1 r255 t255"])
        XCTAssertEqual(psu.update(raw: 0)[0].eventDirectionAndType, 0xEF)
    }

    func testLinearizationRoundTrips() {
        let twelveVolt = Linearization(m: 6, rExponent: -2)
        XCTAssertEqual(twelveVolt.raw(12.0), 200)
        XCTAssertEqual(twelveVolt.realValue(200), 12.0, accuracy: 0.0001)
        XCTAssertEqual(twelveVolt.rawDelta(0.12), 2)
        XCTAssertEqual(Linearization(m: 100).raw(1e6), 255, "clamped")
    }
}

final class PETSequenceTests: XCTestCase {
    func testGrowsAcrossRestartsWithoutAnFsyncPerAlert() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pet-seq-\(UUID().uuidString)").path
        let store = try StateStore(directory: directory)
        let first = try PETSequence(store: store)
        XCTAssertEqual(try (0..<3).map { _ in try first.take() }, [0, 1, 2])
        let afterRestart = try PETSequence(store: StateStore(directory: directory))
        XCTAssertEqual(try afterRestart.take(), UInt16(PETSequence.blockSize), "the rest of the reserved block is skipped")
        XCTAssertEqual(try afterRestart.take(), UInt16(PETSequence.blockSize) + 1)
    }
}

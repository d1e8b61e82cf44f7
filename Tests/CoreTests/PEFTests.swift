import Foundation
import IPMICore
import NIOCore
import XCTest

/// Platform Event Filtering: filter matching, alert policies, parameters and persistence.
final class PEFTests: XCTestCase {
    var directory: String!

    override func setUp() {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("ipmigod-pef-\(UUID().uuidString)").path
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// An engine on a channel where only destination 1 is set up (policy 1 lists 1 to 4).
    func engine(_ configuration: PEFConfiguration = PEFConfiguration()) throws -> PEFEngine {
        let engine = try PEFEngine(configuration: configuration, store: StateStore(directory: directory))
        engine.destinationAvailable = { channel, selector in channel == 1 && selector == 1 }
        return engine
    }

    /// A threshold assertion of sensor 7: offset, reading, threshold.
    func threshold(_ offset: UInt8, deassertion: Bool = false) -> PlatformEvent {
        PlatformEvent(sensorType: 0x01, sensorNumber: 7, isDeassertion: deassertion, eventReadingType: 0x01,
                      eventData1: 0x50 | offset, eventData2: 95, eventData3: 90)
    }

    // MARK: Default filters

    func testDefaultFiltersAlertOnCriticalAndNonRecoverableThresholds() throws {
        let pef = try engine()
        for (offset, severity) in [(UInt8(9), UInt8(0x10)), (2, 0x10), (3, 0x10), (8, 0x10), (11, 0x20), (4, 0x20)] {
            let alerts = pef.evaluate(threshold(offset), recordID: 0x10)
            XCTAssertEqual(alerts.count, 1, "offset \(offset)")
            XCTAssertEqual(alerts.first?.destinationSelector, 1)
            XCTAssertEqual(alerts.first?.channel, 1)
            XCTAssertEqual(alerts.first?.severity, severity, "offset \(offset)")
            XCTAssertEqual(alerts.first?.recordID, 0x10)
        }
        XCTAssertEqual(pef.lastBMCProcessedID, 0x10)
    }

    func testNonCriticalThresholdsDoNotAlertAndDeassertionsAlertAsOK() throws {
        let pef = try engine()
        XCTAssertEqual(pef.evaluate(threshold(7), recordID: 1), [], "upper non-critical going high")
        XCTAssertEqual(pef.evaluate(threshold(0), recordID: 2), [], "lower non-critical going low")
        XCTAssertEqual(pef.evaluate(threshold(9, deassertion: true), recordID: 3).map(\.severity), [0x04],
                       "a critical condition clearing: severity OK")
        XCTAssertEqual(pef.evaluate(threshold(7, deassertion: true), recordID: 4), [])
        XCTAssertEqual(pef.lastBMCProcessedID, 4, "processed even without an alert")
    }

    func testPowerSupplyFailureAndFanAbsenceAlert() throws {
        let pef = try engine()
        let failure = PlatformEvent(sensorType: 0x08, sensorNumber: 40, isDeassertion: false, eventReadingType: 0x6F,
                                    eventData1: 0x01)
        XCTAssertEqual(pef.evaluate(failure, recordID: 1).map(\.severity), [0x10])
        let presence = PlatformEvent(sensorType: 0x08, sensorNumber: 40, isDeassertion: false, eventReadingType: 0x6F,
                                     eventData1: 0x00)
        XCTAssertEqual(pef.evaluate(presence, recordID: 2), [], "presence detected is not a failure")
        let fanGone = PlatformEvent(sensorType: 0x04, sensorNumber: 50, isDeassertion: false, eventReadingType: 0x08,
                                    eventData1: 0x00)
        XCTAssertEqual(pef.evaluate(fanGone, recordID: 3).count, 1)
        let fanBack = PlatformEvent(sensorType: 0x04, sensorNumber: 50, isDeassertion: false, eventReadingType: 0x08,
                                    eventData1: 0x01)
        XCTAssertEqual(pef.evaluate(fanBack, recordID: 4), [])
    }

    func testDisabledPEFDoesNothing() throws {
        var configuration = PEFConfiguration()
        configuration.enabled = false
        XCTAssertEqual(try engine(configuration).evaluate(threshold(9), recordID: 1), [])
    }

    // MARK: Matching

    func testFieldsAndEventDataMasks() {
        var bytes = EventFilter(actions: .alert, severity: .critical, generatorID: 0x0020, sensorType: 0x01,
                                sensorNumber: 7, eventTrigger: 0x01, offsetMask: 1 << 9).bytes
        let filter = EventFilter(bytes: bytes)
        XCTAssertTrue(filter.matches(threshold(9)))
        XCTAssertFalse(filter.matches(threshold(11)), "offset not in the mask")
        var other = threshold(9)
        other.sensorNumber = 8
        XCTAssertFalse(filter.matches(other), "sensor number")
        other = threshold(9)
        other.generatorID = 0x0041
        XCTAssertFalse(filter.matches(other), "generator")

        // Event data 2 (the reading) exactly 95: AND mask FF, all bits exact.
        bytes[14] = 0xFF
        bytes[15] = 0xFF
        bytes[16] = 95
        XCTAssertTrue(EventFilter(bytes: bytes).matches(threshold(9)))
        bytes[16] = 96
        XCTAssertFalse(EventFilter(bytes: bytes).matches(threshold(9)))

        // Event data 3 (the threshold): bit 7 must be 0 exactly; of bits 0..1, at least one
        // must equal Compare 2 (90 = 0b0101_1010: bit 1 is 1, bit 0 is 0).
        bytes[16] = 95
        bytes[17] = 0x83
        bytes[18] = 0x80
        bytes[19] = 0x03
        XCTAssertTrue(EventFilter(bytes: bytes).matches(threshold(9)), "bit 1 agrees")
        bytes[19] = 0x01
        XCTAssertFalse(EventFilter(bytes: bytes).matches(threshold(9)), "neither or-bit agrees")
        bytes[19] = 0x82
        XCTAssertFalse(EventFilter(bytes: bytes).matches(threshold(9)), "exact bit 7 differs")
    }

    // MARK: Actions and policies

    func testPowerActionTakesTheHighestPriorityAndGoesToTheHook() throws {
        var configuration = PEFConfiguration()
        configuration.extraFilters = [
            EventFilter(actions: [.reset], severity: .critical, sensorType: 0x01, eventTrigger: 0x01, offsetMask: 1 << 11),
            EventFilter(actions: [.powerOff, .diagnosticInterrupt], severity: .critical, sensorType: 0x01,
                        eventTrigger: 0x01, offsetMask: 1 << 11),
        ]
        let pef = try engine(configuration)
        var seen: [PEFPowerAction] = []
        pef.onPowerAction = { action, _ in seen.append(action) }
        XCTAssertEqual(pef.evaluate(threshold(11), recordID: 1).map(\.severity), [0x20], "one alert for policy 1")
        XCTAssertEqual(seen, [.powerOff])
        // Action global control without power off: reset is the highest left... diagnostic interrupt below it.
        try pef.setParameter(2, data: [0x25])
        _ = pef.evaluate(threshold(11), recordID: 2)
        XCTAssertEqual(seen, [.powerOff, .reset])
    }

    func testPolicyRules() throws {
        let pef = try engine()
        // Policy 1: dest 1 always, dest 2 only if dest 1 failed, dest 3 stop-if-success, dest 4 always.
        try pef.setParameter(9, data: [1, 0x18, 0x11, 0x00])
        try pef.setParameter(9, data: [2, 0x19, 0x12, 0x00])
        try pef.setParameter(9, data: [3, 0x1A, 0x13, 0x00])
        try pef.setParameter(9, data: [4, 0x18, 0x14, 0x00])
        var unavailable: Set<UInt8> = []
        pef.destinationAvailable = { _, selector in !unavailable.contains(selector) }
        XCTAssertEqual(pef.evaluate(threshold(9), recordID: 1).map(\.destinationSelector), [1])
        unavailable = [1]
        XCTAssertEqual(pef.evaluate(threshold(9), recordID: 2).map(\.destinationSelector), [2])
        unavailable = [1, 2]
        XCTAssertEqual(pef.evaluate(threshold(9), recordID: 3).map(\.destinationSelector), [3, 4],
                       "entry 3 stops only after a success before it; entry 4 always sends")
        unavailable = [1, 2, 3]
        XCTAssertEqual(pef.evaluate(threshold(9), recordID: 4).map(\.destinationSelector), [4])
        // Rule 3: after a success, skip to the next entry on another channel.
        unavailable = []
        try pef.setParameter(9, data: [2, 0x1B, 0x12, 0x00])
        try pef.setParameter(9, data: [3, 0x18, 0x13, 0x00])
        try pef.setParameter(9, data: [4, 0x18, 0x24, 0x00])
        XCTAssertEqual(pef.evaluate(threshold(9), recordID: 5).map { [$0.channel, $0.destinationSelector] },
                       [[1, 1], [2, 4]])
    }

    func testEventSpecificAlertString() throws {
        let pef = try engine()
        try pef.setParameter(13, data: [2, 1] + Array("PSU failed".utf8))
        try pef.setParameter(12, data: [2, 3, 5]) // string 2: filter 3, string set 5
        try pef.setParameter(9, data: [1, 0x18, 0x11, 0x85])
        let failure = PlatformEvent(sensorType: 0x08, sensorNumber: 40, isDeassertion: false, eventReadingType: 0x6F,
                                    eventData1: 0x01)
        let alert = try XCTUnwrap(pef.evaluate(failure, recordID: 1).first)
        XCTAssertEqual(alert.alertStringKey, 2)
        XCTAssertEqual(alert.alertString, Array("PSU failed".utf8))
    }

    func testPostponeTimerHoldsEventsUntilItRunsOut() throws {
        let pef = try engine()
        var now = NIODeadline.uptimeNanoseconds(5_000_000_000_000)
        pef.clock = { now }
        pef.startedAt = now
        XCTAssertEqual(pef.armPostponeTimer(10), 10)
        XCTAssertEqual(pef.evaluate(threshold(9), recordID: 1), [])
        now = now + .seconds(4)
        XCTAssertEqual(pef.armPostponeTimer(0xFF), 6)
        XCTAssertEqual(pef.releaseDeferred(), [])
        now = now + .seconds(7)
        XCTAssertEqual(pef.releaseDeferred().map(\.recordID), [1])
        XCTAssertEqual(pef.armPostponeTimer(0xFE), 0xFE)
        XCTAssertEqual(pef.evaluate(threshold(9), recordID: 2), [])
        XCTAssertEqual(pef.armPostponeTimer(0), 0)
        XCTAssertEqual(pef.evaluate(threshold(9), recordID: 3).map(\.recordID), [2, 3])
    }

    func testAlertStartupDelayDefersAlerts() throws {
        var configuration = PEFConfiguration()
        configuration.alertStartupDelay = 30
        let pef = try engine(configuration)
        var now = NIODeadline.uptimeNanoseconds(5_000_000_000_000)
        pef.clock = { now }
        pef.startedAt = now
        XCTAssertEqual(pef.evaluate(threshold(9), recordID: 1), [])
        XCTAssertEqual(pef.lastBMCProcessedID, 1, "evaluated, only the alert waits")
        now = now + .seconds(31)
        XCTAssertEqual(pef.releaseDeferred().map(\.recordID), [1])
    }

    // MARK: Parameters

    func testParameterRoundTripsAndErrors() throws {
        let pef = try engine()
        XCTAssertEqual(try pef.parameter(5, set: 0, block: 0), [16])
        XCTAssertEqual(try pef.parameter(8, set: 0, block: 0), [8])
        XCTAssertEqual(try pef.parameter(1, set: 0, block: 0), [0x03])
        XCTAssertEqual(try pef.parameter(9, set: 1, block: 0), [1, 0x18, 0x11, 0x00])
        let filter: [UInt8] = [0x80, 0x01, 0x02, 0x08, 0x20, 0x00, 0x02, 0x05, 0x01, 0x80, 0x00] + [UInt8](repeating: 0, count: 9)
        try pef.setParameter(6, data: [6] + filter)
        XCTAssertEqual(try pef.parameter(6, set: 6, block: 0), [6] + filter)
        try pef.setParameter(7, data: [6, 0x00])
        XCTAssertEqual(try pef.parameter(7, set: 6, block: 0), [6, 0x00])
        XCTAssertEqual(try pef.parameter(6, set: 6, block: 0)[2...], filter[1...], "only the configuration byte changed")
        try pef.setParameter(10, data: [1] + Array(1...16))
        XCTAssertEqual(try pef.parameter(10, set: 0, block: 0), [1] + Array(1...16))
        try pef.setParameter(3, data: [7])
        XCTAssertEqual(try pef.parameter(3, set: 0, block: 0), [7])

        XCTAssertThrowsError(try pef.parameter(14, set: 0, block: 0)) { XCTAssertEqual($0 as? CompletionCode, CompletionCode(0x80)) }
        XCTAssertThrowsError(try pef.setParameter(5, data: [3])) { XCTAssertEqual($0 as? CompletionCode, CompletionCode(0x82)) }
        XCTAssertThrowsError(try pef.setParameter(6, data: [17] + filter)) { XCTAssertEqual($0 as? CompletionCode, .parameterOutOfRange) }
        XCTAssertThrowsError(try pef.setParameter(6, data: [1] + filter.dropLast())) {
            XCTAssertEqual($0 as? CompletionCode, .requestDataLengthInvalid)
        }
        try pef.setParameter(0, data: [1])
        XCTAssertThrowsError(try pef.setParameter(0, data: [1])) { XCTAssertEqual($0 as? CompletionCode, CompletionCode(0x81)) }
        try pef.setParameter(0, data: [0])
    }

    func testTablesPersistAcrossANewEngine() throws {
        let first = try engine()
        try first.setParameter(7, data: [1, 0x40]) // filter 1 disabled
        try first.setParameter(9, data: [2, 0x1C, 0x13, 0x00])
        try first.setParameter(13, data: [1, 1] + Array("hello".utf8))
        try first.setParameter(4, data: [9])
        var configuration = PEFConfiguration()
        configuration.enabled = false // the config only seeds; the saved tables win
        let second = try engine(configuration)
        XCTAssertEqual(second.tables, first.tables)
        XCTAssertEqual(try second.parameter(7, set: 1, block: 0), [1, 0x40])
        XCTAssertEqual(try second.parameter(13, set: 1, block: 1), [1, 1] + Array("hello".utf8) + [UInt8](repeating: 0, count: 11))
        XCTAssertEqual(second.evaluate(threshold(9), recordID: 1), [], "filter 1 stays disabled")
        XCTAssertEqual(second.evaluate(threshold(11), recordID: 2).count, 1)
    }

    // MARK: Commands

    func testCommandsOverTheWire() throws {
        let bmc = try TestBMC()
        var console = try bmc.openSession()
        let capabilities = try bmc.call(&console, .sensorEvent, 0x10)
        XCTAssertEqual(Array(capabilities.data.readableBytesView), [0x51, 0x2F, 16])
        let guid = try bmc.call(&console, .sensorEvent, 0x13, [0x8A, 0, 0])
        XCTAssertEqual(Array(guid.data.readableBytesView), [0x11], "revision only")
        XCTAssertEqual(try bmc.call(&console, .sensorEvent, 0x14, [0x00, 0x34, 0x12]).completionCode, .ok)
        let last = try bmc.call(&console, .sensorEvent, 0x15)
        XCTAssertEqual(Array(last.data.readableBytesView.suffix(6)), [0xFF, 0xFF, 0x34, 0x12, 0xFF, 0xFF])

        var immediate: [AlertImmediateRequest] = []
        bmc.bmc.pef.onAlertImmediate = { immediate.append($0) }
        XCTAssertEqual(try bmc.call(&console, .sensorEvent, 0x16, [0x01, 0x02, 0x00]).completionCode, .ok)
        XCTAssertEqual(immediate.map(\.destinationSelector), [2])
        XCTAssertEqual(try bmc.call(&console, .sensorEvent, 0x16, [0x01, 0x02, 0x00]).completionCode, CompletionCode(0x81))
        let status = try bmc.call(&console, .sensorEvent, 0x16, [0x01, 0x42, 0x00])
        XCTAssertEqual(Array(status.data.readableBytesView), [0xFF])
    }

    func testPETAcknowledgeOutsideASession() throws {
        let bmc = try TestBMC()
        var acknowledged: [PETAcknowledgement] = []
        var sources: [[UInt8]?] = []
        var accept = true
        bmc.bmc.pef.onPETAcknowledge = { acknowledgement, source in
            acknowledged.append(acknowledgement)
            sources.append(source)
            return accept
        }
        let request: [UInt8] = [0x07, 0x00, 0x78, 0x56, 0x34, 0x12, 0x20, 0x20, 0x07, 0x59, 0x5F, 0x5A]
        let answer = try RMCPPlusConsole.sessionlessResponse(
            try XCTUnwrapAnswer(bmc.send(RMCPPlusConsole.sessionless(.sensorEvent, 0x17, request))))
        XCTAssertEqual(answer.completionCode, .ok)
        XCTAssertEqual(acknowledged, [PETAcknowledgement(sequenceNumber: 7, timestamp: 0x1234_5678, eventSourceType: 0x20,
                                                         sensorDevice: 0x20, sensorNumber: 7, eventData: [0x59, 0x5F, 0x5A])])
        XCTAssertEqual(sources, [[127, 0, 0, 1]], "checked against the address it came from")
        XCTAssertEqual(bmc.bmc.pef.lastPETAcknowledgement?.sequenceNumber, 7)

        // One the sender refuses (another address, or not every field its PET's): 0xCC.
        accept = false
        let refused = try RMCPPlusConsole.sessionlessResponse(
            try XCTUnwrapAnswer(bmc.send(RMCPPlusConsole.sessionless(.sensorEvent, 0x17, [0x08] + request.dropFirst()))))
        XCTAssertEqual(refused.completionCode, .invalidDataField)
        XCTAssertEqual(bmc.bmc.pef.lastPETAcknowledgement?.sequenceNumber, 7, "a refused one is not recorded")
        XCTAssertEqual(bmc.bmc.drops.counts["PET Acknowledge refused"], 1)
        let setParameter = try RMCPPlusConsole.sessionlessResponse(
            try XCTUnwrapAnswer(bmc.send(RMCPPlusConsole.sessionless(.sensorEvent, 0x12, [0x01, 0x00]))))
        XCTAssertEqual(setParameter.completionCode, .insufficientPrivilege, "nothing else PEF outside a session")
    }
}

/// The sensor pipeline's own events: SEL, PEF, and the alerts handed to the alert sink.
final class PEFPipelineTests: XCTestCase {
    final class PEFSink: AlertSink {
        var alerts: [AlertRequest] = []
        func send(_ alerts: [AlertRequest]) {
            self.alerts += alerts
        }
    }

    func testThresholdCrossingsFromASensorRaiseAlertsOnlyWhenCritical() throws {
        var settings = SensorSettings()
        settings.thresholds[.upperNonCritical] = 80
        settings.thresholds[.upperCritical] = 90
        settings.assertionEnables = 0x0280 // upper non-critical and critical going high
        settings.deassertionEnables = 0x0280
        let sensor = SensorDefinition(number: 7, name: "Temp", sensorType: 0x01, kind: .threshold, entityID: 0x07,
                                      unit: 1, initialSettings: settings)
        let bmc = try TestBMC(sensors: [sensor])
        let sink = PEFSink()
        bmc.bmc.alertSink = sink
        bmc.bmc.record([SensorSample(sensor: 0, value: 85)])
        XCTAssertEqual(sink.alerts, [], "non-critical")
        bmc.bmc.record([SensorSample(sensor: 0, value: 95)])
        XCTAssertEqual(sink.alerts.map(\.severity), [0x10])
        XCTAssertEqual(sink.alerts.first?.event.offset, 9)
        XCTAssertEqual(bmc.bmc.pef.lastBMCProcessedID, sink.alerts.first?.recordID)
        bmc.bmc.record([SensorSample(sensor: 0, value: 20)])
        XCTAssertEqual(sink.alerts.map(\.severity), [0x10, 0x04], "the critical deassertion alerts as OK; the non-critical one does not")
    }
}

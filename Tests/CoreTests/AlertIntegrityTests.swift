import Foundation
import IPMIAlerting
import IPMICore
import Logging
import NIOCore
import XCTest

/// What an alert carries and who may acknowledge it: the event's own time and identity,
/// captured at the event; a PET Acknowledge that names every field of the PET; and an
/// SNMPv3 engine of the install's own whose boot count grows at every start.
final class AlertIntegrityTests: XCTestCase {
    final class Sink: AlertSink {
        var alerts: [AlertRequest] = []
        func send(_ alerts: [AlertRequest]) { self.alerts += alerts }
    }

    private var folder = ""

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("ipmigod-alerts-\(UUID().uuidString)").path
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// An alert held back by PEF's alert startup delay goes out with the time of its event,
    /// not the time it is released, and the PET says so.
    func testAlertDelayedByTheStartupDelayCarriesTheEventTime() throws {
        var settings = SensorSettings()
        settings.thresholds[.upperCritical] = 90
        settings.assertionEnables = 0x0200
        let sensor = SensorDefinition(number: 7, name: "ASIC Temp", sensorType: 0x01, kind: .threshold, entityID: 0x07,
                                      unit: 1, initialSettings: settings)
        var configuration = TestBMC.configuration(stateDirectory: folder, sensors: [sensor])
        configuration.pef.alertStartupDelay = 30
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let bmc = try BMC(configuration: configuration, logger: logger)
        let sink = Sink()
        bmc.alertSink = sink
        var now = bmc.pef.startedAt
        bmc.pef.clock = { now }

        let eventTime: UInt32 = 1_700_000_000
        try bmc.sel.setTime(eventTime)
        bmc.record([SensorSample(sensor: 0, value: 95)])
        XCTAssertEqual(sink.alerts, [], "held by the alert startup delay")

        // Half an hour on the SEL clock later, the delay is over and the alert goes out.
        try bmc.sel.setTime(eventTime + 1800)
        now = now + .seconds(31)
        bmc.tick(now: now)
        let alert = try XCTUnwrap(sink.alerts.first)
        XCTAssertTrue((eventTime...eventTime + 1).contains(alert.context.timestamp), "\(alert.context.timestamp)")
        XCTAssertEqual(alert.context.entityID, 0x07)
        XCTAssertEqual(alert.context.guid, configuration.device.systemGUID)
        XCTAssertEqual(alert.context.destination(selector: 1)?.address, [127, 0, 0, 2], "the destination as it was")

        let trap = PETEncoder(systemGUID: alert.context.guid, manufacturerID: alert.context.manufacturerID,
                              systemID: alert.context.systemID)
            .encode(alert.event, sequenceNumber: 1, selTimestamp: alert.context.timestamp, severity: alert.severity,
                    entityID: alert.context.entityID, entityInstance: alert.context.entityInstance)
        XCTAssertEqual(trap.timestamp, PETTimestamp.fromSEL(alert.context.timestamp))
        XCTAssertLessThan(trap.timestamp, PETTimestamp.fromSEL(eventTime + 1800), "not the time it was sent")
    }

    func testPETAcknowledgeMustNameEveryFieldOfThePET() {
        let event = PlatformEvent(sensorType: 0x01, sensorNumber: 0x07, isDeassertion: false, eventReadingType: 0x01,
                                  eventData1: 0x59, eventData2: 95, eventData3: 90)
        let trap = PETEncoder(systemGUID: Array(1...16), manufacturerID: 4413, systemID: 0x5E32)
            .encode(event, sequenceNumber: 0x1234, selTimestamp: 1_700_000_000, severity: 0x10)
        let genuine = PETAcknowledgement(sequenceNumber: 0x1234, timestamp: trap.timestamp, eventSourceType: 0x20,
                                         sensorDevice: 0x20, sensorNumber: 0x07, eventData: [0x59, 95, 90])
        XCTAssertTrue(trap.isAcknowledged(by: genuine))
        var spoofed = genuine
        spoofed.timestamp = 0
        spoofed.eventSourceType = 0
        spoofed.sensorDevice = 0
        spoofed.sensorNumber = 0
        spoofed.eventData = [0, 0, 0]
        XCTAssertFalse(trap.isAcknowledged(by: spoofed), "the sequence number alone")
        for change in [{ (a: inout PETAcknowledgement) in a.timestamp += 1 }, { $0.eventSourceType = 0x21 },
                       { $0.sensorDevice = 0x22 }, { $0.sensorNumber = 0x08 }, { $0.eventData[2] = 91 },
                       { $0.sequenceNumber = 0x1235 }] {
            var acknowledgement = genuine
            change(&acknowledgement)
            XCTAssertFalse(trap.isAcknowledged(by: acknowledgement), "\(acknowledgement)")
        }
    }

    func testSNMPEngineIsTheInstallsAndCountsEveryStart() throws {
        let guid = Array(UInt8(1)...16)
        XCTAssertEqual(SNMPEngine.engineID(systemGUID: guid, enterprise: 4413), [0x80, 0x00, 0x11, 0x3D, 0x05] + guid)
        XCTAssertNotEqual(SNMPEngine.engineID(systemGUID: guid, enterprise: 4413),
                          SNMPEngine.engineID(systemGUID: Array(guid.reversed()), enterprise: 4413), "one per install")
        let store = try StateStore(directory: folder)
        XCTAssertEqual(try SNMPEngine.start(store: store, systemGUID: guid, enterprise: 4413).boots, 1)
        XCTAssertEqual(try SNMPEngine.start(store: store, systemGUID: guid, enterprise: 4413).boots, 2)
        let third = try SNMPEngine.start(store: StateStore(directory: folder), systemGUID: guid, enterprise: 0)
        XCTAssertEqual(third.boots, 3, "saved before it was returned")
        XCTAssertEqual(Array(third.id.prefix(5)), [0x80, 0x00, 0x0C, 0x6F, 0x05], "enterprise 3183 without a manufacturer")
    }
}

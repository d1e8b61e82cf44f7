import Foundation
import IPMIAlerting
import IPMICore
import Logging
import XCTest

/// The host's one PET sender routes by (member, destination): each member's traps leave from
/// its own address with its own agent address, and its queue, counters, retries and PET
/// Acknowledges are its own, even when two members alert the same receiver with the same PET.
final class SenderRoutingTests: XCTestCase {
    private static let guid: [UInt8] = [0x5E, 0xC7, 0xA1, 0xE0, 0x1D, 0x2B, 0x4C, 0x3D, 0x9E, 0x4F, 0x01, 0x23, 0x45, 0x67, 0x89, 0xAB]
    private var folder = ""
    private var sender: PETSender?

    override func setUp() {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("ipmigod-route-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDown() {
        sender?.stop()
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// Two members, 127.1.0.1 and 127.1.0.2, each with an engine of its own.
    private func makeSender() -> PETSender {
        var logger = Logger(label: "route-test")
        logger.logLevel = .critical
        var configuration = PETSender.Configuration(agentAddress: [127, 1, 0, 1], stateDirectory: folder + "/snmp")
        configuration.members = (1...2).map { k in
            PETSender.Source(agentAddress: [127, 1, 0, UInt8(k)],
                             engine: SNMPEngine(id: PETSender.defaultEngineID + [UInt8(k)], boots: 1),
                             clientAddress: "127.1.0.\(k)")
        }
        let sender = PETSender(configuration: configuration, logger: logger)
        self.sender = sender
        return sender
    }

    private func upperCritical(sequence: UInt16) -> PlatformEventTrap {
        let event = PlatformEvent(sensorType: 0x01, sensorNumber: 0x01, isDeassertion: false, eventReadingType: 0x01,
                                  eventData1: 0x59, eventData2: 95, eventData3: 90)
        return PETEncoder(systemGUID: Self.guid, manufacturerID: 4413, systemID: 0x5E32)
            .encode(event, sequenceNumber: sequence, selTimestamp: UInt32(Date().timeIntervalSince1970),
                    severity: PETSeverity.critical.rawValue)
    }

    private func destination(port: Int, acknowledged: Bool = false) -> AlertDestination {
        AlertDestination(selector: 1, address: [127, 0, 0, 2], port: UInt16(port), version: .v1, community: "public",
                         isAcknowledged: acknowledged, ackTimeout: 1, retries: 7)
    }

    func testEachMemberSendsFromItsOwnAddressWithItsOwnCounters() throws {
        let receiver = try TrapReceiver(folder: folder)
        defer { receiver.stop() }
        let sender = makeSender()
        sender.send(upperCritical(sequence: 1), to: destination(port: receiver.port), member: 0)
        sender.send(upperCritical(sequence: 2), to: destination(port: receiver.port), member: 1)
        sender.send(upperCritical(sequence: 3), to: destination(port: receiver.port), member: 1)
        XCTAssertTrue(waitUntil(5) { receiver.traps.count == 3 }, receiver.output)
        let traps = receiver.traps
        XCTAssertEqual(traps.filter { $0.agent == "127.1.0.1" }.map { $0.payload[17] }, [1])
        XCTAssertEqual(traps.filter { $0.agent == "127.1.0.2" }.map { $0.payload[17] }, [2, 3], "member 1's, in order")
        for trap in traps {
            XCTAssertTrue(trap.from.hasPrefix("UDP: [\(trap.agent)]:"), "sent from the member's own address: \(trap.from)")
        }
        XCTAssertEqual(sender.counters(for: 1, member: 0).sent, 1)
        XCTAssertEqual(sender.counters(for: 1, member: 1).sent, 2)
        XCTAssertEqual(sender.engine(member: 1).id, PETSender.defaultEngineID + [2])
    }

    /// The same PET, acknowledged, from two members to one receiver: acknowledging it to
    /// member 0 stops member 0's retries only.
    func testAPETAcknowledgeStopsOnlyTheMemberItWasSentTo() throws {
        let receiver = try TrapReceiver(folder: folder)
        defer { receiver.stop() }
        let sender = makeSender()
        let trap = upperCritical(sequence: 0xBEEF)
        sender.send(trap, to: destination(port: receiver.port, acknowledged: true), member: 0)
        sender.send(trap, to: destination(port: receiver.port, acknowledged: true), member: 1)
        XCTAssertTrue(waitUntil(4) { receiver.traps.count >= 4 }, receiver.output)
        let acknowledgement = PETAcknowledgement(sequenceNumber: 0xBEEF, timestamp: trap.timestamp, eventSourceType: 0x20,
                                                 sensorDevice: 0x20, sensorNumber: 0x01, eventData: [0x59, 95, 90])
        XCTAssertTrue(sender.acknowledge(acknowledgement, from: [127, 0, 0, 2], member: 0))
        XCTAssertTrue(waitUntil(2) { sender.counters(for: 1, member: 0).acknowledged == 1 })
        let fromMember0 = receiver.traps.filter { $0.agent == "127.1.0.1" }.count
        let fromMember1 = receiver.traps.filter { $0.agent == "127.1.0.2" }.count
        sleep(2)
        XCTAssertEqual(receiver.traps.filter { $0.agent == "127.1.0.1" }.count, fromMember0, "member 0 stopped")
        XCTAssertGreaterThan(receiver.traps.filter { $0.agent == "127.1.0.2" }.count, fromMember1, "member 1 still retries")
        XCTAssertEqual(sender.counters(for: 1, member: 1).acknowledged, 0)
    }
}

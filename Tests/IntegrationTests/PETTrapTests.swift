import Foundation
import IPMIAlerting
import IPMICore
import Logging
import XCTest

/// PETs through the real sender to the real net-snmp snmptrapd, decoded by freeipmi's ipmi-pet.
final class PETTrapTests: XCTestCase {
    private static let guid: [UInt8] = [0x5E, 0xC7, 0xA1, 0xE0, 0x1D, 0x2B, 0x4C, 0x3D, 0x9E, 0x4F, 0x01, 0x23, 0x45, 0x67, 0x89, 0xAB]
    private static let agentAddress: [UInt8] = [127, 0, 0, 9]
    private static let cpuTemp = "sensors:\n  - { name: CPU Temp, type: temperature, thresholds: { uc: 90 }, source: { simulated: { waveform: constant, value: 42 } } }\n"

    private var folder = ""
    private var sender: PETSender?

    override func setUp() {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("ipmigod-pet-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDown() {
        sender?.stop()
        try? FileManager.default.removeItem(atPath: folder)
    }

    private func makeSender() -> PETSender {
        var logger = Logger(label: "pet-test")
        logger.logLevel = .critical
        let sender = PETSender(configuration: .init(agentAddress: Self.agentAddress, stateDirectory: folder + "/snmp"), logger: logger)
        self.sender = sender
        return sender
    }

    /// Temperature sensor 1, upper critical going high, reading 95 against 90.
    private func upperCritical(sequence: UInt16) -> PlatformEventTrap {
        let event = PlatformEvent(sensorType: 0x01, sensorNumber: 0x01, isDeassertion: false, eventReadingType: 0x01,
                                  eventData1: 0x59, eventData2: 95, eventData3: 90)
        return PETEncoder(systemGUID: Self.guid, manufacturerID: 4413, systemID: 0x5E32)
            .encode(event, sequenceNumber: sequence, selTimestamp: UInt32(Date().timeIntervalSince1970),
                    severity: PETSeverity.critical.rawValue)
    }

    private func destination(_ selector: UInt8, port: Int, version: AlertDestination.SNMPVersion, acknowledged: Bool = false,
                             ackTimeout: UInt8 = 1, retries: UInt8 = 2) -> AlertDestination {
        AlertDestination(selector: selector, address: [127, 0, 0, 2], port: UInt16(port), version: version, community: "public",
                         isAcknowledged: acknowledged, ackTimeout: ackTimeout, retries: retries)
    }


    func testV1TrapReachesSnmptrapdAndDecodes() throws {
        let receiver = try TrapReceiver(folder: folder)
        defer { receiver.stop() }
        let sender = makeSender()
        let trap = upperCritical(sequence: 0x0101)
        sender.send(trap, to: destination(1, port: receiver.port, version: .v1))
        XCTAssertTrue(waitUntil(5) { receiver.traps.count == 1 }, receiver.output)
        usleep(300_000)
        let traps = receiver.traps
        XCTAssertEqual(traps.count, 1, receiver.output)
        let received = try XCTUnwrap(traps.first)
        XCTAssertEqual(received.pdu, "TRAP, SNMP v1, community public")
        XCTAssertEqual(received.enterprise, ".1.3.6.1.4.1.3183.1.1")
        XCTAssertEqual(received.generic, "6")
        XCTAssertEqual(received.specific, "65801")
        XCTAssertEqual(received.agent, "127.0.0.9")
        XCTAssertEqual(received.payload, trap.payload)
        XCTAssertEqual(sender.counters(for: 1), counters(sent: 1))
        try assertDecodes(specific: received.specific, payload: received.payload)
    }

    func testV2cTrapIsInRFC3584Form() throws {
        let receiver = try TrapReceiver(folder: folder)
        defer { receiver.stop() }
        let sender = makeSender()
        let trap = upperCritical(sequence: 7)
        sender.send(trap, to: destination(2, port: receiver.port, version: .v2c))
        XCTAssertTrue(waitUntil(5) { receiver.traps.count == 1 }, receiver.output)
        usleep(300_000)
        XCTAssertEqual(receiver.traps.count, 1, receiver.output)
        let received = try XCTUnwrap(receiver.traps.first)
        XCTAssertEqual(received.pdu, "TRAP2, SNMP v2c, community public")
        XCTAssertEqual(received.trapOID, ".1.3.6.1.4.1.3183.1.1.0.65801")
        XCTAssertEqual(received.trapEnterprise, ".1.3.6.1.4.1.3183.1.1")
        XCTAssertEqual(received.payload, trap.payload)
        XCTAssertEqual(sender.counters(for: 2), counters(sent: 1))
    }

    func testV2cInformIsAcknowledgedBySnmptrapd() throws {
        let receiver = try TrapReceiver(folder: folder)
        defer { receiver.stop() }
        let sender = makeSender()
        let trap = upperCritical(sequence: 0x1234)
        sender.send(trap, to: destination(3, port: receiver.port, version: .v2c, acknowledged: true, ackTimeout: 2))
        XCTAssertTrue(waitUntil(5) { sender.counters(for: 3).acknowledged == 1 }, "\(sender.counters(for: 3))\n\(receiver.output)")
        XCTAssertEqual(sender.counters(for: 3), counters(sent: 1, acknowledged: 1))
        let received = try XCTUnwrap(receiver.traps.first)
        XCTAssertEqual(received.pdu, "INFORM, SNMP v2c, community public")
        XCTAssertEqual(received.payload, trap.payload)
        // Acknowledged: no retransmission follows.
        sleep(3)
        XCTAssertEqual(receiver.traps.count, 1, receiver.output)
        XCTAssertEqual(sender.counters(for: 3), counters(sent: 1, acknowledged: 1))
    }

    /// Nobody listens: the INFORM goes out 1 + retries times, ackTimeout apart, with the same
    /// PET sequence number, then counts as failed.
    func testInformRetriesThenFailsWhenReceiverIsDown() throws {
        let sender = makeSender()
        let started = Date()
        sender.send(upperCritical(sequence: 42), to: destination(4, port: UDPSocket.freePort(), version: .v2c, acknowledged: true,
                                                                 ackTimeout: 1, retries: 2))
        XCTAssertTrue(waitUntil(2) { sender.counters(for: 4).sent == 1 })
        XCTAssertEqual(sender.counters(for: 4).retried, 0)
        XCTAssertTrue(waitUntil(6) { sender.counters(for: 4).failed == 1 }, "\(sender.counters(for: 4))")
        let elapsed = Date().timeIntervalSince(started)
        XCTAssertEqual(sender.counters(for: 4), counters(sent: 1, retried: 2, failed: 1))
        // Sends at 0, 1, 2 s; given up at 3 s.
        XCTAssertGreaterThan(elapsed, 2.8)
        XCTAssertLessThan(elapsed, 4.5)
    }

    /// A receiver that comes back while an INFORM is being retried gets it once: the first retry
    /// it hears is answered, and the retries stop there.
    func testReceiverBackDuringRetriesGetsTheAlertOnce() throws {
        let sender = makeSender()
        let port = UDPSocket.freePort()
        let trap = upperCritical(sequence: 77)
        sender.send(trap, to: destination(8, port: port, version: .v2c, acknowledged: true, ackTimeout: 1, retries: 6))
        XCTAssertTrue(waitUntil(3) { sender.counters(for: 8).retried >= 1 }, "\(sender.counters(for: 8))")
        let receiver = try TrapReceiver(folder: folder, port: port)
        defer { receiver.stop() }
        XCTAssertTrue(waitUntil(4) { sender.counters(for: 8).acknowledged == 1 }, "\(sender.counters(for: 8))\n\(receiver.output)")
        sleep(3) // three more ack timeouts: nothing more may arrive
        XCTAssertEqual(receiver.traps.count, 1, receiver.output)
        XCTAssertEqual(receiver.traps.first?.payload, trap.payload, "the same PET, sequence number included")
        let counts = sender.counters(for: 8)
        XCTAssertEqual(counts.acknowledged, 1)
        XCTAssertEqual(counts.failed, 0)
        XCTAssertLessThan(counts.retried, 6)
    }

    /// An acknowledged SNMPv1 destination: the same trap (same sequence number) every
    /// ackTimeout until a PET Acknowledge from the destination's address names it, every
    /// field; one from elsewhere or with only the sequence number right is refused and counted.
    func testV1RetransmitsUntilPETAcknowledge() throws {
        let receiver = try TrapReceiver(folder: folder)
        defer { receiver.stop() }
        let sender = makeSender()
        let trap = upperCritical(sequence: 0xBEEF)
        sender.send(trap, to: destination(5, port: receiver.port, version: .v1, acknowledged: true, ackTimeout: 1, retries: 7))
        XCTAssertTrue(waitUntil(4) { receiver.traps.count >= 2 }, receiver.output)
        let genuine = PETAcknowledgement(sequenceNumber: 0xBEEF, timestamp: trap.timestamp, eventSourceType: 0x20,
                                         sensorDevice: 0x20, sensorNumber: 0x01, eventData: [0x59, 95, 90])
        XCTAssertFalse(sender.acknowledge(genuine, from: [127, 0, 0, 5]), "from another address")
        XCTAssertFalse(sender.acknowledge(PETAcknowledgement(sequenceNumber: 0xBEEF, timestamp: 0, eventSourceType: 0, sensorDevice: 0,
                                                             sensorNumber: 0, eventData: [0, 0, 0]), from: [127, 0, 0, 2]),
                       "the sequence number alone")
        XCTAssertEqual(sender.counters(for: 5).badAcknowledgements, 2)
        let beforeSpoofs = receiver.traps.count
        XCTAssertTrue(waitUntil(3) { receiver.traps.count > beforeSpoofs }, "still retried: \(receiver.output)")
        XCTAssertTrue(sender.acknowledge(genuine, from: [127, 0, 0, 2]))
        XCTAssertTrue(waitUntil(2) { sender.counters(for: 5).acknowledged == 1 })
        let count = receiver.traps.count
        sleep(2)
        XCTAssertEqual(receiver.traps.count, count, "no retransmission after the acknowledge")
        XCTAssertTrue(receiver.traps.allSatisfy { $0.payload == trap.payload }, "same payload, same sequence number")
        let counts = sender.counters(for: 5)
        XCTAssertEqual(counts.sent, 1)
        XCTAssertEqual(counts.retried, count - 1)
        XCTAssertEqual(counts.failed, 0)
    }

    /// A dead acknowledged destination does not hold up another one.
    func testDestinationsAreIndependent() throws {
        let receiver = try TrapReceiver(folder: folder)
        defer { receiver.stop() }
        let sender = makeSender()
        sender.send(upperCritical(sequence: 1), to: destination(6, port: UDPSocket.freePort(), version: .v2c, acknowledged: true,
                                                                ackTimeout: 5, retries: 7))
        for sequence in 2...4 { sender.send(upperCritical(sequence: UInt16(sequence)), to: destination(7, port: receiver.port, version: .v1)) }
        XCTAssertTrue(waitUntil(3) { receiver.traps.count == 3 }, receiver.output)
        XCTAssertEqual(receiver.traps.map { $0.payload[17] }, [2, 3, 4], "in order")
        XCTAssertEqual(sender.counters(for: 7), counters(sent: 3))
    }

    /// SNMPv3 authPriv (SHA, AES): a trap from our engine ID, and an INFORM that discovers
    /// snmptrapd's and is acknowledged.
    func testV3TrapAndInform() throws {
        let engine = PETSender.defaultEngineID.map { String(format: "%02X", $0) }.joined()
        let receiver = try TrapReceiver(folder: folder, extraConfig: """
            createUser -e 0x\(engine) pet-user SHA pet-auth-pass AES pet-priv-pass
            createUser pet-user SHA pet-auth-pass AES pet-priv-pass
            authUser log,execute,net pet-user priv

            """)
        defer { receiver.stop() }
        let sender = makeSender()
        var v3 = destination(8, port: receiver.port, version: .v3)
        v3.v3 = .init(user: "pet-user", authPassphrase: "pet-auth-pass", privPassphrase: "pet-priv-pass")
        let trap = upperCritical(sequence: 0x0300)
        sender.send(trap, to: v3)
        XCTAssertTrue(waitUntil(5) { receiver.traps.count == 1 }, receiver.output)
        var inform = v3
        inform.selector = 9
        inform.isAcknowledged = true
        sender.send(upperCritical(sequence: 0x0301), to: inform)
        XCTAssertTrue(waitUntil(5) { sender.counters(for: 9).acknowledged == 1 }, "\(sender.counters(for: 9))\n\(receiver.output)")
        let traps = receiver.traps
        XCTAssertEqual(traps.map(\.pdu), ["TRAP2, SNMP v3, user pet-user, context ", "INFORM, SNMP v3, user pet-user, context "], receiver.output)
        XCTAssertEqual(traps.first?.payload, trap.payload)
        XCTAssertEqual(traps.first?.trapOID, ".1.3.6.1.4.1.3183.1.1.0.65801")
        XCTAssertEqual(sender.counters(for: 8), counters(sent: 1))
        XCTAssertEqual(sender.counters(for: 9), counters(sent: 1, acknowledged: 1))
    }

    /// A v3 INFORM to a receiver that is down is retried like any acknowledged alert, and a
    /// receiver that comes back during the retries gets it (once); meanwhile the down
    /// destination holds up no other.
    func testV3InformToADownReceiverIsRetriedAndDeliveredWhenItComesBack() throws {
        let sender = makeSender()
        let port = UDPSocket.freePort()
        var inform = destination(10, port: port, version: .v3, acknowledged: true, ackTimeout: 1, retries: 6)
        inform.v3 = .init(user: "pet-user", authPassphrase: "pet-auth-pass", privPassphrase: "pet-priv-pass")
        let other = try TrapReceiver(folder: folder, address: "127.0.0.3")
        defer { other.stop() }
        let started = Date()
        sender.send(upperCritical(sequence: 0x0310), to: inform)
        var neighbour = destination(11, port: other.port, version: .v1)
        neighbour.address = [127, 0, 0, 3]
        sender.send(upperCritical(sequence: 0x0311), to: neighbour)
        XCTAssertTrue(waitUntil(3) { other.traps.count == 1 }, other.output)
        XCTAssertLessThan(Date().timeIntervalSince(started), 0.9, "a dead v3 destination does not hold up another")
        XCTAssertTrue(waitUntil(3) { sender.counters(for: 10).retried >= 1 }, "\(sender.counters(for: 10))")
        XCTAssertEqual(sender.counters(for: 10).failed, 0)

        let receiver = try TrapReceiver(folder: folder, port: port, extraConfig: """
            createUser pet-user SHA pet-auth-pass AES pet-priv-pass
            authUser log,execute,net pet-user priv

            """)
        defer { receiver.stop() }
        XCTAssertTrue(waitUntil(5) { sender.counters(for: 10).acknowledged == 1 }, "\(sender.counters(for: 10))\n\(receiver.output)")
        sleep(2)
        XCTAssertEqual(receiver.traps.count, 1, receiver.output)
        XCTAssertEqual(sender.counters(for: 10).failed, 0)
    }

    /// A v3 trap keyed with the wrong passphrase is refused by snmptrapd: nothing is logged.
    /// (Destinations that share a user name but not its passphrases: SNMPv3KeyTests.)
    func testV3TrapWithAWrongKeyIsRejected() throws {
        let engine = PETSender.defaultEngineID.map { String(format: "%02X", $0) }.joined()
        let receiver = try TrapReceiver(folder: folder, extraConfig: """
            createUser -e 0x\(engine) pet-other SHA pet-auth-pass AES pet-priv-pass
            authUser log,execute,net pet-other priv

            """)
        defer { receiver.stop() }
        let sender = makeSender()
        var wrong = destination(10, port: receiver.port, version: .v3)
        wrong.v3 = .init(user: "pet-other", authPassphrase: "not-the-auth-pass", privPassphrase: "pet-priv-pass")
        sender.send(upperCritical(sequence: 0x0400), to: wrong)
        XCTAssertTrue(waitUntil(5) { sender.counters(for: 10).sent == 1 }, "\(sender.counters(for: 10))")
        usleep(1_000_000)
        XCTAssertEqual(receiver.traps.count, 0, "snmptrapd drops a wrongly keyed trap: \(receiver.output)")
    }

    /// ipmi-pet, given the daemon for its SDR, names the sensor and the event.
    func testIpmiPetDecodesWhatTheSenderBuilds() throws {
        try assertDecodes(specific: "65801", payload: upperCritical(sequence: 9).payload)
    }

    // MARK: Helpers

    private func counters(sent: Int = 0, acknowledged: Int = 0, retried: Int = 0, failed: Int = 0) -> DestinationCounters {
        var counters = DestinationCounters()
        counters.sent = sent
        counters.acknowledged = acknowledged
        counters.retried = retried
        counters.failed = failed
        return counters
    }

    private func assertDecodes(specific: String, payload: [UInt8], file: StaticString = #filePath, line: UInt = #line) throws {
        let daemon = try Daemon(Daemon.Options(extraConfig: Self.cpuTemp))
        try FileManager.default.createDirectory(atPath: folder + "/sdr", withIntermediateDirectories: true)
        let hex = payload.map { String(format: "%02X", $0) }
        let result = try daemon.freeipmi("ipmi-pet", ["--sdr-cache-directory", folder + "/sdr", "--quiet-cache", specific] + hex)
        XCTAssertEqual(result.status, 0, "\(result)", file: file, line: line)
        XCTAssertTrue(result.stdout.contains("CPU Temp"), "\(result)", file: file, line: line)
        XCTAssertTrue(result.stdout.contains("Upper Critical - going high"), "\(result)", file: file, line: line)
    }
}

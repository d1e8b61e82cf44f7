import Foundation
import IPMIAlerting
import IPMICore
import NIOCore
import XCTest

/// Alerts an attacker on the management network can neither silence nor replay, with the
/// real daemon, snmptrapd and freeipmi's ipmi-pet.
final class AlertIntegrityTests: XCTestCase {
    private var folder = ""

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("ipmigod-integrity-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// An acknowledged destination on 127.0.0.1, where ipmi-pet runs (as on the receiver's
    /// host): a PET Acknowledge from another address, or one with the right sequence number
    /// and the other fields wrong (the spoof of the attack), is refused with 0xCC, counted,
    /// and the retries go on; the receiver's own acknowledgement stops them.
    func testSpoofedPETAcknowledgeDoesNotStopRetriesAndTheReceiversDoes() throws {
        let receiver = try TrapReceiver(folder: folder, address: "127.0.0.1")
        defer { receiver.stop() }
        let daemon = try Daemon(Daemon.Options(extraConfig: """
            sensors:
              - { name: CPU Temp, type: temperature, interval: 0.1, thresholds: { uc: 90 },
                  source: { file: { path: "FOLDER/cpu-temp", scale: 0.001 } } }
            lan:
              ip_address: 127.0.0.9
              alert_destinations:
                - { selector: 1, address: 127.0.0.1, port: \(receiver.port), version: v1, acknowledged: true, ack_timeout: 1, retries: 7 }
            """))
        try "95000\n".write(toFile: daemon.folder.appendingPathComponent("cpu-temp").path, atomically: true, encoding: .utf8)
        XCTAssertTrue(waitUntil(4) { receiver.traps.count >= 2 }, receiver.output)
        let trap = try XCTUnwrap(receiver.traps.first)
        let genuine = acknowledgement(of: trap.payload)

        let elsewhere = UDPSocket(host: "127.0.0.1", port: daemon.port, receiveTimeout: 2)
        elsewhere.bindLocal(host: "127.0.0.5")
        XCTAssertEqual(try acknowledge(genuine, through: elsewhere), .invalidDataField, "every field right, wrong address")
        // Timestamp, event source type, sensor device, sensor number and event data all zero.
        let spoofed = Array(genuine.prefix(2)) + [UInt8](repeating: 0, count: 10)
        let local = UDPSocket(host: "127.0.0.1", port: daemon.port, receiveTimeout: 2)
        XCTAssertEqual(try acknowledge(spoofed, through: local), .invalidDataField, "the sequence number alone")
        let afterSpoofs = receiver.traps.count
        XCTAssertTrue(waitUntil(3) { receiver.traps.count >= afterSpoofs + 2 }, "retries go on: \(receiver.output)")
        XCTAssertTrue(waitUntil(3) { ((try? daemon.status()) ?? "").contains("acknowledged 0, retried") },
                      "not counted as acknowledged")
        XCTAssertTrue(waitUntil(3) { ((try? daemon.status()) ?? "").contains("bad acknowledgements 2") },
                      (try? daemon.status()) ?? "")

        let ack = try runTool("ipmi-pet", ["-h", "127.0.0.1:\(daemon.port)", "--pet-acknowledge", trap.specific]
                                  + trap.payload.map { String(format: "%02X", $0) }, timeout: 20)
        XCTAssertEqual(ack.status, 0, "\(ack)")
        Thread.sleep(forTimeInterval: 0.3)
        let afterAck = receiver.traps.count
        Thread.sleep(forTimeInterval: 2.5)
        XCTAssertEqual(receiver.traps.count, afterAck, "no retries after the receiver's acknowledgement: \(receiver.output)")
        XCTAssertTrue(waitUntil(3) { ((try? daemon.status()) ?? "").contains("acknowledged 1,") }, (try? daemon.status()) ?? "")
        // The same acknowledgement again (its answer lost, say) is still accepted.
        XCTAssertEqual(try acknowledge(genuine, through: local), .ok)
    }

    /// A captured SNMPv3 trap is accepted again only within its boot (RFC 3414's 150-second
    /// window); once the daemon has restarted, its engine boots have grown and snmptrapd
    /// refuses the old message.
    func testReplayedV3TrapIsRefusedAfterARestart() throws {
        let uuid = try XCTUnwrap(UUID(uuidString: Daemon.guid))
        let guid = withUnsafeBytes(of: uuid.uuid) { Array($0.reversed()) }
        let engine = SNMPEngine.engineID(systemGUID: guid, enterprise: 4413).map { String(format: "%02X", $0) }.joined()
        let receiver = try TrapReceiver(folder: folder, extraConfig: """
            createUser -e 0x\(engine) pet-user SHA pet-auth-pass AES pet-priv-pass
            authUser log,execute,net pet-user priv

            """)
        defer { receiver.stop() }
        let capture = UDPSocket(host: "127.0.0.3", port: 9, receiveTimeout: 3)
        let capturePort = capture.bindLocal(host: "127.0.0.3")
        let credentials = "v3: { user: pet-user, auth_passphrase: pet-auth-pass, priv_passphrase: pet-priv-pass }"
        let daemon = try Daemon(Daemon.Options(extraConfig: """
            lan:
              ip_address: 127.0.0.9
              alert_destinations:
                - { selector: 1, address: 127.0.0.2, port: \(receiver.port), version: v3, \(credentials) }
                - { selector: 2, address: 127.0.0.3, port: \(capturePort), version: v3, \(credentials) }
            """))
        let engineFile = daemon.stateDirectory + "/snmp-engine.json"
        XCTAssertTrue(try String(contentsOfFile: engineFile, encoding: .utf8).contains("\"boots\" : 1"))
        for selector in ["0x01", "0x02"] {
            XCTAssertAnswered(try daemon.ipmitool(["raw", "0x04", "0x16", "0x01", selector, "0x00"])) // Alert Immediate
        }
        XCTAssertTrue(waitUntil(5) { receiver.traps.count == 1 }, receiver.output)
        let captured = try XCTUnwrap(capture.receive(), "the same trap, captured on its way to destination 2")
        let first = try XCTUnwrap(USMHeader(message: captured), "an SNMPv3 message")
        XCTAssertEqual(first.engineID.map { String(format: "%02X", $0) }.joined(), engine, "the install's engine ID")
        XCTAssertEqual(first.boots, 1)
        // The engine time runs: a trap two seconds later says so.
        Thread.sleep(forTimeInterval: 2)
        XCTAssertAnswered(try daemon.ipmitool(["raw", "0x04", "0x16", "0x01", "0x02", "0x00"]))
        let later = try XCTUnwrap(capture.receive().flatMap(USMHeader.init(message:)))
        XCTAssertEqual(later.boots, 1)
        XCTAssertGreaterThanOrEqual(later.time, first.time + 2, "engine time \(first.time), then \(later.time)")
        let replay = UDPSocket(host: "127.0.0.2", port: receiver.port)
        replay.send(captured)
        XCTAssertTrue(waitUntil(3) { receiver.traps.count == 2 }, "within its boot the replay is in the window: \(receiver.output)")

        daemon.stop()
        try daemon.start()
        XCTAssertTrue(try String(contentsOfFile: engineFile, encoding: .utf8).contains("\"boots\" : 2"), "one more boot")
        XCTAssertAnswered(try daemon.ipmitool(["raw", "0x04", "0x16", "0x01", "0x01", "0x00"]))
        XCTAssertTrue(waitUntil(5) { receiver.traps.count == 3 }, "the new boot's trap: \(receiver.output)\n\(daemon.log)")
        XCTAssertAnswered(try daemon.ipmitool(["raw", "0x04", "0x16", "0x01", "0x02", "0x00"]))
        let afterRestart = try XCTUnwrap(capture.receive().flatMap(USMHeader.init(message:)))
        XCTAssertEqual(afterRestart.boots, 2, "boots grew with the restart")
        XCTAssertEqual(afterRestart.engineID, first.engineID, "the same engine")
        replay.send(captured)
        Thread.sleep(forTimeInterval: 1.5)
        XCTAssertEqual(receiver.traps.count, 3, "the old boot's trap is refused: \(receiver.output)")
        XCTAssertTrue(daemon.log.contains("boots=2"), "the start says so: \(daemon.log)")
        XCTAssertTrue(waitUntil(4) { ((try? daemon.status()) ?? "").contains("SNMPv3 engine ID: 0x\(engine.lowercased()), boots 2") },
                      "and so does ipmigod status: \((try? daemon.status()) ?? "")")
    }

    /// An event while PEF is postponed (Arm PEF Postpone Timer, as ipmitool sends it) alerts
    /// when the timer runs out, and its PET carries the time of the event, not of the send.
    func testAlertHeldByThePostponeTimerCarriesTheEventTime() throws {
        let receiver = try TrapReceiver(folder: folder)
        defer { receiver.stop() }
        let daemon = try Daemon(Daemon.Options(extraConfig: """
            sensors:
              - { name: CPU Temp, type: temperature, interval: 0.1, thresholds: { uc: 90 },
                  source: { file: { path: "FOLDER/cpu-temp", scale: 0.001 } } }
            lan:
              ip_address: 127.0.0.9
              alert_destinations:
                - { selector: 1, address: 127.0.0.2, port: \(receiver.port), version: v2c }
            """))
        let temperature = daemon.folder.appendingPathComponent("cpu-temp").path
        try "50000\n".write(toFile: temperature, atomically: true, encoding: .utf8)
        Thread.sleep(forTimeInterval: 0.5)
        XCTAssertAnswered(try daemon.ipmitool(["raw", "0x04", "0x11", "0x05"])) // postpone PEF for 5 s
        let eventTime = UInt32(Date().timeIntervalSince1970)
        try "95000\n".write(toFile: temperature, atomically: true, encoding: .utf8)
        XCTAssertTrue(waitUntil(9) { !receiver.traps.isEmpty }, receiver.output)
        let arrival = UInt32(Date().timeIntervalSince1970)
        let payload = try XCTUnwrap(receiver.traps.first?.payload)
        let sent = payload[18..<22].reduce(UInt32(0)) { $0 << 8 | UInt32($1) } + PETTimestamp.epochOffset
        XCTAssertGreaterThanOrEqual(arrival, eventTime + 3, "held by the postpone timer")
        XCTAssertTrue((eventTime...eventTime + 1).contains(sent), "the event's time \(eventTime), not the send's \(arrival): \(sent)")
    }

    // MARK: Helpers

    /// The 12 bytes of a PET Acknowledge for a PET payload (multi-byte fields LS byte first).
    private func acknowledgement(of payload: [UInt8]) -> [UInt8] {
        [payload[17], payload[16], payload[21], payload[20], payload[19], payload[18], payload[25], payload[27], payload[28],
         payload[31], payload[32], payload[33]]
    }

    /// Sends a PET Acknowledge outside a session; returns its completion code.
    private func acknowledge(_ request: [UInt8], through socket: UDPSocket) throws -> CompletionCode {
        socket.drain()
        socket.send(Array(RMCPPlusConsole.sessionless(.sensorEvent, 0x17, request).readableBytesView))
        let answer = try XCTUnwrap(socket.receive(), "answered")
        return try RMCPPlusConsole.sessionlessResponse(ByteBuffer(bytes: answer)).completionCode
    }
}

/// The authoritative engine fields of an SNMPv3 message's USM security parameters (RFC 3414
/// section 2.4): message SEQUENCE { version, header data, security parameters OCTET STRING
/// holding SEQUENCE { engine ID, engine boots, engine time, ... }, ... }.
private struct USMHeader {
    var engineID: [UInt8]
    var boots: Int
    var time: Int

    init?(message: [UInt8]) {
        var outer = BERReader(message[...])
        guard let sequence = outer.next(0x30) else { return nil }
        var fields = BERReader(sequence)
        guard fields.next(0x02) != nil, fields.next(0x30) != nil, let parameters = fields.next(0x04) else { return nil }
        var wrapper = BERReader(parameters)
        guard let usm = wrapper.next(0x30) else { return nil }
        var reader = BERReader(usm)
        guard let engineID = reader.next(0x04), let boots = reader.next(0x02), let time = reader.next(0x02) else { return nil }
        self.engineID = Array(engineID)
        self.boots = boots.reduce(0) { $0 << 8 | Int($1) }
        self.time = time.reduce(0) { $0 << 8 | Int($1) }
    }
}

/// Just enough BER to walk definite-length TLVs.
private struct BERReader {
    var bytes: ArraySlice<UInt8>

    init(_ bytes: ArraySlice<UInt8>) { self.bytes = bytes }

    /// The value of the next element when its tag is `tag`.
    mutating func next(_ tag: UInt8) -> ArraySlice<UInt8>? {
        guard bytes.count >= 2, bytes.first == tag else { return nil }
        var index = bytes.startIndex + 1
        var length = Int(bytes[index])
        index += 1
        if length & 0x80 != 0 {
            let count = length & 0x7F
            guard bytes.endIndex - index >= count else { return nil }
            length = bytes[index..<index + count].reduce(0) { $0 << 8 | Int($1) }
            index += count
        }
        guard bytes.endIndex - index >= length else { return nil }
        defer { bytes = bytes[(index + length)...] }
        return bytes[index..<index + length]
    }
}

private extension Daemon {
    func status() throws -> String {
        try runTool(Daemon.binary, ["status", "--state-dir", stateDirectory]).stdout
    }
}

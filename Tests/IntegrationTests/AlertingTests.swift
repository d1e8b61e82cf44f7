import Foundation
import XCTest

/// The whole push chain against real peers: a temperature read from a file crosses its upper
/// critical threshold; the event goes into the SEL, through the default PEF filters, and out
/// as a Platform Event Trap to snmptrapd; freeipmi's ipmi-pet decodes it.
final class AlertingTests: XCTestCase {
    static func config(v1Port: Int, v2cPort: Int) -> String {
        """
        sensors:
          - { name: CPU Temp, type: temperature, interval: 0.1, thresholds: { unc: 80, uc: 90, unr: 100 },
              hysteresis: { positive: 3, negative: 3 }, source: { file: { path: "FOLDER/cpu-temp", scale: 0.001 } } }
        lan:
          ip_address: 127.0.0.9
          community: public
          alert_destinations:
            - { selector: 1, address: 127.0.0.2, port: \(v1Port), version: v1 }
            - { selector: 2, address: 127.0.0.2, port: \(v2cPort), version: v2c }
        """
    }

    func testCriticalCrossingReachesEveryDestinationAndDecodes() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ipmigod-alert-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let v1 = try TrapReceiver(folder: folder)
        let v2c = try TrapReceiver(folder: folder)
        defer { v1.stop(); v2c.stop() }
        let daemon = try Daemon(Daemon.Options(extraConfig: Self.config(v1Port: v1.port, v2cPort: v2c.port)))
        let temperature = daemon.folder.appendingPathComponent("cpu-temp").path
        func set(_ celsius: Int) throws { try "\(celsius * 1000)\n".write(toFile: temperature, atomically: true, encoding: .utf8) }

        try set(50)
        Thread.sleep(forTimeInterval: 0.5)
        XCTAssertEqual(v1.traps.count + v2c.traps.count, 0, "nothing to report yet")

        // Upper critical, going high: within one poll period (0.1 s) plus delivery.
        try set(95)
        let crossed = Date()
        XCTAssertTrue(waitUntil(2) { v1.traps.count == 1 && v2c.traps.count == 1 }, v1.output + v2c.output)
        let latency = Date().timeIntervalSince(crossed)
        XCTAssertLessThan(latency, 0.1 + 0.1, "crossing to trap received: one poll period plus 100 ms")
        Thread.sleep(forTimeInterval: 0.4)
        XCTAssertEqual(v1.traps.count, 1, "exactly one PET per destination (the non-critical crossing does not alert)")
        XCTAssertEqual(v2c.traps.count, 1)
        let trap = try XCTUnwrap(v1.traps.first)
        XCTAssertEqual(trap.pdu, "TRAP, SNMP v1, community public")
        XCTAssertEqual(trap.enterprise, ".1.3.6.1.4.1.3183.1.1")
        XCTAssertEqual(trap.specific, "65801", "temperature, threshold, upper critical going high")
        XCTAssertEqual(trap.agent, "127.0.0.9")
        XCTAssertEqual(v2c.traps.first?.trapOID, ".1.3.6.1.4.1.3183.1.1.0.65801")
        XCTAssertEqual(v2c.traps.first?.payload, trap.payload, "the same PET, sequence number included")
        let decoded = try decode(trap, daemon: daemon)
        XCTAssertTrue(decoded.stdout.contains("CPU Temp"), "\(decoded)")
        XCTAssertTrue(decoded.stdout.contains("Upper Critical - going high"), "\(decoded)")
        XCTAssertTrue(decoded.stdout.contains("Critical"), "\(decoded)")
        XCTAssertTrue(decoded.stdout.contains("Sensor Reading = 95.00 C"), "the trigger reading: \(decoded)")
        XCTAssertTrue(decoded.stdout.contains("Threshold = 90.00 C"), "the threshold crossed: \(decoded)")

        // Back below the threshold minus the hysteresis (87): the deassertion, as OK.
        try set(88)
        Thread.sleep(forTimeInterval: 0.5)
        XCTAssertEqual(v1.traps.count, 1, "88 is inside the hysteresis")
        try set(86)
        XCTAssertTrue(waitUntil(2) { v1.traps.count == 2 && v2c.traps.count == 2 }, v1.output)
        let clear = v1.traps[1]
        XCTAssertEqual(clear.specific, "65929", "deassertion bit set")
        let clearDecoded = try decode(clear, daemon: daemon)
        XCTAssertTrue(clearDecoded.stdout.contains("Upper Critical - going high"), "\(clearDecoded)")
        XCTAssertTrue(clearDecoded.stdout.contains("Deassertion"), "\(clearDecoded)")

        // The same events, in the SEL.
        let sel = try daemon.ipmitool(["sel", "elist"])
        XCTAssertTrue(sel.stdout.contains("Upper Critical going high | Asserted"), "\(sel)")
        XCTAssertTrue(sel.stdout.contains("Upper Critical going high | Deasserted"), "\(sel)")

        // Live changes over IPMI: the next trap goes where and how ipmitool says.
        let moved = try TrapReceiver(folder: folder, address: "127.0.0.3", port: v1.port)
        defer { moved.stop() }
        XCTAssertAnswered(try daemon.ipmitool(["lan", "alert", "set", "1", "1", "ipaddr", "127.0.0.3"]))
        XCTAssertAnswered(try daemon.ipmitool(["lan", "set", "1", "snmp", "nmsteam"]))
        XCTAssertAnswered(try daemon.ipmitool(["lan", "set", "1", "ipaddr", "127.0.0.10"]))
        try set(96)
        XCTAssertTrue(waitUntil(2) { moved.traps.count == 1 }, moved.output)
        XCTAssertEqual(moved.traps.first?.pdu, "TRAP, SNMP v1, community nmsteam")
        XCTAssertEqual(moved.traps.first?.agent, "127.0.0.10", "the agent address follows LAN parameter 3")
        Thread.sleep(forTimeInterval: 0.3)
        XCTAssertEqual(v1.traps.count, 2, "the old address gets nothing more")

        // The counters, as `ipmigod status` shows them (the daemon writes them every 2 s).
        let expected = "2: 127.0.0.2:\(v2c.port) v2c: sent 3, acknowledged 0, retried 0, failed 0"
        var status = try runTool(Daemon.binary, ["status", "--state-dir", daemon.stateDirectory])
        let deadline = Date().addingTimeInterval(5)
        while !status.stdout.contains(expected) && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.5)
            status = try runTool(Daemon.binary, ["status", "--state-dir", daemon.stateDirectory])
        }
        XCTAssertTrue(status.stdout.contains(expected), "\(status)")
        XCTAssertTrue(status.stdout.contains("1: 127.0.0.3:\(v1.port) v1: sent 3"), "\(status)")
        XCTAssertTrue(status.stdout.contains("alerts raised: 6"), "\(status)")
        XCTAssertTrue(daemon.log.contains("alerting"), "counters are logged too")
    }

    /// An acknowledged destination retries every ack timeout until freeipmi's
    /// `ipmi-pet --pet-acknowledge` (sent outside a session) answers for the PET; Alert
    /// Immediate sends at once to the destination it names. The acknowledging receiver is on
    /// 127.0.0.1, the address ipmi-pet sends from: an acknowledgement counts only from there.
    func testPETAcknowledgeStopsRetriesAndAlertImmediateSends() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ipmigod-ack-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let acknowledging = try TrapReceiver(folder: folder, address: "127.0.0.1")
        let other = try TrapReceiver(folder: folder)
        defer { acknowledging.stop(); other.stop() }
        let daemon = try Daemon(Daemon.Options(extraConfig: """
            sensors:
              - { name: CPU Temp, type: temperature, interval: 0.1, thresholds: { uc: 90 },
                  source: { file: { path: "FOLDER/cpu-temp", scale: 0.001 } } }
            lan:
              ip_address: 127.0.0.9
              alert_destinations:
                - { selector: 1, address: 127.0.0.1, port: \(acknowledging.port), version: v1, acknowledged: true, ack_timeout: 1, retries: 7 }
                - { selector: 2, address: 127.0.0.2, port: \(other.port), version: v2c }
            """))
        let temperature = daemon.folder.appendingPathComponent("cpu-temp").path
        try "95000\n".write(toFile: temperature, atomically: true, encoding: .utf8)
        XCTAssertTrue(waitUntil(3) { acknowledging.traps.count >= 2 }, "retried every second until acknowledged: \(acknowledging.output)")
        let trap = try XCTUnwrap(acknowledging.traps.first)
        XCTAssertEqual(acknowledging.traps[1].payload, trap.payload, "a retry is the same PET, sequence number included")

        let ack = try runTool("ipmi-pet", ["-h", "127.0.0.1:\(daemon.port)", "-u", "admin", "-p", "admin", "--pet-acknowledge",
                                           trap.specific] + trap.payload.map { String(format: "%02X", $0) }, timeout: 20)
        XCTAssertEqual(ack.status, 0, "\(ack)")
        Thread.sleep(forTimeInterval: 0.3)
        let afterAck = acknowledging.traps.count
        Thread.sleep(forTimeInterval: 2.5)
        XCTAssertEqual(acknowledging.traps.count, afterAck, "no retries after the acknowledgement: \(acknowledging.output)")

        // Alert Immediate to destination 2: initiate, channel 1, no alert string, no event.
        let before = other.traps.count
        let immediate = try daemon.ipmitool(["raw", "0x04", "0x16", "0x01", "0x02", "0x00"])
        XCTAssertAnswered(immediate)
        XCTAssertTrue(waitUntil(2) { other.traps.count == before + 1 }, other.output)
        XCTAssertEqual(other.traps.last?.trapOID, ".1.3.6.1.4.1.3183.1.1.0.15", "a PET with no event")
        let status = try daemon.ipmitool(["raw", "0x04", "0x16", "0x01", "0x42", "0x00"]) // bits 7..6 of byte 2: get status
        XCTAssertEqual(status.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "01", "normal end: \(status)")
    }

    /// net-snmp in the daemon reads no snmp.conf and no persistent data of the system or the
    /// user, and writes only under the state directory: an environment pointing it at its
    /// usual places (config path, home, persistent directory) changes nothing.
    func testNetSNMPReadsAndWritesOnlyTheStateDirectory() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ipmigod-snmpenv-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder + "/conf", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: folder + "/home/.snmp", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // Were these read, the trap would carry another community and go to port 9.
        let hostile = "defCommunity hostile\ndefaultPort 9\npersistentDir \(folder)/conf-persist\n"
        try hostile.write(toFile: folder + "/conf/snmp.conf", atomically: true, encoding: .utf8)
        try hostile.write(toFile: folder + "/home/.snmp/snmp.conf", atomically: true, encoding: .utf8)
        let receiver = try TrapReceiver(folder: folder)
        defer { receiver.stop() }
        let daemon = try Daemon(Daemon.Options(extraConfig: """
            lan:
              ip_address: 127.0.0.9
              alert_destinations:
                - { selector: 1, address: 127.0.0.2, port: \(receiver.port), version: v2c, community: public }
                - { selector: 2, address: 127.0.0.2, port: \(receiver.port), version: v3,
                    v3: { user: pet-user, auth_passphrase: pet-auth-pass, priv_passphrase: pet-priv-pass } }
            """, environment: [
                "SNMPCONFPATH": folder + "/conf", "HOME": folder + "/home", "SNMP_PERSISTENT_DIR": folder + "/env-persist",
            ]))
        for selector in ["0x01", "0x02"] {
            XCTAssertAnswered(try daemon.ipmitool(["raw", "0x04", "0x16", "0x01", selector, "0x00"])) // Alert Immediate
        }
        XCTAssertTrue(waitUntil(3) { !receiver.traps.isEmpty }, receiver.output)
        XCTAssertEqual(receiver.traps.first?.pdu, "TRAP2, SNMP v2c, community public", "the config's community, not snmp.conf's")
        let fileManager = FileManager.default
        XCTAssertFalse(fileManager.fileExists(atPath: folder + "/env-persist"), "SNMP_PERSISTENT_DIR is not used")
        XCTAssertFalse(fileManager.fileExists(atPath: folder + "/conf-persist"), "snmp.conf is not read")
        XCTAssertEqual(try fileManager.contentsOfDirectory(atPath: folder + "/home/.snmp"), ["snmp.conf"], "nothing written in ~/.snmp")
        XCTAssertTrue(fileManager.fileExists(atPath: daemon.stateDirectory + "/snmp"), "net-snmp's files are in the state directory")
    }


    /// freeipmi's decoder, with the daemon for sensor names.
    private func decode(_ trap: TrapReceiver.Trap, daemon: Daemon) throws -> ToolResult {
        let cache = daemon.folder.appendingPathComponent("pet-sdr-cache").path
        try FileManager.default.createDirectory(atPath: cache, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        return try runTool("ipmi-pet", ["-h", "127.0.0.1:\(daemon.port)", "-u", "admin", "-p", "admin", "-D", "LAN_2_0",
                                        "--sdr-cache-directory", cache, "--quiet-cache", "-v", trap.specific]
                                        + trap.payload.map { String(format: "%02X", $0) })
    }
}

import IPMICore
import NIOCore
import XCTest

/// Platform Event Filtering against the real clients: ipmitool's `pef` commands, freeipmi's
/// pef-config and ipmi-pet.
final class PEFIntegrationTests: XCTestCase {
    func testIpmitoolShowsTheDefaultConfiguration() throws {
        let daemon = try Daemon()
        let info = try daemon.ipmitool(["pef", "info"])
        XCTAssertAnswered(info)
        XCTAssertTrue(info.stdout.contains("0x51 | 16 | 8 |"), "version, filters, policies: \(info)")
        XCTAssertTrue(info.stdout.contains("Alert,Power-off,Reset,Power-cycle,Diagnostic-interrupt"), "\(info)")

        let status = try daemon.ipmitool(["pef", "status"])
        XCTAssertAnswered(status)
        XCTAssertTrue(status.stdout.contains("| 0xffff | 0xffff | 0xffff | PEF,PEF event messages |"), "\(status)")

        let policies = try daemon.ipmitool(["pef", "policy", "list"])
        XCTAssertAnswered(policies)
        XCTAssertTrue(policies.stdout.contains(" 1 | 1 | enabled | Match-always | 1 | 802.3 LAN | PET |"), "\(policies)")
        XCTAssertTrue(policies.stdout.contains(" 4 | 1 | enabled | Match-always | 1 | 802.3 LAN | PET |"), "\(policies)")
        XCTAssertTrue(policies.stdout.contains(" 5 | 0 | disabled |"), "\(policies)")
        XCTAssertEqual(policies.stderr, "", "no lookups fail on unused entries")

        let filters = try daemon.ipmitool(["pef", "filter", "list"])
        XCTAssertAnswered(filters)
        for line in [" 1 | enabled, pre-configured | Any | Any | Critical | Threshold | (0x01/0x030c)",
                     " 2 | enabled, pre-configured | Any | Any | Non-recoverable | Threshold | (0x01/0x0c30)",
                     " 3 | enabled, pre-configured | Power supply | Any | Critical | Discrete | Sensor-specific | Alert | 1",
                     " 4 | enabled, pre-configured | Fan | Any | Critical | Discrete | (0x08/0x0001),device removed/absent",
                     " 16 | disabled, configurable"] {
            XCTAssertTrue(filters.stdout.contains(line), "\(line): \(filters)")
        }
    }

    func testPefConfigCommitTakesEffectAndPersists() throws {
        let daemon = try Daemon()
        let checkout = try daemon.freeipmi("pef-config", ["--checkout"])
        XCTAssertAnswered(checkout, within: 5) // a full checkout: hundreds of requests
        let filter1 = section("Event_Filter_1", in: checkout.stdout)
        for (key, value) in [("Filter_Type", "Manufacturer_Pre_Configured"), ("Enable_Filter", "Yes"),
                             ("Event_Filter_Action_Alert", "Yes"), ("Alert_Policy_Number", "1"),
                             ("Event_Severity", "Critical"), ("Event_Trigger", "0x01"),
                             ("Event_Data1_Offset_Mask", "0x30C")] {
            XCTAssertEqual(filter1[key], value, key)
        }
        XCTAssertEqual(section("Event_Filter_3", in: checkout.stdout)["Sensor_Type"], "Power_Supply")
        let policy1 = section("Alert_Policy_1", in: checkout.stdout)
        XCTAssertEqual(policy1["Policy_Enabled"], "Yes")
        XCTAssertEqual(policy1["Channel_Number"], "1")
        XCTAssertEqual(policy1["Destination_Selector"], "1")
        XCTAssertEqual(section("PEF_Conf", in: checkout.stdout)["Enable_PEF"], "Yes")

        XCTAssertAnswered(try daemon.freeipmi("pef-config", ["--commit", "--key-pair=Event_Filter_1:Enable_Filter=No",
                                                            "--key-pair=PEF_Conf:Alert_Startup_Delay=7",
                                                            "--key-pair=Alert_String_1:Alert_String=fan-tray"]), within: 5)
        let filters = try daemon.ipmitool(["pef", "filter", "list"])
        XCTAssertTrue(filters.stdout.contains(" 1 | disabled, pre-configured"), "\(filters)")

        daemon.kill9()
        try daemon.start()
        let after = try daemon.freeipmi("pef-config", ["--checkout"])
        XCTAssertAnswered(after, within: 5) // a full checkout: hundreds of requests
        XCTAssertEqual(section("Event_Filter_1", in: after.stdout)["Enable_Filter"], "No")
        XCTAssertEqual(section("Event_Filter_2", in: after.stdout)["Enable_Filter"], "Yes")
        XCTAssertEqual(section("PEF_Conf", in: after.stdout)["Alert_Startup_Delay"], "7")
        XCTAssertEqual(section("Alert_String_1", in: after.stdout)["Alert_String"], "fan-tray")
    }

    func testConfigSeedsTheTables() throws {
        let daemon = try Daemon(Daemon.Options(extraConfig: """
            pef:
              alert_startup_delay: 5
              filters:
                - { sensor_type: 0x02, event_type: 0x01, offsets: [7, 9], severity: non_critical, actions: [alert, power_cycle], policy: 2 }
            """))
        let checkout = try daemon.freeipmi("pef-config", ["--checkout"])
        XCTAssertAnswered(checkout, within: 5) // a full checkout: hundreds of requests
        let conf = section("PEF_Conf", in: checkout.stdout)
        XCTAssertEqual(conf["Alert_Startup_Delay"], "5")
        XCTAssertEqual(conf["Enable_PEF_Alert_Startup_Delay"], "Yes")
        let extra = section("Event_Filter_7", in: checkout.stdout) // after the six defaults
        XCTAssertEqual(extra["Enable_Filter"], "Yes")
        XCTAssertEqual(extra["Sensor_Type"], "Voltage")
        XCTAssertEqual(extra["Event_Data1_Offset_Mask"], "0x280")
        XCTAssertEqual(extra["Event_Filter_Action_Power_Cycle"], "Yes")
        XCTAssertEqual(extra["Alert_Policy_Number"], "2")
        XCTAssertEqual(extra["Event_Severity"], "Non_Critical")
    }

    /// Taken outside a session, and answered; one that names no PET sent to its address (here,
    /// none was sent at all) is refused with 0xCC. AlertIntegrityTests has the accepted case.
    func testPETAcknowledgeOutsideASession() throws {
        let daemon = try Daemon()
        let socket = UDPSocket(port: daemon.port, receiveTimeout: 2)
        let request: [UInt8] = [0x07, 0x00, 0x78, 0x56, 0x34, 0x12, 0x20, 0x20, 0x07, 0x59, 0x5F, 0x5A]
        socket.send(Array(RMCPPlusConsole.sessionless(.sensorEvent, 0x17, request).readableBytesView))
        let answer = try XCTUnwrap(socket.receive())
        let response = try RMCPPlusConsole.sessionlessResponse(ByteBuffer(bytes: answer))
        XCTAssertEqual(response.completionCode, .invalidDataField)

        // freeipmi's own acknowledgement: IPMI 1.5, no session, from the trap's bytes.
        let pet = ["0x01017909", "0x59"] + Array(repeating: "0x5E", count: 15)
            + ["0x00", "0x07", "0x00", "0x00", "0x00", "0x00", "0xFF", "0xFF", "0x20", "0x20", "0x10", "0x20", "0x07",
               "0x07", "0x01", "0x59", "0x5F", "0x5A", "0xFF", "0xFF", "0xFF", "0xFF", "0xFF", "0x19",
               "0x00", "0x00", "0x00", "0x00", "0x00", "0x00", "0xC1"]
        let result = try runTool("ipmi-pet", ["-h", "127.0.0.1:\(daemon.port)", "--pet-acknowledge"] + pet)
        XCTAssertNotEqual(result.status, 0, "\(result)")
        // freeipmi reports completion code CCh as "command invalid or unsupported".
        XCTAssertTrue(result.stderr.contains("ipmi_cmd_pet_acknowledge: command invalid or unsupported"), "\(result)")
    }

    /// The key/value lines of one pef-config section.
    private func section(_ name: String, in text: String) -> [String: String] {
        var values: [String: String] = [:]
        var inside = false
        for line in text.split(separator: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed == "Section \(name)" { inside = true; continue }
            guard inside else { continue }
            if trimmed == "EndSection" { break }
            guard !trimmed.hasPrefix("#") else { continue }
            let parts = trimmed.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
            values[String(parts[0])] = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
        }
        return values
    }
}

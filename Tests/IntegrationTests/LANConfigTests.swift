import XCTest

/// LAN configuration parameters and alert destinations through ipmitool and bmc-config.
final class LANConfigTests: XCTestCase {
    static let lanConfig = """
        lan:
          ip_address: 192.0.2.10
          subnet_mask: 255.255.255.0
          gateway: 192.0.2.1
          mac: "02:00:00:00:00:01"
          community: public
          alert_destinations:
            - { selector: 1, address: 127.0.0.2, port: 162, version: v1, acknowledged: false, ack_timeout: 3, retries: 3 }
            - { selector: 2, address: 127.0.0.3, version: v2c, community: private, acknowledged: true, ack_timeout: 5, retries: 2 }

        """

    func testLanPrintShowsConfigAndCommunityChanges() throws {
        let daemon = try Daemon(Daemon.Options(extraConfig: LANConfigTests.lanConfig))
        let listing = try daemon.ipmitool(["lan", "print", "1"])
        XCTAssertAnswered(listing)
        for line in ["Set in Progress         : Set Complete",
                     "IP Address Source       : Static Address",
                     "IP Address              : 192.0.2.10",
                     "Subnet Mask             : 255.255.255.0",
                     "MAC Address             : 02:00:00:00:00:01",
                     "SNMP Community String   : public",
                     "Default Gateway IP      : 192.0.2.1",
                     "802.1q VLAN ID          : Disabled",
                     "RMCP+ Cipher Suites     : 1,2,3,6,7,8,11,12,15,16,17",
                     "Cipher Suite Priv Max   : XaaaXXaaaXXaaXX"] {
            XCTAssertTrue(listing.stdout.contains(line + "\n"), "missing \"\(line)\" in \(listing)")
        }

        let revision = try daemon.ipmitool(["raw", "0x0c", "0x02", "0x81", "0x03", "0", "0"])
        XCTAssertEqual(revision.stdout, " 11\n", "\(revision)")
        let unsupported = try daemon.ipmitool(["raw", "0x0c", "0x02", "0x01", "0x08", "0", "0"]) // RMCP port
        XCTAssertTrue(unsupported.stderr.contains("rsp=0x80"), "\(unsupported)")

        XCTAssertAnswered(try daemon.ipmitool(["lan", "set", "1", "snmp", "newcomm"]))
        let after = try daemon.ipmitool(["lan", "print", "1"])
        XCTAssertTrue(after.stdout.contains("SNMP Community String   : newcomm\n"), "\(after)")

        let checkout = try daemon.freeipmi("bmc-config", ["--checkout", "--section", "Lan_Conf"])
        XCTAssertEqual(checkout.status, 0, "\(checkout)")
        XCTAssertTrue(checkout.stdout.range(of: #"IP_Address\s+192\.0\.2\.10\n"#, options: .regularExpression) != nil, "\(checkout)")
    }

    func testAlertDestinationSetOverIPMISurvivesKill9() throws {
        let daemon = try Daemon(Daemon.Options(extraConfig: LANConfigTests.lanConfig))
        XCTAssertAnswered(try daemon.ipmitool(["lan", "alert", "set", "1", "4", "ipaddr", "127.0.0.2"]))
        XCTAssertAnswered(try daemon.ipmitool(["lan", "alert", "set", "1", "4", "ack", "on"]))
        XCTAssertAnswered(try daemon.ipmitool(["lan", "alert", "set", "1", "2", "ack", "off"]))
        daemon.kill9()
        try daemon.start()

        let four = try daemon.ipmitool(["lan", "alert", "print", "1", "4"])
        XCTAssertAnswered(four)
        for line in ["Alert Destination       : 4", "Alert Acknowledge       : Acknowledged",
                     "Destination Type        : PET Trap", "Acknowledge Timeout     : 3",
                     "Number of Retries       : 3", "Alert Gateway           : Default",
                     "Alert IP Address        : 127.0.0.2", "Alert MAC Address       : 00:00:00:00:00:00"] {
            XCTAssertTrue(four.stdout.contains(line + "\n"), "missing \"\(line)\" in \(four)")
        }
        let two = try daemon.ipmitool(["lan", "alert", "print", "1", "2"])
        XCTAssertTrue(two.stdout.contains("Alert Acknowledge       : Unacknowledged\n"), "\(two)")
        XCTAssertTrue(two.stdout.contains("Retry Interval          : 5\n"), "\(two)")
        XCTAssertTrue(two.stdout.contains("Alert IP Address        : 127.0.0.3\n"), "\(two)")
    }

    func testConfigErrorsNameLineAndField() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ipmigod-lan-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("ipmigod.yaml").path
        let cases = [
            ("ip_address: 192.0.2.300", "4: lan.ip_address: expected an IPv4 address"),
            ("alert_destinations:\n    - { selector: 1, address: 127.0.0.2, version: v3 }", "5: lan.alert_destinations[0]: version v3 needs"),
            ("alert_destinations:\n    - { selector: 1, address: 127.0.0.2, port: 162, colour: red }", "5: lan.alert_destinations[0].colour: unknown key"),
        ]
        for (lan, expected) in cases {
            try "listen: [\"127.0.0.1:1623\"]\nstate_directory: \(folder.path)/state\nlan:\n  \(lan)\n"
                .write(toFile: path, atomically: true, encoding: .utf8)
            let result = try runTool(Daemon.binary, ["check-config", path])
            XCTAssertNotEqual(result.status, 0, "\(result)")
            XCTAssertTrue((result.stdout + result.stderr).contains("ipmigod.yaml:" + expected), "\(result)")
        }
    }

    /// On a switch, the LAN parameters come from the management interface itself.
    func testAddressesReadFromTheInterface() throws {
        let daemon = try Daemon(Daemon.Options(extraConfig: "lan: { interface: lo }"))
        let print = try daemon.ipmitool(["lan", "print", "1"])
        XCTAssertAnswered(print)
        XCTAssertTrue(print.stdout.contains("IP Address              : 127.0.0.1\n"), "\(print)")
        XCTAssertTrue(print.stdout.contains("Subnet Mask             : 255.0.0.0\n"), "\(print)")
        XCTAssertTrue(print.stdout.contains("MAC Address             : 00:00:00:00:00:00\n"), "\(print)")
    }
}

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
        XCTAssertTrue(print.stdout.contains("IP Address Source       : Static Address\n"), "\(print)")
    }

    /// The host owns the addresses of its management interface: the BMC refuses to change
    /// them (0x82, read-only), and says so to ipmitool. Without an interface they are settable.
    func testInterfaceAddressesAreReadOnly() throws {
        let daemon = try Daemon(Daemon.Options(extraConfig: "lan: { interface: lo }"))
        for arguments in [["ipaddr", "192.0.2.99"], ["netmask", "255.255.255.0"], ["macaddr", "02:00:00:00:00:99"],
                          ["defgw", "ipaddr", "192.0.2.1"], ["defgw", "macaddr", "02:00:00:00:00:fe"], ["ipsrc", "dhcp"]] {
            let set = try daemon.ipmitool(["lan", "set", "1"] + arguments)
            XCTAssertNotEqual(set.status, 0, "lan set 1 \(arguments.joined(separator: " ")): \(set)")
        }
        let raw = try daemon.ipmitool(["raw", "0x0c", "0x01", "0x01", "0x03", "192", "0", "2", "99"])
        XCTAssertTrue(raw.stderr.contains("rsp=0x82"), "\(raw)")
        let print = try daemon.ipmitool(["lan", "print", "1"])
        XCTAssertTrue(print.stdout.contains("IP Address              : 127.0.0.1\n"), "\(print)")
        XCTAssertTrue(print.stdout.contains("IP Address Source       : Static Address\n"), "\(print)")
        XCTAssertAnswered(try daemon.ipmitool(["lan", "set", "1", "snmp", "stillsettable"]))

        let simulated = try Daemon(Daemon.Options(extraConfig: LANConfigTests.lanConfig))
        XCTAssertAnswered(try simulated.ipmitool(["lan", "set", "1", "ipaddr", "192.0.2.99"]))
        let after = try simulated.ipmitool(["lan", "print", "1"])
        XCTAssertTrue(after.stdout.contains("IP Address              : 192.0.2.99\n"), "\(after)")
    }

    /// DHCP or an operator changes the switch's management address: `lan print` follows
    /// within the daemon's refresh interval. In a private network namespace with a veth pair,
    /// so the host's network is never touched.
    func testAddressesFollowTheInterface() throws {
        let namespace = try makeNetworkNamespace()
        try ip(namespace, ["link", "add", "v0", "type", "veth", "peer", "name", "v1"])
        try ip(namespace, ["link", "set", "v0", "address", "02:00:00:00:00:10"])
        try ip(namespace, ["addr", "add", "192.0.2.10/24", "dev", "v0"])
        try ip(namespace, ["link", "set", "v0", "up"])
        try ip(namespace, ["link", "set", "v1", "up"])
        try ip(namespace, ["route", "add", "default", "via", "192.0.2.1", "dev", "v0"])
        try ip(namespace, ["neigh", "replace", "192.0.2.1", "lladdr", "02:00:00:00:00:01", "dev", "v0", "nud", "permanent"])

        let daemon = try Daemon(Daemon.Options(extraConfig: "lan: { interface: v0 }", networkNamespace: namespace))
        addTeardownBlock { _ = daemon.stop() } // before the namespace goes
        // ip netns exec execs the daemon: the pid the harness signals is the daemon's own.
        let executable = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(daemon.pid)/exe")
        XCTAssertEqual(URL(fileURLWithPath: executable).lastPathComponent, "ipmigod")

        let before = try daemon.ipmitool(["lan", "print", "1"])
        XCTAssertAnswered(before)
        for line in ["IP Address              : 192.0.2.10", "Subnet Mask             : 255.255.255.0",
                     "MAC Address             : 02:00:00:00:00:10", "Default Gateway IP      : 192.0.2.1",
                     "Default Gateway MAC     : 02:00:00:00:00:01"] {
            XCTAssertTrue(before.stdout.contains(line + "\n"), "missing \"\(line)\" in \(before)")
        }
        XCTAssertNotEqual(try daemon.ipmitool(["lan", "set", "1", "ipaddr", "192.0.2.99"]).status, 0)

        try ip(namespace, ["addr", "flush", "dev", "v0"])
        try ip(namespace, ["link", "set", "v0", "address", "02:00:00:00:00:20"])
        try ip(namespace, ["addr", "add", "192.0.2.20/25", "dev", "v0"])
        try ip(namespace, ["route", "replace", "default", "via", "192.0.2.126", "dev", "v0"])
        try ip(namespace, ["neigh", "replace", "192.0.2.126", "lladdr", "02:00:00:00:00:7e", "dev", "v0", "nud", "permanent"])
        let after = try waitForLANPrint(daemon, showing: "IP Address              : 192.0.2.20\n")
        for line in ["Subnet Mask             : 255.255.255.128", "MAC Address             : 02:00:00:00:00:20",
                     "Default Gateway IP      : 192.0.2.126", "Default Gateway MAC     : 02:00:00:00:00:7e",
                     "IP Address Source       : Static Address"] {
            XCTAssertTrue(after.stdout.contains(line + "\n"), "missing \"\(line)\" in \(after)")
        }
        // Logged once, old -> new.
        XCTAssertEqual(daemon.log.components(separatedBy: "IP address 192.0.2.10 -> 192.0.2.20").count, 2, daemon.log)
    }

    /// At boot the management interface may not exist yet: the daemon starts anyway, with
    /// unknown addresses, and takes the interface's once it appears.
    func testMissingInterfaceIsTakenWhenItAppears() throws {
        let namespace = try makeNetworkNamespace()
        let daemon = try Daemon(Daemon.Options(extraConfig: "lan: { interface: v0 }", networkNamespace: namespace))
        addTeardownBlock { _ = daemon.stop() }
        let missing = try daemon.ipmitool(["lan", "print", "1"])
        XCTAssertAnswered(missing)
        XCTAssertTrue(missing.stdout.contains("IP Address              : 0.0.0.0\n"), "\(missing)")
        XCTAssertTrue(daemon.log.contains("no network interface named v0"), daemon.log)

        try ip(namespace, ["link", "add", "v0", "type", "veth", "peer", "name", "v1"])
        try ip(namespace, ["addr", "add", "192.0.2.10/24", "dev", "v0"])
        let appeared = try waitForLANPrint(daemon, showing: "IP Address              : 192.0.2.10\n")
        XCTAssertTrue(appeared.stdout.contains("Subnet Mask             : 255.255.255.0\n"), "\(appeared)")
        XCTAssertTrue(daemon.isRunning)
    }

    // MARK: Network namespaces

    /// A fresh network namespace with only lo (up), deleted when the test ends, pass or fail.
    /// Skips the test where namespaces cannot be made (not root, no CAP_SYS_ADMIN).
    private func makeNetworkNamespace() throws -> String {
        guard getuid() == 0 else { throw XCTSkip("network namespace tests need root (ip netns add)") }
        let name = "ipmigod-it-\(getpid())-\(UUID().uuidString.prefix(8))"
        let added = try runTool("ip", ["netns", "add", name])
        guard added.status == 0 else { throw XCTSkip("ip netns add failed, no network namespaces here: \(added.stderr)") }
        addTeardownBlock { _ = try? runTool("ip", ["netns", "delete", name]) }
        let entered = try runTool("ip", ["netns", "exec", name, "true"])
        guard entered.status == 0 else { throw XCTSkip("ip netns exec failed (no mount namespaces?): \(entered.stderr)") }
        try ip(name, ["link", "set", "lo", "up"])
        return name
    }

    private struct CommandFailed: Error, CustomStringConvertible { var description: String }

    private func ip(_ namespace: String, _ arguments: [String]) throws {
        let result = try runTool("ip", ["-n", namespace] + arguments)
        guard result.status == 0 else { throw CommandFailed(description: "ip \(arguments.joined(separator: " ")): \(result)") }
    }

    /// `lan print 1` until it shows `line`: within the daemon's 5 s refresh plus a margin.
    private func waitForLANPrint(_ daemon: Daemon, showing line: String, file: StaticString = #filePath,
                                 line assertLine: UInt = #line) throws -> ToolResult {
        let deadline = Date().addingTimeInterval(5 + 5)
        var result = try daemon.ipmitool(["lan", "print", "1"])
        while !result.stdout.contains(line) && Date() < deadline {
            usleep(250_000)
            result = try daemon.ipmitool(["lan", "print", "1"])
        }
        XCTAssertTrue(result.stdout.contains(line), "still no \"\(line)\" after 10 s: \(result)\n\(daemon.log)",
                      file: file, line: assertLine)
        return result
    }
}

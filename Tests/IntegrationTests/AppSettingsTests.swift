import Foundation
import XCTest

/// The rest of the LAN command set as ipmitool and freeipmi show it: events from a client,
/// session info by handle, global enables, system info, SOL parameters, LAN VLAN and cipher
/// suite privileges, K_G, and DCMI.
final class AppSettingsTests: XCTestCase {
    static let powerSupplies = """
        sensors:
          - { name: PSU1 Pin, type: power, entity: power_supply, instance: 1, linearization: { m: 2 },
              source: { simulated: { waveform: constant, value: 120 } } }
          - { name: PSU2 Pin, type: power, entity: power_supply, instance: 2, linearization: { m: 2 },
              source: { simulated: { waveform: constant, value: 60 } } }
        """

    /// The value after "key :" on the line that starts with `key`, whatever the column width.
    private func value(_ key: String, in output: String) -> String? {
        for line in output.split(separator: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix(key), let colon = trimmed.firstIndex(of: ":") else { continue }
            guard trimmed[..<colon].trimmingCharacters(in: .whitespaces) == key else { continue }
            return trimmed[trimmed.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return nil
    }

    /// `ipmitool event 1` (Temperature, upper critical going high) goes into the SEL with the
    /// console's software ID as generator, and through PEF's default filters to a PET.
    func testEventFromTheConsoleGoesIntoTheSELAndThroughPEF() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ipmigod-event-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let receiver = try TrapReceiver(folder: folder)
        defer { receiver.stop() }
        let daemon = try Daemon(Daemon.Options(extraConfig: """
            lan:
              ip_address: 127.0.0.9
              alert_destinations:
                - { selector: 1, address: 127.0.0.2, port: \(receiver.port), version: v1 }
            """))
        let event = try daemon.ipmitool(["event", "1"])
        XCTAssertAnswered(event)
        XCTAssertTrue(event.stdout.contains("Sending SAMPLE event: Temperature - Upper Critical - Going High"), "\(event)")
        let list = try daemon.ipmitool(["sel", "list"])
        XCTAssertAnswered(list)
        XCTAssertTrue(list.stdout.contains("Temperature #0x30 | Upper Critical going high | Asserted"), "\(list)")
        let raw = try daemon.ipmitool(["sel", "get", "1"])
        // Byte 1: rqSA 81h (software ID 40h); byte 2: channel 1, LUN 0.
        XCTAssertEqual(value("Generator ID", in: raw.stdout), "1081", "\(raw)")
        XCTAssertTrue(waitUntil(5) { receiver.traps.count == 1 }, receiver.output)
        XCTAssertEqual(receiver.traps.first?.specific, "65801", receiver.output) // temperature, threshold, offset 9

        let receiverAddress = try daemon.ipmitool(["raw", "0x04", "0x01"])
        XCTAssertEqual(receiverAddress.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "20 00", "\(receiverAddress)")
        let freeipmi = try daemon.freeipmi("ipmi-sel", ["--output-event-state"])
        XCTAssertEqual(freeipmi.status, 0, "\(freeipmi)")
        XCTAssertTrue(freeipmi.stdout.contains("Upper Critical - going high"), "\(freeipmi)")
    }

    func testSessionInfoByHandle() throws {
        let daemon = try Daemon()
        let info = try daemon.ipmitool(["session", "info", "handle", "1"])
        XCTAssertAnswered(info)
        XCTAssertTrue(info.stdout.contains("session handle                : 1"), "\(info)")
        XCTAssertTrue(info.stdout.contains("privilege level               : ADMINISTRATOR"), "\(info)")
    }

    func testGlobalEnablesPersist() throws {
        let daemon = try Daemon()
        let enables = try daemon.ipmitool(["mc", "getenables"])
        XCTAssertAnswered(enables)
        XCTAssertEqual(value("System Event Logging", in: enables.stdout), "enabled", "\(enables)")
        XCTAssertEqual(value("Receive Message Queue Interrupt", in: enables.stdout), "disabled", "\(enables)")
        XCTAssertAnswered(try daemon.ipmitool(["mc", "setenables", "system_event_log", "off"]))
        XCTAssertNotEqual(try daemon.ipmitool(["mc", "setenables", "recv_msg_intr", "on"]).status, 0)
        daemon.kill9()
        try daemon.start()
        XCTAssertEqual(value("System Event Logging", in: try daemon.ipmitool(["mc", "getenables"]).stdout), "disabled")
    }

    func testSystemInfoPersists() throws {
        let daemon = try Daemon()
        let name = try daemon.ipmitool(["mc", "getsysinfo", "system_name"])
        XCTAssertAnswered(name)
        XCTAssertEqual(name.stdout.trimmingCharacters(in: .whitespacesAndNewlines), ProcessInfo.processInfo.hostName, "\(name)")
        XCTAssertAnswered(try daemon.ipmitool(["mc", "setsysinfo", "primary_os_name", "SONiC.202405 with a long name"]))
        XCTAssertAnswered(try daemon.ipmitool(["mc", "setsysinfo", "system_fw_version", "ONIE 2023.05"]))
        daemon.kill9()
        try daemon.start()
        XCTAssertEqual(try daemon.ipmitool(["mc", "getsysinfo", "primary_os_name"]).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines), "SONiC.202405 with a long name")
        XCTAssertEqual(try daemon.ipmitool(["mc", "getsysinfo", "system_fw_version"]).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines), "ONIE 2023.05")
    }

    func testSOLInfo() throws {
        let daemon = try Daemon()
        let info = try daemon.ipmitool(["sol", "info", "1"])
        XCTAssertAnswered(info)
        for line in ["Enabled                         : false", "Payload Channel                 : 1 (0x01)",
                     "Payload Port                    : 623"] {
            XCTAssertTrue(info.stdout.contains(line), "\(line): \(info)")
        }
        XCTAssertAnswered(try daemon.ipmitool(["sol", "set", "non-volatile-bit-rate", "57.6", "1"]))
        XCTAssertNotEqual(try daemon.ipmitool(["sol", "set", "enabled", "true", "1"]).status, 0) // no SOL payload
        XCTAssertNotEqual(try daemon.ipmitool(["sol", "activate"], timeout: 10).status, 0)
        daemon.kill9()
        try daemon.start()
        XCTAssertTrue(try daemon.ipmitool(["sol", "info", "1"]).stdout.contains("Non-Volatile Bit Rate (kbps)    : 57.6"))
    }

    func testLANPrintAndCipherSuitePrivilegesEnforced() throws {
        let daemon = try Daemon(Daemon.Options(suites: [3, 17]))
        let print = try daemon.ipmitool(["lan", "print", "1"])
        XCTAssertAnswered(print)
        for line in ["802.1q VLAN ID          : Disabled", "802.1q VLAN Priority    : 0",
                     "RMCP+ Cipher Suites     : 3,17", "Cipher Suite Priv Max   : XXXaXXXXXXXXXXX"] {
            XCTAssertTrue(print.stdout.contains(line), "\(line): \(print)")
        }
        XCTAssertAnswered(try daemon.ipmitool(["lan", "set", "1", "cipher_privs", "XXXuXXXXXXXXXXX"], cipher: 17))
        XCTAssertTrue(try daemon.ipmitool(["lan", "print", "1"], cipher: 17).stdout.contains("Cipher Suite Priv Max   : XXXuXXXXXXXXXXX"))
        // Suite 3 is capped at User now: an Administrator session under it is refused, a User one works.
        XCTAssertNotEqual(try daemon.ipmitool(["mc", "info"], cipher: 3, timeout: 15).status, 0)
        XCTAssertAnswered(try daemon.ipmitool(["mc", "info"], cipher: 3, extra: ["-L", "USER"]))
        XCTAssertAnswered(try daemon.ipmitool(["lan", "set", "1", "vlan", "id", "100"], cipher: 17))
        daemon.kill9()
        try daemon.start()
        let after = try daemon.ipmitool(["lan", "print", "1"], cipher: 17)
        XCTAssertTrue(after.stdout.contains("802.1q VLAN ID          : 100"), "\(after)")
        XCTAssertNotEqual(try daemon.ipmitool(["mc", "info"], cipher: 3, timeout: 15).status, 0)
    }

    /// K_G set through bmc-config (ipmitool 1.8.19 has no command for it): from then on a
    /// console needs it, given as text (-k) or hex (-y); it survives kill -9 and is never read back.
    func testBMCKeyIsNeededOnceSet() throws {
        let daemon = try Daemon()
        let set = try daemon.freeipmi("bmc-config", ["--commit", "--key-pair=Lan_Conf_Security_Keys:K_G=switchkey"])
        XCTAssertEqual(set.status, 0, "\(set)")
        XCTAssertNotEqual(try daemon.ipmitool(["mc", "info"], timeout: 15).status, 0)
        XCTAssertAnswered(try daemon.ipmitool(["mc", "info"], extra: ["-k", "switchkey"]))
        XCTAssertAnswered(try daemon.ipmitool(["mc", "info"], extra: ["-y", "7377697463686b6579"]))
        let authcap = try daemon.ipmitool(["channel", "authcap", "1", "4"], extra: ["-k", "switchkey"])
        XCTAssertEqual(value("KG status", in: authcap.stdout), "non-zero", "\(authcap)")
        daemon.kill9()
        try daemon.start()
        XCTAssertNotEqual(try daemon.freeipmi("bmc-info", [], timeout: 15).status, 0)
        XCTAssertEqual(try daemon.freeipmi("bmc-info", ["-k", "switchkey"]).status, 0)
        let read = try daemon.freeipmi("bmc-config", ["--checkout", "--section", "Lan_Conf_Security_Keys", "-k", "switchkey"])
        XCTAssertTrue(read.stdout.contains("K_G"), "\(read)")
        XCTAssertFalse(read.stdout.lowercased().contains("7377697463686b6579"), "the key is never read back: \(read)")
        XCTAssertEqual(try daemon.ipmitool(["raw", "0x06", "0x56", "0x01", "0x01", "0x01"] + Array(repeating: "0x00", count: 20),
                                           extra: ["-k", "switchkey"]).status, 0)
        XCTAssertAnswered(try daemon.ipmitool(["mc", "info"]))
    }

    func testDCMI() throws {
        let daemon = try Daemon(Daemon.Options(extraConfig: Self.powerSupplies))
        Thread.sleep(forTimeInterval: 1.5) // a poll or two
        let reading = try daemon.ipmitool(["dcmi", "power", "reading"])
        XCTAssertAnswered(reading)
        // 120 W + 60 W, constant since the start.
        for key in ["Instantaneous power reading", "Minimum during sampling period", "Maximum during sampling period",
                    "Average power reading over sample period"] {
            XCTAssertEqual(value(key, in: reading.stdout), "180 Watts", "\(key): \(reading)")
        }
        XCTAssertEqual(value("Power reading state is", in: reading.stdout), "activated", "\(reading)")
        let statistics = try daemon.freeipmi("ipmi-dcmi", ["--get-system-power-statistics"])
        XCTAssertEqual(statistics.status, 0, "\(statistics)")
        XCTAssertEqual(value("Current Power", in: statistics.stdout), "180 Watts", "\(statistics)")
        XCTAssertEqual(value("Average Power over sampling duration", in: statistics.stdout), "180 watts", "\(statistics)")
        XCTAssertEqual(value("Power Measurement", in: statistics.stdout), "Active", "\(statistics)")

        let discover = try daemon.ipmitool(["dcmi", "discover"])
        XCTAssertAnswered(discover)
        XCTAssertTrue(discover.stdout.contains("Power management available"), "\(discover)")
        let capabilities = try daemon.freeipmi("ipmi-dcmi", ["--get-dcmi-capability-info"])
        XCTAssertEqual(capabilities.status, 0, "\(capabilities)")

        let host = ProcessInfo.processInfo.hostName
        XCTAssertTrue(try daemon.ipmitool(["dcmi", "get_mc_id_string"]).stdout.contains(host))
        XCTAssertEqual(try daemon.ipmitool(["dcmi", "set_mc_id_string", "rack7-leaf-switch-03"]).status, 0)
        let id = try daemon.freeipmi("ipmi-dcmi", ["--get-management-controller-identifier-string"])
        XCTAssertEqual(id.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "rack7-leaf-switch-03", "\(id)")
        XCTAssertEqual(try daemon.freeipmi("ipmi-dcmi", ["--set-management-controller-identifier-string=spine-1"]).status, 0)
        daemon.kill9()
        try daemon.start()
        XCTAssertTrue(try daemon.ipmitool(["dcmi", "get_mc_id_string"]).stdout.contains("spine-1"))
    }

    /// Each config tool checks out the configuration and commits that same file back, and the
    /// BMC then agrees with it (--diff). bmc-config's checkout exits 1 on any BMC that lacks a
    /// serial channel or one of cipher suites 0..15 (freeipmi counts every key it cannot fill as
    /// an error): the keys it leaves out must be only those, and the optional RMCP port
    /// parameters this BMC answers 80h to.
    func testConfigToolsRoundTrip() throws {
        let daemon = try Daemon(Daemon.Options(suites: [3, 17], extraConfig: Self.powerSupplies))
        for tool in ["bmc-config", "ipmi-pef-config", "ipmi-sensors-config"] {
            let file = daemon.folder.appendingPathComponent("\(tool).conf").path
            let checkout = try daemon.freeipmi(tool, ["--checkout", "--filename", file])
            if tool == "bmc-config" {
                let verbose = try daemon.freeipmi(tool, ["--checkout", "-vv"])
                let missing = verbose.stdout.split(separator: "\n").filter { $0.contains("Unable to checkout") }
                    .map { $0.replacingOccurrences(of: "\t## Unable to checkout ", with: "") }
                let expected = missing.filter { key in
                    key.contains(":Serial_") || key.hasPrefix("Serial_Channel:") || key.hasPrefix("Serial_Conf:")
                        || key.contains("_RMCP_Port")
                        || (key.hasPrefix("Rmcpplus_Conf_Privilege:") && !key.hasSuffix("_Id_3"))
                }
                XCTAssertEqual(missing, expected, "\(verbose)")
                XCTAssertFalse(missing.isEmpty)
                let file = try String(contentsOfFile: file, encoding: .utf8)
                XCTAssertTrue(verbose.stdout.contains("Vlan_id"), "\(verbose)") // shown with -v only
                for key in ["IPv6_IPv4_Addressing_Enables", "K_G", "K_R", "Maximum_Privilege_Cipher_Suite_Id_3",
                            "Enable_SOL", "SOL_Payload_Access", "Non_Volatile_Bit_Rate"] {
                    XCTAssertTrue(file.contains(key), "\(key) in \(file)")
                }
            } else {
                XCTAssertEqual(checkout.status, 0, "\(tool) checkout: \(checkout)")
            }
            let commit = try daemon.freeipmi(tool, ["--commit", "--filename", file])
            XCTAssertEqual(commit.status, 0, "\(tool) commit: \(commit)")
            let diff = try daemon.freeipmi(tool, ["--diff", "--filename", file])
            XCTAssertEqual(diff.status, 0, "\(tool) diff: \(diff)")
        }
    }
}

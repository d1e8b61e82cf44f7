import Foundation
import XCTest

/// The `chassis:` section's role keys as an operator meets them: `ipmigod check-config` shows
/// the role, and every mistake names the file, line and field.
final class ChassisRoleConfigTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("ipmigod-role-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    private func write(_ text: String, name: String = "ipmigod.yaml") throws -> String {
        let path = folder.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    private func config(chassis: String) -> String {
        """
        state_directory: /tmp/never-created
        listen: ["127.0.0.1:\(UDPSocket.freePort())"]
        lan_channel:
          cipher_suites: [{ id: 17 }]
        users:
          - { id: 2, name: admin, password: pw, privilege: administrator }
        \(chassis)
        """
    }

    private func checkConfig(_ path: String) throws -> ToolResult {
        try runTool(Daemon.binary, ["check-config", path])
    }

    func testManagementModuleRoleIsShown() throws {
        let path = try write(config(chassis: """
            chassis:
              role: mm
              slots: 3
              reading_max_age: 5
              link_timeout: 4
            """))
        let result = try checkConfig(path)
        XCTAssertEqual(result.status, 0, "\(result)")
        XCTAssertTrue(result.stdout.contains("chassis role: management module for slots 1-3 (reading max age 5.0 s, link timeout 4.0 s)"),
                      "\(result)")
    }

    func testLineCardRoleReadsItsPasswordFile() throws {
        let password = try write("linecard-secret\n", name: "lc.password")
        XCTAssertEqual(chmod(password, 0o600), 0)
        let path = try write(config(chassis: """
            chassis:
              role: lc
              slot: 2
              management_module: 127.0.0.1:6230
              user: linecard
              password_file: \(password)
              cipher_suite: 3
              heartbeat_interval: 0.5
            """))
        let result = try checkConfig(path)
        XCTAssertEqual(result.status, 0, "\(result)")
        XCTAssertTrue(result.stdout.contains("chassis role: line card in slot 2, IPMB address 0x84, management module "
            + "127.0.0.1:6230 as linecard, cipher suite 3"), "\(result)")
        XCTAssertFalse(result.stderr.contains("warning"), "a password file is the right place: \(result)")

        // The default port and an IPv6 management module.
        let v6 = try write(config(chassis: """
            chassis: { role: lc, slot: 55, management_module: "::1", user: linecard, password_file: \(password) }
            """))
        let v6Result = try checkConfig(v6)
        XCTAssertEqual(v6Result.status, 0, "\(v6Result)")
        XCTAssertTrue(v6Result.stdout.contains("line card in slot 55, IPMB address 0xEE, management module [::1]:623 as linecard, cipher suite 17"),
                      "\(v6Result)")
    }

    func testInlinePasswordIsAllowedWithAWarning() throws {
        let path = try write(config(chassis: """
            chassis:
              role: lc
              slot: 1
              management_module: 127.0.0.1
              user: linecard
              password: inline-secret
            """))
        let result = try checkConfig(path)
        XCTAssertEqual(result.status, 0, "\(result)")
        XCTAssertTrue(result.stderr.contains("warning: \(path):12: chassis.password: the line card's password is in the config file"),
                      "\(result)")
    }

    func testStandaloneShowsNoRole() throws {
        let path = try write(config(chassis: "chassis: { power_restore_policy: always-on }"))
        let result = try checkConfig(path)
        XCTAssertEqual(result.status, 0, "\(result)")
        XCTAssertFalse(result.stdout.contains("chassis role"), "\(result)")
    }

    func testErrorsNameFileLineAndField() throws {
        let lineCard = """
            chassis:
              role: lc
              slot: 2
              management_module: 127.0.0.1:6230
              user: linecard
              password: secret
            """
        // The chassis section starts on line 7, a block mapping's keys on line 8.
        let cases: [(chassis: String, expected: String)] = [
            ("chassis: { slots: 3 }", ":7: chassis.slots: needs chassis.role: mm or lc"),
            ("chassis: { role: master }", ":7: chassis.role: expected mm (management module) or lc (line card), not \"master\""),
            ("chassis: { role: mm }", ":7: chassis.slots: is required"),
            ("chassis: { role: mm, slots: 0 }", ":7: chassis.slots: expected a whole number from 1 to 55"),
            ("chassis: { role: mm, slots: 56 }", ":7: chassis.slots: expected a whole number from 1 to 55"),
            ("limits: { max_sessions: 16 }\nchassis: { role: mm, slots: 50 }",
             ":8: chassis.slots: 50 line cards need a session each on top of limits.max_sessions (16): 66 is more than the 63"),
            ("chassis: { role: mm, slots: 3, reading_max_age: 0 }", ":7: chassis.reading_max_age: expected a number from 1.0 to 3600.0"),
            ("chassis: { role: mm, slots: 3, link_timeout: soon }", ":7: chassis.link_timeout: expected a number from 1.0 to 3600.0"),
            ("chassis: { role: mm, slots: 3, slot: 1 }", ":7: chassis.slot: applies to role: lc only"),
            (lineCard.replacingOccurrences(of: "slot: 2", with: "slot: 0"), ":9: chassis.slot: expected a whole number from 1 to 55"),
            (lineCard.replacingOccurrences(of: "  slot: 2\n", with: ""), ":8: chassis.slot: is required"),
            (lineCard + "\n  slots: 3", ":13: chassis.slots: applies to role: mm only"),
            (lineCard.replacingOccurrences(of: "127.0.0.1:6230", with: "mm.example:623"),
             ":10: chassis.management_module: expected ADDRESS[:PORT] or [IPV6]:PORT with a numeric address, not \"mm.example:623\""),
            (lineCard.replacingOccurrences(of: "127.0.0.1:6230", with: "127.0.0.1:0"), ":10: chassis.management_module: expected ADDRESS[:PORT]"),
            (lineCard.replacingOccurrences(of: "  management_module: 127.0.0.1:6230\n", with: ""), ":8: chassis.management_module: is required"),
            (lineCard.replacingOccurrences(of: "user: linecard", with: "user: line card"),
             ":11: chassis.user: a user name is 1 to 16 printable ASCII characters without spaces"),
            (lineCard.replacingOccurrences(of: "\n  password: secret", with: ""),
             ":8: chassis.password_file: a line card needs the password of its user on the management module"),
            (lineCard + "\n  password_file: /nonexistent", ":8: chassis: give password or password_file, not both"),
            (lineCard.replacingOccurrences(of: "password: secret", with: "password_file: /nonexistent/lc.password"),
             ":12: chassis.password_file: cannot read /nonexistent/lc.password"),
            (lineCard.replacingOccurrences(of: "password: secret", with: "password: 123456789012345678901"),
             ":12: chassis.password: a password is at most 20 bytes"),
            (lineCard + "\n  cipher_suite: 5", ":13: chassis.cipher_suite: cipher suite 5 is not supported"),
            (lineCard + "\n  cipher_suite: 1", ":13: chassis.cipher_suite: cipher suite 1 has no integrity algorithm"),
            (lineCard + "\n  heartbeat_interval: 0", ":13: chassis.heartbeat_interval: expected a number from 0.1 to 60.0"),
            (lineCard + "\n  link_timeout: 8", ":13: chassis.link_timeout: applies to role: mm only"),
        ]
        for (chassis, expected) in cases {
            let path = try write(config(chassis: chassis))
            let result = try checkConfig(path)
            XCTAssertEqual(result.status, 78, "\(expected): \(result)")
            XCTAssertTrue(result.stderr.contains(path + expected), "expected \(path + expected) in: \(result)")
        }
    }

    /// The MM keeps a session per slot on top of the configured maximum: with max_sessions 1
    /// and two slots, two clients still log in side by side (the spare sessions are the line
    /// cards', but nothing reserves them while no line card is there).
    func testManagementModuleRaisesItsSessionLimitBySlots() throws {
        let daemon = try Daemon(Daemon.Options(maxSessions: 1, extraConfig: "chassis: { role: mm, slots: 2 }"))
        XCTAssertAnswered(try daemon.ipmitool(["mc", "info"]))
        let info = try daemon.ipmitool(["session", "info", "all"])
        XCTAssertEqual(info.status, 0, "\(info)")
        XCTAssertTrue(info.stdout.contains("slot count                    : 3"), "1 + 2 slots: \(info)")
    }
}

import XCTest

/// The App commands as ipmitool shows them.
final class AppCommandTests: XCTestCase {
    func testDeviceCommands() throws {
        let daemon = try Daemon()
        let guid = try daemon.ipmitool(["mc", "guid"])
        XCTAssertAnswered(guid)
        XCTAssertTrue(guid.stdout.contains("System GUID   : \(Daemon.guid)"), "\(guid)")
        XCTAssertTrue(guid.stdout.contains("GUID Encoding : IPMI"), "\(guid)")
        let selftest = try daemon.ipmitool(["mc", "selftest"])
        XCTAssertAnswered(selftest)
        XCTAssertTrue(selftest.stdout.contains("Selftest: passed"), "\(selftest)")
    }

    func testChannelCommands() throws {
        let daemon = try Daemon(Daemon.Options(suites: [3, 17, 1]))
        let info = try daemon.ipmitool(["channel", "info", "1"])
        XCTAssertAnswered(info)
        for line in ["Channel Medium Type   : 802.3 LAN", "Session Support       : multi-session",
                     "Active Session Count  : 1", "Access Mode         : always available"] {
            XCTAssertTrue(info.stdout.contains(line), "\(line): \(info)")
        }
        let authcap = try daemon.ipmitool(["channel", "authcap", "1", "4"])
        XCTAssertAnswered(authcap)
        for line in ["IPMI v1.5  auth types      : MD5 PASSWORD", "KG status                  : default (all zeroes)",
                     "Per message authentication : enabled", "Non-null user names exist  : yes",
                     "Anonymous login enabled    : no", "Channel supports IPMI v2.0 : yes"] {
            XCTAssertTrue(authcap.stdout.contains(line), "\(line): \(authcap)")
        }
        let ciphers = try daemon.ipmitool(["channel", "getciphers", "ipmi", "1"])
        XCTAssertAnswered(ciphers)
        let rows = ciphers.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: " ").map(String.init) }
        XCTAssertEqual(rows.map { $0[0] }, ["3", "17", "1"], "\(ciphers)")
        XCTAssertEqual(rows[1], ["17", "N/A", "hmac_sha256", "sha256_128", "aes_cbc_128"])

        let session = try daemon.ipmitool(["session", "info", "active"])
        XCTAssertAnswered(session)
        for line in ["user id                       : 2", "privilege level               : ADMINISTRATOR",
                     "session type                  : IPMIv2/RMCP+", "console ip                    : 127.0.0.1"] {
            XCTAssertTrue(session.stdout.contains(line), "\(line): \(session)")
        }
        XCTAssertAnswered(try daemon.ipmitool(["session", "info", "all"]))
    }

    func testUserManagement() throws {
        let daemon = try Daemon()
        let list = try daemon.ipmitool(["user", "list", "1"])
        XCTAssertAnswered(list)
        XCTAssertTrue(list.stdout.contains("2   admin            true    false      true       ADMINISTRATOR"), "\(list)")
        XCTAssertTrue(list.stdout.contains("4   watcher          true    false      true       USER"), "\(list)")

        for command in [["user", "set", "name", "7", "dave"], ["user", "set", "password", "7", "first-password"],
                        ["user", "priv", "7", "3", "1"], ["user", "enable", "7"]] {
            XCTAssertAnswered(try daemon.ipmitool(command))
        }
        XCTAssertTrue(try daemon.ipmitool(["user", "list", "1"]).stdout
            .contains("7   dave             true    false      true       OPERATOR"))
        XCTAssertAnswered(try daemon.ipmitool(["user", "test", "7", "16", "first-password"]))
        XCTAssertNotEqual(try daemon.ipmitool(["user", "test", "7", "16", "other"]).status, 0)
        XCTAssertAnswered(try daemon.ipmitool(["mc", "info"], user: "dave", password: "first-password", extra: ["-L", "OPERATOR"]))

        // A 20-byte password: the new one works, the old one no longer does, over both protocols.
        let twenty = "a-twenty-byte-secret"
        XCTAssertAnswered(try daemon.ipmitool(["user", "set", "password", "7", twenty, "20"]))
        XCTAssertAnswered(try daemon.ipmitool(["mc", "info"], user: "dave", password: twenty, extra: ["-L", "OPERATOR"]))
        XCTAssertNotEqual(try daemon.ipmitool(["mc", "info"], user: "dave", password: "first-password", extra: ["-L", "OPERATOR"]).status, 0)
        XCTAssertAnswered(try daemon.ipmitool(["user", "set", "password", "7", "short-pw"]))
        XCTAssertAnswered(try daemon.ipmitool(["mc", "info"], interface: "lan", user: "dave", password: "short-pw", extra: ["-L", "OPERATOR"]))

        // Privilege: an operator may not manage users.
        let denied = try daemon.ipmitool(["user", "set", "name", "8", "eve"], user: "dave", password: "short-pw", extra: ["-L", "OPERATOR"])
        XCTAssertTrue(denied.output.contains("Insufficient privilege level"), "\(denied)")

        XCTAssertAnswered(try daemon.ipmitool(["user", "disable", "7"]))
        XCTAssertNotEqual(try daemon.ipmitool(["mc", "info"], user: "dave", password: "short-pw", extra: ["-L", "OPERATOR"]).status, 0)
        XCTAssertAnswered(try daemon.ipmitool(["user", "enable", "7"]))
        XCTAssertAnswered(try daemon.ipmitool(["user", "priv", "7", "2", "1"]))
        XCTAssertAnswered(try daemon.ipmitool(["mc", "info"], user: "dave", password: "short-pw", extra: ["-L", "USER"]))
    }

    func testCompletionCodesThroughIpmitoolRaw() throws {
        let daemon = try Daemon()
        let cases: [([String], String)] = [
            (["raw", "0x06", "0xee"], "rsp=0xc1"),
            (["raw", "0x30", "0x01"], "rsp=0xc1"),
            (["raw", "0x06", "0x01", "0x00"], "rsp=0xc7"),
            (["raw", "0x06", "0x41", "0x01", "0x00"], "rsp=0xcc"),
            (["raw", "0x06", "0x42", "0x05"], "rsp=0xcc"),
        ]
        for (command, code) in cases {
            let result = try daemon.ipmitool(command)
            XCTAssertTrue(result.stderr.contains(code), "\(command): \(result)")
        }
        let user = try daemon.ipmitool(["raw", "0x06", "0x40", "0x01", "0x42", "0x44"], user: "watcher",
                                       password: "watcher-password-20b", extra: ["-L", "USER"])
        XCTAssertTrue(user.stderr.contains("rsp=0xd4"), "\(user)")
    }
}

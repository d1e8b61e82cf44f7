import XCTest

/// Sessions opened by the real ipmitool: IPMI 1.5 (`-I lan`) and RMCP+ (`-I lanplus`).
final class IpmitoolSessionTests: XCTestCase {
    func testLanWithMD5AndStraightPassword() throws {
        let daemon = try Daemon()
        for auth in ["MD5", "PASSWORD"] {
            let result = try daemon.ipmitool(["mc", "info"], interface: "lan", extra: ["-A", auth])
            XCTAssertAnswered(result)
            XCTAssertTrue(result.stdout.contains("Firmware Revision         : 2.17"), "\(auth): \(result)")
        }
    }

    func testLanplusWithEachCipherSuiteAndWithoutOne() throws {
        let daemon = try Daemon()
        for cipher in [1, 2, 3, 8, 15, 16, 17, nil] {
            let result = try daemon.ipmitool(["mc", "info"], cipher: cipher)
            XCTAssertAnswered(result)
            XCTAssertTrue(result.stdout.contains("Product ID                : 24114 (0x5e32)"), "-C \(cipher.map(String.init) ?? "none"): \(result)")
            XCTAssertTrue(result.stdout.contains("Manufacturer ID           : 4413"), "\(result)")
        }
    }

    /// Debian's ipmitool 1.8.19 has no MD5-128 integrity: it completes the handshake of suites
    /// 11 and 12 and then aborts on its own assert(0) while building the first message. The
    /// handshake is checked here; freeipmi exercises the whole suite in FreeipmiTests.
    func testLanplusSuite12HandshakeWithIpmitool() throws {
        let daemon = try Daemon()
        let result = try daemon.ipmitool(["mc", "info"], cipher: 12, extra: ["-vv"])
        if result.status == 0 {
            XCTAssertTrue(result.stdout.contains("Product ID"), "\(result)")
        } else {
            XCTAssertTrue(result.output.contains("SESSION OPENED SUCCESSFULLY"), "\(result)")
            XCTAssertTrue(result.output.contains("ipmi_lanplus_build_v2x_msg: Assertion"), "\(result)")
        }
    }

    func testFailuresAreCleanAndTheDaemonKeepsServing() throws {
        let daemon = try Daemon(Daemon.Options(suites: [3, 17]))
        let attempts: [(String, ToolResult)] = [
            ("wrong password", try daemon.ipmitool(["mc", "info"], password: "wrong")),
            ("unknown user", try daemon.ipmitool(["mc", "info"], user: "nobody", password: "x")),
            ("disabled user", try daemon.ipmitool(["mc", "info"], user: "retired", password: "retired")),
            ("privilege above the user's limit", try daemon.ipmitool(["mc", "info"], user: "watcher", password: "watcher-password-20b")),
            ("disabled cipher suite", try daemon.ipmitool(["mc", "info"], cipher: 1)),
            ("IPMI 1.5 unknown user", try daemon.ipmitool(["mc", "info"], interface: "lan", user: "nobody", password: "x")),
        ]
        for (what, result) in attempts {
            XCTAssertNotEqual(result.status, 0, "\(what): \(result)")
            XCTAssertTrue(result.stderr.contains("Unable to establish"), "\(what): \(result)")
            XCTAssertLessThan(result.seconds, 2, "\(what) should fail at once: \(result)")
        }
        XCTAssertTrue(attempts[4].1.stderr.contains("no matching cipher suite"), "\(attempts[4].1)")

        // A wrong IPMI 1.5 password gets silence (the spec drops bad authentication), so the client times out.
        let legacy = try daemon.ipmitool(["mc", "info"], interface: "lan", password: "wrong", extra: ["-N", "1", "-R", "1"])
        XCTAssertNotEqual(legacy.status, 0, "\(legacy)")

        XCTAssertAnswered(try daemon.ipmitool(["mc", "info"]))
        XCTAssertAnswered(try daemon.ipmitool(["mc", "info"], user: "watcher", password: "watcher-password-20b", extra: ["-L", "USER"]))
        XCTAssertTrue(daemon.isRunning)
    }

    /// IPMI 1.5 authentication type none is off unless the config lists it.
    func testAuthTypeNoneOnlyWhenConfigured() throws {
        let secure = try Daemon()
        let refused = try secure.ipmitool(["mc", "info"], interface: "lan", extra: ["-A", "NONE"])
        XCTAssertNotEqual(refused.status, 0, "\(refused)")
        XCTAssertTrue(refused.stderr.contains("Authentication type NONE not supported"), "\(refused)")
        secure.stop()

        let open = try Daemon(Daemon.Options(authTypes: "[none, md5]"))
        XCTAssertAnswered(try open.ipmitool(["mc", "info"], interface: "lan", extra: ["-A", "NONE"]))
    }

    func testIPv6AndIPv4OnTheSamePort() throws {
        let daemon = try Daemon(Daemon.Options(extraListen: ["[::1]:PORT"]))
        let v6 = try runTool("ipmitool", ["-I", "lanplus", "-H", "::1", "-p", String(daemon.port), "-U", "admin", "-P", "admin", "mc", "info"])
        XCTAssertAnswered(v6)
        XCTAssertTrue(v6.stdout.contains("Product ID"), "\(v6)")
        let freeipmi = try runTool("bmc-info", ["-h", "[::1]:\(daemon.port)", "-u", "admin", "-p", "admin", "-D", "LAN_2_0"])
        XCTAssertAnswered(freeipmi)
        XCTAssertAnswered(try daemon.ipmitool(["mc", "info"]))
    }

    func testSigtermStopsTheDaemonCleanly() throws {
        let daemon = try Daemon()
        XCTAssertAnswered(try daemon.ipmitool(["mc", "info"]))
        XCTAssertEqual(daemon.stop(), 0, daemon.log)
    }
}

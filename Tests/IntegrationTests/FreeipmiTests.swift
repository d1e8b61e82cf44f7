import XCTest

/// freeipmi's clients, with their default flags and no workarounds.
final class FreeipmiTests: XCTestCase {
    func testBmcInfoOverIPMI15AndRMCPPlus() throws {
        let daemon = try Daemon()
        for arguments in [["-D", "LAN"], ["-D", "LAN_2_0"], ["-D", "LAN_2_0", "-I", "3"], ["-D", "LAN_2_0", "-I", "17"],
                          ["-D", "LAN_2_0", "-I", "11"], ["-D", "LAN_2_0", "-I", "12"], ["-D", "LAN_2_0", "-I", "8"]] {
            let result = try runTool("bmc-info", ["-h", "127.0.0.1:\(daemon.port)", "-u", "admin", "-p", "admin"] + arguments)
            XCTAssertAnswered(result)
            XCTAssertTrue(result.stdout.contains("Firmware Revision     : 2.17"), "\(arguments): \(result)")
            XCTAssertTrue(result.stdout.contains("System GUID : \(Daemon.guid)"), "\(arguments): \(result)")
            XCTAssertTrue(result.stdout.contains("Medium Type          : 802.3 LAN"), "\(arguments): \(result)")
        }
    }

    func testBmcInfoRefusals() throws {
        let daemon = try Daemon(Daemon.Options(suites: [3, 17]))
        let wrong = try daemon.freeipmi("bmc-info", [], password: "wrong")
        XCTAssertTrue(wrong.stderr.contains("password invalid"), "\(wrong)")
        let unknown = try daemon.freeipmi("bmc-info", [], user: "nobody", password: "x")
        XCTAssertTrue(unknown.stderr.contains("username invalid"), "\(unknown)")
        let suite = try daemon.freeipmi("bmc-info", ["-I", "1"])
        XCTAssertTrue(suite.stderr.contains("cipher suite id unavailable"), "\(suite)")
        XCTAssertAnswered(try daemon.freeipmi("bmc-info", []))
    }

    /// ipmiping and rmcpping have no port option: they always use 623. The daemon also listens
    /// on 127.0.0.5:623 (not 127.0.0.1), which needs root, as CI has.
    func testIpmipingAndRmcpping() throws {
        try XCTSkipUnless(getuid() == 0, "binding a port below 1024 needs root")
        let daemon = try Daemon(Daemon.Options(extraListen: ["127.0.0.5:623"]))
        for tool in ["ipmiping", "rmcpping"] {
            let result = try runTool(tool, ["-c", "1", "127.0.0.5"], timeout: 10)
            XCTAssertEqual(result.status, 0, "\(tool): \(result)")
            XCTAssertTrue(result.stdout.contains("1 responses received") || result.stdout.contains("1 pongs received"), "\(result)")
        }
        let version2 = try runTool("ipmiping", ["-r", "2.0", "-c", "1", "127.0.0.5"], timeout: 10)
        XCTAssertTrue(version2.stdout.contains("1 responses received"), "\(version2)")
        _ = daemon
    }
}

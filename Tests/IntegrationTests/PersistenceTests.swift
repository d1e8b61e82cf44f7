import XCTest

/// What a client changed is durable once acknowledged: it survives SIGKILL.
final class PersistenceTests: XCTestCase {
    func testUserAndChannelChangesSurviveKill9() throws {
        let daemon = try Daemon()
        for command in [["user", "set", "name", "9", "frank"], ["user", "set", "password", "9", "frank-pw"],
                        ["user", "priv", "9", "4", "1"], ["user", "enable", "9"],
                        ["raw", "0x06", "0x40", "0x01", "0x52", "0x44"]] { // non-volatile: per-message auth off
            XCTAssertAnswered(try daemon.ipmitool(command))
        }
        daemon.kill9()
        try daemon.start()

        let list = try daemon.ipmitool(["user", "list", "1"], user: "frank", password: "frank-pw")
        XCTAssertAnswered(list)
        XCTAssertTrue(list.stdout.contains("9   frank            true    false      true       ADMINISTRATOR"), "\(list)")
        let info = try daemon.ipmitool(["channel", "info", "1"])
        let nonVolatile = info.stdout.components(separatedBy: "Non-Volatile Settings").last ?? ""
        XCTAssertTrue(nonVolatile.contains("Per-message Auth    : disabled"), "\(info)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: daemon.stateDirectory + "/users.json.tmp"))
    }
}

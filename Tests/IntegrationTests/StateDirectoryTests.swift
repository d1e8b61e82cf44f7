import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// The state directory and the files the daemon trusts, as an operator meets them: made
/// absolute, refused when others may change them (exit 78 and the reason), and password
/// files that only their owner may read.
final class StateDirectoryTests: XCTestCase {
    private var folder = ""

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("ipmigod-statedir-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: folder)
    }

    private func config(stateDirectory: String, port: Int, users: String = "  - { id: 2, name: admin, password: admin, privilege: administrator }",
                        extra: String = "") throws -> String {
        let path = folder + "/ipmigod.yaml"
        try """
            listen: ["127.0.0.1:\(port)"]
            state_directory: \(stateDirectory)
            users:
            \(users)
            \(extra)
            """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The daemon run from a working directory with a relative state directory writes only
    /// inside it: net-snmp's directory included (it used to land at the filesystem root).
    func testRelativeStateDirectoryWritesNothingOutsideIt() throws {
        let port = UDPSocket.freePort()
        let relative = "state-\(UUID().uuidString.prefix(8))"
        let path = try config(stateDirectory: relative, port: port, extra: """
            lan:
              ip_address: 127.0.0.9
              alert_destinations:
                - { selector: 1, address: 127.0.0.2, port: \(UDPSocket.freePort()), version: v3,
                    v3: { user: pet-user, auth_passphrase: pet-auth-pass, priv_passphrase: pet-priv-pass } }
            """)
        let log = folder + "/../" + URL(fileURLWithPath: folder).lastPathComponent + ".log"
        defer { try? FileManager.default.removeItem(atPath: log) }
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Daemon.binary)
        process.arguments = ["--config", path]
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        defer {
            process.terminate()
            process.waitUntilExit()
        }
        let logText = { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }
        XCTAssertTrue(waitUntil(15) { logText().contains("ipmigod started") }, logText())
        let alert = try runTool("ipmitool", ["-I", "lanplus", "-H", "127.0.0.1", "-p", "\(port)", "-U", "admin", "-P", "admin",
                                             "raw", "0x04", "0x16", "0x01", "0x01", "0x00"])
        XCTAssertEqual(alert.status, 0, "\(alert)")
        Thread.sleep(forTimeInterval: 0.5)
        process.terminate()
        process.waitUntilExit()

        let absolute = URL(fileURLWithPath: folder + "/" + relative).resolvingSymlinksInPath().path
        XCTAssertTrue(logText().contains("state_directory: \(absolute)") || logText().contains(absolute), logText())
        XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: folder)), ["ipmigod.yaml", relative],
                       "nothing beside the state directory")
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder + "/" + relative + "/snmp"), "net-snmp's directory inside it")
        XCTAssertFalse(FileManager.default.fileExists(atPath: "/" + relative), "nothing at the filesystem root")
    }

    func testStateDirectoryOthersMayWriteIsRefusedWith78() throws {
        let state = folder + "/state"
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        XCTAssertEqual(chmod(state, 0o777), 0)
        let result = try runTool(Daemon.binary, ["--config", try config(stateDirectory: state, port: UDPSocket.freePort())],
                                 timeout: 10)
        XCTAssertEqual(result.status, 78, "\(result)")
        XCTAssertTrue(result.stderr.contains("state directory \(state): is writable by group or others (mode 777)"), "\(result)")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: state), [], "nothing written into it")
    }

    /// A password file others may read is refused by check-config and at start, naming the
    /// file, line and field; once private, its first line is the password.
    func testPasswordFileReadableByOthersIsRefusedAndItsFirstLineIsThePassword() throws {
        let passwordFile = folder + "/admin.password"
        try "s3cret-pass\nthe first line is the password; this one is not\n".write(toFile: passwordFile, atomically: false,
                                                                                     encoding: .utf8)
        XCTAssertEqual(chmod(passwordFile, 0o640), 0)
        let port = UDPSocket.freePort()
        let path = try config(stateDirectory: folder + "/state", port: port, users: """
              - id: 2
                name: admin
                password_file: \(passwordFile)
                privilege: administrator
            """)
        let expected = "\(path):6: users[0].password_file: \(passwordFile) is readable or writable by group or others (mode 640)"
        let check = try runTool(Daemon.binary, ["check-config", path])
        XCTAssertEqual(check.status, 78, "\(check)")
        XCTAssertTrue(check.stderr.contains(expected), "\(check)")
        let start = try runTool(Daemon.binary, ["--config", path], timeout: 10)
        XCTAssertEqual(start.status, 78, "\(start)")
        XCTAssertTrue(start.stderr.contains(expected), "\(start)")

        XCTAssertEqual(chmod(passwordFile, 0o600), 0)
        XCTAssertEqual(try runTool(Daemon.binary, ["check-config", path]).status, 0)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Daemon.binary)
        process.arguments = ["--config", path]
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        defer {
            process.terminate()
            process.waitUntilExit()
        }
        let ipmitool = { (password: String) in
            try runTool("ipmitool", ["-I", "lanplus", "-H", "127.0.0.1", "-p", "\(port)", "-U", "admin", "-P", password, "mc", "info"])
        }
        XCTAssertTrue(waitUntil(10) { (try? ipmitool("s3cret-pass"))?.status == 0 }, "the first line is the password")
        XCTAssertNotEqual(try ipmitool("s3cret-pass\nthe first line").status, 0)
    }

    /// Weak settings a config may hold: check-config says so, with file, line and field, and passes.
    func testCheckConfigWarnsAboutWeakSettings() throws {
        let path = try config(stateDirectory: folder + "/state", port: UDPSocket.freePort(), users: """
              - { id: 1, password: anyone, privilege: user }
              - { id: 2, name: admin, password: admin, privilege: administrator }
            """, extra: """
            lan_channel:
              auth_types: { user: [md5, none] }
              cipher_suites:
                - { id: 17 }
                - { id: 0, max_privilege: user }
            """)
        let result = try runTool(Daemon.binary, ["check-config", path])
        XCTAssertEqual(result.status, 0, "\(result)")
        for warning in [":4: users[0].id: the null user", ":7: lan_channel.auth_types.user[1]: authentication type none",
                        ":10: lan_channel.cipher_suites[1].id: cipher suite 0"] {
            XCTAssertTrue(result.stderr.contains("warning: \(path)\(warning)"), "\(warning) in \(result)")
        }
    }
}

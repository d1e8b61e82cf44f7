import Foundation
import XCTest

/// The config file as an operator meets it: `ipmigod check-config` and start-up refusals.
final class ConfigTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("ipmigod-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    static var repository: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    func write(_ text: String, name: String = "ipmigod.yaml") throws -> String {
        let path = folder.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func testShippedExamplesAreValid() throws {
        let simulate = Self.repository.appendingPathComponent("conf/ipmigod-simulate.yaml").path
        let result = try runTool(Daemon.binary, ["check-config", simulate])
        XCTAssertEqual(result.status, 0, "\(result)")

        // The real-switch example reads the admin password from a file.
        let passwordFile = try write("s3cret\n", name: "admin.password")
        XCTAssertEqual(chmod(passwordFile, 0o600), 0, "only its owner may read a password file")
        let example = try String(contentsOf: Self.repository.appendingPathComponent("conf/ipmigod.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "/etc/ipmigod/admin.password", with: passwordFile)
        let real = try runTool(Daemon.binary, ["check-config", try write(example)])
        XCTAssertEqual(real.status, 0, "\(real)")
        XCTAssertTrue(real.stdout.contains("cipher suites 3,17"), "\(real)")
    }

    func testErrorsNameFileLineAndField() throws {
        let base = """
            state_directory: /tmp/never-created
            lan_channel:
              cipher_suites:
                - { id: 3 }
            users:
              - id: 2
                name: admin
                password: pw
                privilege: administrator
            """
        let cases: [(from: String, to: String, expected: String)] = [
            ("    password: pw", "    pasword: pw", ":8: users[0].pasword: unknown key"),
            ("    privilege: administrator", "    privilege: root", ":9: users[0].privilege: expected callback, user, operator or administrator"),
            ("    - { id: 3 }", "    - { id: 5 }", ":4: lan_channel.cipher_suites[0].id: cipher suite 5 is not supported"),
            ("    password: pw", "    enabled: true", ":6: users[0].password: an enabled user needs a password"),
            ("state_directory: /tmp/never-created", "state_directory: /tmp/never-created\nlisten: [\"127.0.0.1:99999\"]", ":2: listen[0]: expected ADDRESS:PORT"),
            ("  cipher_suites:", "  cipher_suites: [", ":4: not valid YAML"),
        ]
        for (from, to, expected) in cases {
            let path = try write(base.replacingOccurrences(of: from, with: to))
            let result = try runTool(Daemon.binary, ["check-config", path])
            XCTAssertEqual(result.status, 78, "\(expected): \(result)")
            XCTAssertTrue(result.stderr.contains(path + expected), "expected \(path + expected) in: \(result)")
        }
    }

    func testDaemonRefusesToStartOnABadConfig() throws {
        let state = folder.appendingPathComponent("state").path
        let path = try write("""
            state_directory: \(state)
            listen: ["127.0.0.1:\(UDPSocket.freePort())"]
            limits: { max_sessions: 500 }
            """)
        let result = try runTool(Daemon.binary, ["--config", path], timeout: 10)
        XCTAssertEqual(result.status, 78, "\(result)")
        XCTAssertTrue(result.stderr.contains("\(path):3: limits.max_sessions: expected a whole number from 1 to 63"), "\(result)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: state), "nothing was half-started")
    }

    func testSimulateModeRunsTheEmbeddedConfig() throws {
        let port = UDPSocket.freePort()
        let state = folder.appendingPathComponent("state").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Daemon.binary)
        process.arguments = ["--simulate", "--listen", "127.0.0.1:\(port)", "--state-dir", state, "--http-listen", "127.0.0.1:0"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer {
            process.terminate()
            process.waitUntilExit()
        }
        let banner = output.fileHandleForReading.availableData
        XCTAssertTrue(String(decoding: banner, as: UTF8.self)
            .contains("ipmitool -I lanplus -H 127.0.0.1 -p \(port) -U admin -P admin mc info"))
        let result = try runTool("ipmitool", ["-I", "lanplus", "-H", "127.0.0.1", "-p", "\(port)", "-U", "admin", "-P", "admin", "mc", "guid"])
        XCTAssertAnswered(result)
        XCTAssertTrue(result.stdout.contains("5ec7a1e0-1d2b-4c3d-9e4f-000000000001"), "\(result)")
    }
}

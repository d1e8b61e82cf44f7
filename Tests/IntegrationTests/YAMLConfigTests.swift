import Foundation
import XCTest

/// The YAML the config reader accepts (libyaml underneath, no Foundation): the styles configs
/// use, and the errors that must still name the file, the line and the field.
final class YAMLConfigTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("ipmigod-yaml-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    private func checkConfig(_ text: String) throws -> (path: String, result: ToolResult) {
        let path = folder.appendingPathComponent("ipmigod.yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return (path, try runTool(Daemon.binary, ["check-config", path]))
    }

    func testBlockFlowQuotedHexCommentsAnchorsAndNulls() throws {
        let (_, result) = try checkConfig("""
            # a comment line
            state_directory: "/tmp/never-created"   # a quoted scalar, then a comment
            listen: ['127.0.0.1:6230', "[::1]:6230"]
            device: { device_id: 0x20, manufacturer_id: 0x00_1C_4C, product_id: 17 }
            limits:
              max_sessions: 0x0A
              idle_timeout: 1.5e1
            lan_channel:
              cipher_suites:
                - { id: 3, max_privilege: administrator }
                - id: 17
                  max_privilege: &admin administrator
            users:
              - id: 2
                name: admin
                password: &secret "pw: with a colon"
                privilege: *admin
              - { id: 3, name: op, password: *secret, privilege: operator, enabled: yes }
            fru: ~
            pef:
            """)
        XCTAssertEqual(result.status, 0, "\(result)")
        XCTAssertTrue(result.stdout.contains("OK (2 users, cipher suites 3,17, listening on 127.0.0.1:6230 [::1]:6230)"),
                      "\(result)")
    }

    func testErrorsNameTheLineAndField() throws {
        let base = """
            state_directory: /tmp/never-created
            users:
              - id: 2
                name: admin
                password: pw
                privilege: administrator
            """
        let cases: [(from: String, to: String, expected: String)] = [
            ("    password: pw", "    password: pw\n    name: again", ":6: users[0].name: not valid YAML: duplicate key (first at line 4)"),
            ("state_directory: /tmp/never-created", "state_directory: /tmp/never-created\nstate_directory: /tmp/x",
             ":2: state_directory: not valid YAML: duplicate key (first at line 1)"),
            ("    privilege: administrator", "    privilege: *nowhere", ":6: users[0].privilege: not valid YAML: *nowhere names no anchor"),
            ("    name: admin", "    name: \"admin", ":6: not valid YAML: while scanning a quoted scalar (from line 4): found unexpected end of stream"),
            ("    privilege: administrator", "    privilege: administrator\n---\nusers: []", ":7: not valid YAML: a config file holds one document"),
            ("    privilege: administrator", "    privilege: [administrator]", ":6: users[0].privilege: expected a single value"),
            ("  - id: 2", "  - id: 0x1G", ":3: users[0].id: expected a whole number"),
            ("    password: pw", "    password: pw\n    enabled: maybe", ":6: users[0].enabled: expected true or false"),
        ]
        for (from, to, expected) in cases {
            let (path, result) = try checkConfig(base.replacingOccurrences(of: from, with: to))
            XCTAssertEqual(result.status, 78, "\(expected): \(result)")
            XCTAssertTrue(result.stderr.contains(path + expected), "expected \(path + expected) in: \(result)")
        }
    }

    func testEmptyAndCommentOnlyFilesAreRefused() throws {
        for text in ["", "# nothing but a comment\n"] {
            let (path, result) = try checkConfig(text)
            XCTAssertEqual(result.status, 78, "\(result)")
            XCTAssertTrue(result.stderr.contains("\(path): the file is empty"), "\(result)")
        }
    }
}

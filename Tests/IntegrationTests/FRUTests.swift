import Foundation
import IPMICore
import XCTest

/// FRU device 0 as ipmitool and freeipmi show it and change it, with their default flags.
final class FRUTests: XCTestCase {
    static let config = """
        fru:
          chassis: { type: 0x17, part_number: "SIM-32X100G-CH", serial_number: "SIMCH0000001" }
          board: { manufactured: "2026-01-15T08:00:00Z", manufacturer: "ipmigod", product_name: "Simulated 32x100G Switch Board",
                   serial_number: "SIMBD0000001", part_number: "SIM-32X100G-MB" }
          product: { manufacturer: "ipmigod", name: "Simulated 32x100G Switch", part_number: "SIM-32X100G", version: "1.0",
                     serial_number: "SIM0000001", asset_tag: "OLDTAG" }

        """

    override func setUp() {
        // Both tools print the board date in local time.
        setenv("TZ", "UTC", 1)
    }

    func testIpmitoolAndFreeipmiPrintEveryConfiguredField() throws {
        let daemon = try Daemon(Daemon.Options(extraConfig: Self.config))
        let ipmitoolLines = [
            " Chassis Type          : Rack Mount Chassis",
            " Chassis Part Number   : SIM-32X100G-CH",
            " Chassis Serial        : SIMCH0000001",
            " Board Mfg Date        : Thu Jan 15 08:00:00 2026 UTC",
            " Board Mfg             : ipmigod",
            " Board Product         : Simulated 32x100G Switch Board",
            " Board Serial          : SIMBD0000001",
            " Board Part Number     : SIM-32X100G-MB",
            " Product Manufacturer  : ipmigod",
            " Product Name          : Simulated 32x100G Switch",
            " Product Part Number   : SIM-32X100G",
            " Product Version       : 1.0",
            " Product Serial        : SIM0000001",
            " Product Asset Tag     : OLDTAG",
        ]
        for command in [["fru", "print", "0"], ["fru", "print"]] {
            let result = try daemon.ipmitool(command)
            XCTAssertAnswered(result, within: 5)
            XCTAssertLines(ipmitoolLines, in: result)
        }

        let freeipmi = try daemon.freeipmi("ipmi-fru", ["--sdr-cache-directory", daemon.folder.path])
        XCTAssertAnswered(freeipmi, within: 5)
        XCTAssertLines([
            "  FRU Chassis Type: Rack Mount Chassis",
            "  FRU Chassis Part Number: SIM-32X100G-CH",
            "  FRU Chassis Serial Number: SIMCH0000001",
            "  FRU Board Manufacturing Date/Time: 01/15/26 - 08:00:00",
            "  FRU Board Manufacturer: ipmigod",
            "  FRU Board Product Name: Simulated 32x100G Switch Board",
            "  FRU Board Serial Number: SIMBD0000001",
            "  FRU Board Part Number: SIM-32X100G-MB",
            "  FRU Product Manufacturer Name: ipmigod",
            "  FRU Product Name: Simulated 32x100G Switch",
            "  FRU Product Part/Model Number: SIM-32X100G",
            "  FRU Product Version: 1.0",
            "  FRU Product Serial Number: SIM0000001",
            "  FRU Product Asset Tag: OLDTAG",
        ], in: freeipmi)
    }

    func testWritesSurviveKill9() throws {
        let daemon = try Daemon(Daemon.Options(extraConfig: Self.config))

        // Same length: ipmitool rewrites the product area in place.
        let edit = try daemon.ipmitool(["fru", "edit", "0", "field", "p", "5", "NEWTAG"])
        XCTAssertAnswered(edit, within: 5)
        daemon.kill9()
        try daemon.start()
        let edited = try daemon.ipmitool(["fru", "print", "0"])
        XCTAssertLines([" Product Asset Tag     : NEWTAG", " Board Mfg             : ipmigod"], in: edited)

        // A whole new image, shorter than the device: its header points at the new areas only.
        var replacement = FRUConfiguration()
        replacement.product = FRUConfiguration.Product()
        replacement.product?.manufacturer = "ipmigod"
        replacement.product?.name = "Replacement Switch"
        replacement.product?.serialNumber = "SIM0000002"
        let file = daemon.folder.appendingPathComponent("replacement.bin")
        try Data(FRUEncoder.image(for: replacement)).write(to: file)
        XCTAssertAnswered(try daemon.ipmitool(["fru", "write", "0", file.path]), within: 5)
        daemon.kill9()
        try daemon.start()
        let replaced = try daemon.freeipmi("ipmi-fru", ["--sdr-cache-directory", daemon.folder.path])
        XCTAssertAnswered(replaced, within: 5)
        XCTAssertLines(["  FRU Product Name: Replacement Switch", "  FRU Product Serial Number: SIM0000002"], in: replaced)
        XCTAssertFalse(replaced.stdout.contains("FRU Board"), "\(replaced)")
    }

    func testConfigErrorsNameFileLineAndField() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ipmigod-fru-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let tooLong = String(repeating: "x", count: 64)
        let cases: [(fru: String, expected: String)] = [
            ("  product: { name: \"\(tooLong)\" }", ":3: fru.product.name: expected at most 63 printable ASCII characters"),
            ("  board: { manufactured: \"2028-01-01T00:00:00Z\" }",
             ":3: fru.board.manufactured: the FRU format holds dates from 1996-01-01T00:01:00Z to 2027-11-24T20:15:00Z"),
            ("  board: { manufactured: \"last tuesday\" }", ":3: fru.board.manufactured: expected a date like 2026-01-15T08:00:00Z"),
            ("  chassis: { type: 0x100 }", ":3: fru.chassis.type: expected a whole number from 1 to 255"),
            ("  product: { asset: \"A1\" }", ":3: fru.product.asset: unknown key"),
            ("  boards: {}", ":3: fru.boards: unknown key"),
        ]
        for (fru, expected) in cases {
            let path = folder.appendingPathComponent("ipmigod.yaml").path
            try "state_directory: /tmp/never-created\nfru:\n\(fru)\n".write(toFile: path, atomically: true, encoding: .utf8)
            let result = try runTool(Daemon.binary, ["check-config", path])
            XCTAssertEqual(result.status, 78, "\(expected): \(result)")
            XCTAssertTrue(result.stderr.contains(path + expected), "expected \(path + expected) in: \(result)")
        }
    }
}

/// Asserts that each of `lines` is a whole line of the tool's output.
private func XCTAssertLines(_ lines: [String], in result: ToolResult, file: StaticString = #filePath, line: UInt = #line) {
    let output = Set(result.stdout.components(separatedBy: "\n"))
    for expected in lines where !output.contains(expected) {
        XCTFail("missing \"\(expected)\" in: \(result)", file: file, line: line)
    }
}

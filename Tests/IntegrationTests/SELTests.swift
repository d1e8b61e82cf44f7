import Foundation
import XCTest

/// The System Event Log through ipmitool and freeipmi, and its durability across kill -9.
final class SELTests: XCTestCase {
    static let config = "sel:\n  capacity: 64\n"

    /// ipmitool's `sel add` format: EvM revision, sensor type, sensor number, event direction
    /// and type, event data 1-3.
    static let events = """
        0x04 0x01 0x30 0x01 0x57 0x00 0x00   # temperature 0x30, upper non-critical going high
        0x04 0x02 0x31 0x81 0x02 0x00 0x00   # voltage 0x31, lower critical going low, deasserted
        """

    func testIpmitoolAddListDeleteClearAndTime() throws {
        let daemon = try Daemon(Daemon.Options(extraConfig: Self.config))
        let info = try daemon.ipmitool(["sel", "info"])
        XCTAssertAnswered(info)
        for line in ["Version          : 1.5 (v1.5, v2 compliant)", "Entries          : 0", "Free Space       : 1024 bytes",
                     "Last Add Time    : Not Available", "Overflow         : false",
                     "Supported Cmds   : 'Delete' 'Partial Add' 'Reserve' 'Get Alloc Info'", "# of Alloc Units : 64"] {
            XCTAssertTrue(info.stdout.contains(line), "\(line): \(info)")
        }

        // ipmitool 1.8.19 parses the time with the C locale's "%x %X": a two-digit year.
        let set = try daemon.ipmitool(["sel", "time", "set", "01/15/24 10:00:00"])
        XCTAssertAnswered(set)
        XCTAssertTrue(set.stdout.hasPrefix("01/15/24 10:00:0"), "\(set)")
        let eventsFile = daemon.folder.appendingPathComponent("events.txt")
        try Self.events.write(to: eventsFile, atomically: true, encoding: .utf8)
        XCTAssertAnswered(try daemon.ipmitool(["sel", "add", eventsFile.path]))

        for command in ["list", "elist"] {
            let list = try daemon.ipmitool(["sel", command])
            XCTAssertAnswered(list)
            let rows = table(list.stdout)
            XCTAssertEqual(rows.count, 2, "\(list)")
            XCTAssertEqual(rows.first?[0...1], ["1", "01/15/24"], "\(list)")
            XCTAssertTrue(rows.first?[2].hasPrefix("10:00:0") == true, "stamped with the SEL clock: \(list)")
            XCTAssertEqual(rows.first?[4...5], ["Upper Non-critical going high", "Asserted"], "\(list)")
            XCTAssertEqual(rows.last?[0], "2", "\(list)")
            XCTAssertEqual(rows.last?[4...5], ["Lower Critical going low", "Deasserted"], "\(list)")
            if command == "list" {
                XCTAssertEqual(rows.first?[3], "Temperature #0x30", "\(list)")
                XCTAssertEqual(rows.last?[3], "Voltage #0x31", "\(list)")
            }
        }
        XCTAssertTrue(try daemon.ipmitool(["sel", "time", "get"]).stdout.hasPrefix("01/15/24 10:00:"))

        let delete = try daemon.ipmitool(["sel", "delete", "1"])
        XCTAssertAnswered(delete)
        XCTAssertEqual(delete.stdout, "Deleted entry 1\n")
        XCTAssertEqual(table(try daemon.ipmitool(["sel", "list"]).stdout).map { $0[0] }, ["2"])
        let afterDelete = try daemon.ipmitool(["sel", "info"]).stdout
        XCTAssertTrue(afterDelete.contains("Entries          : 1\n"), afterDelete)
        XCTAssertTrue(afterDelete.contains("Last Del Time    : 01/15/24 10:00:"), afterDelete)

        let clear = try daemon.ipmitool(["sel", "clear"])
        XCTAssertAnswered(clear)
        XCTAssertTrue(clear.stdout.contains("Clearing SEL."), "\(clear)")
        let empty = try daemon.ipmitool(["sel", "list"])
        XCTAssertTrue(empty.stderr.contains("SEL has no entries"), "\(empty)")
        XCTAssertTrue(try daemon.ipmitool(["sel", "info"]).stdout.contains("Entries          : 0\n"))
    }

    func testFreeipmiListsAndClears() throws {
        let daemon = try Daemon(Daemon.Options(extraConfig: Self.config))
        let eventsFile = daemon.folder.appendingPathComponent("events.txt")
        try Self.events.write(to: eventsFile, atomically: true, encoding: .utf8)
        XCTAssertAnswered(try daemon.ipmitool(["sel", "add", eventsFile.path]))
        let cache = daemon.folder.appendingPathComponent("sdr-cache").path
        try FileManager.default.createDirectory(atPath: cache, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let cacheOptions = ["--sdr-cache-directory", cache, "--quiet-cache"]

        let list = try daemon.freeipmi("ipmi-sel", cacheOptions)
        XCTAssertEqual(list.status, 0, "\(list)")
        let rows = table(list.stdout)
        XCTAssertEqual(rows.map { $0[0] }, ["ID", "1", "2"], "\(list)")
        XCTAssertEqual(rows[1][4], "Temperature", "\(list)")
        XCTAssertTrue(rows[1][5].hasPrefix("Upper Non-critical - going high"), "\(list)")
        XCTAssertEqual(rows[2][4...5], ["Voltage", "Lower Critical - going low"], "\(list)")

        let info = try daemon.freeipmi("ipmi-sel", ["--info"])
        XCTAssertTrue(info.stdout.contains("Number of log entries                  : 2\n"), "\(info)")
        XCTAssertTrue(info.stdout.contains("Free space remaining                   : 992 bytes\n"), "\(info)")

        XCTAssertEqual(try daemon.freeipmi("ipmi-sel", ["--clear"]).status, 0)
        let cleared = try daemon.freeipmi("ipmi-sel", cacheOptions)
        XCTAssertEqual(cleared.status, 0, "\(cleared)")
        XCTAssertEqual(cleared.stdout, "", "nothing to list")
        XCTAssertTrue(try daemon.freeipmi("ipmi-sel", ["--info"]).stdout.contains("Number of log entries                  : 0\n"))
    }

    func testFullSELStopsOrOverwrites() throws {
        let seventeen = (1...17).map { String(format: "0x04 0x01 0x%02x 0x01 0x57 0x00 0x00", $0) }.joined(separator: "\n")

        let stopping = try Daemon(Daemon.Options(extraConfig: "sel:\n  capacity: 16\n  when_full: stop\n"))
        let stoppingFile = stopping.folder.appendingPathComponent("events.txt")
        try seventeen.write(to: stoppingFile, atomically: true, encoding: .utf8)
        let refused = try stopping.ipmitool(["sel", "add", stoppingFile.path])
        XCTAssertTrue(refused.stderr.contains("Add SEL Entry failed: Out of space"), "\(refused)")
        let full = try stopping.ipmitool(["sel", "info"]).stdout
        XCTAssertTrue(full.contains("Entries          : 16\n") && full.contains("Free Space       : 0 bytes"), full)
        XCTAssertTrue(full.contains("Overflow         : true"), full)

        let overwriting = try Daemon(Daemon.Options(extraConfig: "sel:\n  capacity: 16\n  when_full: overwrite\n"))
        let overwritingFile = overwriting.folder.appendingPathComponent("events.txt")
        try seventeen.write(to: overwritingFile, atomically: true, encoding: .utf8)
        XCTAssertAnswered(try overwriting.ipmitool(["sel", "add", overwritingFile.path]), within: 5)
        let rows = table(try overwriting.ipmitool(["sel", "list"]).stdout)
        XCTAssertEqual(rows.count, 16)
        XCTAssertEqual(rows.first?[0], "2", "the oldest entry made room")
        XCTAssertEqual(rows.first?[3], "Temperature #0x02")
        XCTAssertEqual(rows.last?[0], "11", "ipmitool prints record IDs in hex")
        XCTAssertEqual(rows.last?[3], "Temperature #0x11")
    }

    /// A client adds entries in a loop while the daemon is killed at random moments: every add
    /// it saw acknowledged is there after the last restart, the store always loaded cleanly, and
    /// a torn record at the end of the log is dropped with a warning.
    func testAcknowledgedEntriesSurviveKill9() throws {
        let daemon = try Daemon(Daemon.Options(extraConfig: "sel:\n  capacity: 4096\n"))
        let writer = SELWriter(port: daemon.port)
        writer.start()
        for _ in 0..<5 {
            Thread.sleep(forTimeInterval: Double.random(in: 0.3...1.2))
            daemon.kill9()
            try daemon.start()
            assertLoadedCleanly(daemon)
        }
        let acknowledged = writer.stop()
        // Last, what a power cut mid-append leaves: part of a record at the end of the log.
        daemon.kill9()
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: daemon.stateDirectory + "/sel.log"))
        log.seekToEndOfFile()
        log.write(Data((0..<Int.random(in: 1...27)).map { _ in UInt8.random(in: 0...255) }))
        try log.close()
        try daemon.start()
        XCTAssertTrue(daemon.log.contains(" warning ") && daemon.log.contains("SEL log: dropped"), daemon.log)
        for bad in [" error ", " critical "] { XCTAssertFalse(daemon.log.contains(bad), daemon.log) }

        XCTAssertGreaterThan(acknowledged.count, 5, "the writer got adds through between kills")
        let list = try daemon.ipmitool(["sel", "list"], timeout: 60)
        XCTAssertEqual(list.status, 0, "\(list)")
        var listed: [UInt16: String] = [:]
        for row in table(list.stdout) {
            let id = try XCTUnwrap(UInt16(row[0], radix: 16), "\(row)")
            XCTAssertNil(listed[id], "record ID \(id) listed twice")
            listed[id] = row[3]
        }
        XCTAssertEqual(Set(acknowledged.map(\.id)).count, acknowledged.count, "no record ID acknowledged twice")
        for (id, sensor) in acknowledged {
            XCTAssertEqual(listed[id], String(format: "Temperature #0x%02x", sensor), "acknowledged record \(id)")
        }
        let info = try daemon.ipmitool(["sel", "info"]).stdout
        XCTAssertTrue(info.contains("Entries          : \(listed.count)\n"), info)
    }

    func testConfigSectionIsChecked() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ipmigod-sel-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let base = "state_directory: /tmp/never-created\nlan_channel: { cipher_suites: [{ id: 3 }] }\n"
        let cases: [(sel: String, expected: String?)] = [
            ("sel: { capacity: 4096, when_full: overwrite }", nil),
            ("sel: { capacity: 4097 }", ":3: sel.capacity: expected a whole number from 16 to 4096"),
            ("sel: { when_full: wrap }", ":3: sel.when_full: expected stop or overwrite, not \"wrap\""),
            ("sel: { size: 64 }", ":3: sel.size: unknown key"),
        ]
        for (sel, expected) in cases {
            let path = folder.appendingPathComponent("ipmigod.yaml").path
            try (base + sel + "\n").write(toFile: path, atomically: true, encoding: .utf8)
            let result = try runTool(Daemon.binary, ["check-config", path])
            if let expected {
                XCTAssertEqual(result.status, 78, "\(sel): \(result)")
                XCTAssertTrue(result.stderr.contains(path + expected), "expected \(path + expected) in: \(result)")
            } else {
                XCTAssertEqual(result.status, 0, "\(sel): \(result)")
            }
        }
    }

    // MARK: Helpers

    private func assertLoadedCleanly(_ daemon: Daemon, file: StaticString = #filePath, line: UInt = #line) {
        let log = daemon.log
        for bad in [" error ", " critical ", "SEL log"] {
            XCTAssertFalse(log.contains(bad), "daemon log has \"\(bad)\":\n\(log)", file: file, line: line)
        }
    }

    /// The rows of a `|`-separated listing, cells trimmed.
    private func table(_ output: String) -> [[String]] {
        output.split(separator: "\n")
            .map { $0.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) } }
            .filter { $0.count > 3 }
    }
}

/// Adds SEL entries through `ipmitool raw` (Add SEL Entry) in a loop on its own thread and
/// remembers each add that was acknowledged: its record ID and the sensor number it carried.
private final class SELWriter: @unchecked Sendable {
    private let port: Int
    private let lock = NSLock()
    private var acknowledged: [(id: UInt16, sensor: UInt8)] = []
    private var stopping = false
    private let finished = DispatchSemaphore(value: 0)

    init(port: Int) { self.port = port }

    func start() {
        Thread.detachNewThread { [self] in
            var count = 0
            while !lock.withLock({ stopping }) {
                count += 1
                let sensor = UInt8(count % 254 + 1)
                let record: [UInt8] = [0, 0, 0x02, 0, 0, 0, 0, 0x41, 0x00, 0x04, 0x01, sensor, 0x01, 0x57, UInt8(count & 0xFF), 0]
                // One retry with a short timeout: a request lost with a killed daemon fails fast.
                let arguments = ["-I", "lanplus", "-H", "127.0.0.1", "-p", String(port), "-U", "admin", "-P", "admin",
                                 "-N", "1", "-R", "1", "raw", "0x0a", "0x44"] + record.map { String(format: "0x%02x", $0) }
                guard let result = try? runTool("ipmitool", arguments, timeout: 10), result.status == 0 else { continue }
                let bytes = result.stdout.split(whereSeparator: \.isWhitespace).compactMap { UInt8($0, radix: 16) }
                guard bytes.count == 2 else { continue }
                lock.withLock { acknowledged.append((UInt16(bytes[0]) | UInt16(bytes[1]) << 8, sensor)) }
            }
            finished.signal()
        }
    }

    /// Stops after the add under way and returns every acknowledged add.
    func stop() -> [(id: UInt16, sensor: UInt8)] {
        lock.withLock { stopping = true }
        finished.wait()
        return lock.withLock { acknowledged }
    }
}

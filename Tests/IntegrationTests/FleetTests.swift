import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// `ipmigod --config FILE --fleet 50 --fleet-addresses 127.1.0.1-127.1.0.50`: fifty switches in
/// one real process, each on its own loopback address, against real ipmitool and snmptrapd.
/// Member k (from 0) is 127.1.0.(k+1).
final class FleetTests: XCTestCase {
    static let size = 50
    static let addresses = "127.1.0.1-127.1.0.50"
    static func address(_ member: Int) -> String { "127.1.0.\(member + 1)" }

    /// A fleet process of its own, stopped and removed at the end of the test.
    final class Fleet {
        let folder: URL
        let port: Int
        let configPath: String
        var stateDirectory: String { folder.appendingPathComponent("state").path }
        private let process: DaemonProcess

        init(trapPort: Int) throws {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("ipmigod-fleet-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            port = UDPSocket.freePort()
            configPath = folder.appendingPathComponent("ipmigod.yaml").path
            process = DaemonProcess(logPath: folder.appendingPathComponent("daemon.log").path)
            let config = """
                listen: ["127.0.0.1:\(port)"]
                state_directory: \(stateDirectory)
                device: { manufacturer_id: 4413, product_id: 0x5E32, system_guid: "\(Daemon.guid)" }
                lan_channel:
                  cipher_suites: [{ id: 3, max_privilege: administrator }, { id: 17, max_privilege: administrator }]
                users:
                  - { id: 2, name: admin, password: admin, privilege: administrator }
                lan:
                  ip_address: 127.0.0.9
                  community: public
                  alert_destinations:
                    - { selector: 1, address: 127.0.0.2, port: \(trapPort), version: v1 }
                fru:
                  product: { manufacturer: ipmigod, name: "Fleet Switch", serial_number: "FLT0000001" }
                sensors:
                  - { name: CPU Temp, type: temperature, interval: 1, thresholds: { unc: 80, uc: 90, unr: 100 },
                      hysteresis: { positive: 3, negative: 3 }, source: { simulated: { waveform: constant, value: 50 } } }
                  - { name: ASIC Temp, type: temperature, interval: 1, thresholds: { unc: 95, uc: 105, unr: 110 },
                      hysteresis: { positive: 2, negative: 2 }, source: { simulated: { waveform: constant, value: 66 } } }
                """
            try config.write(toFile: configPath, atomically: true, encoding: .utf8)
            try start()
        }

        deinit {
            stop()
            try? FileManager.default.removeItem(at: folder)
        }

        func start() throws {
            try process.startUntilLogged(["--config", configPath, "--fleet", String(FleetTests.size),
                                          "--fleet-addresses", FleetTests.addresses, "--listen", "127.0.0.1:\(port)"])
        }

        var log: String { process.log }
        func stop() { process.stop() }
        func kill9() { process.kill9() }

        func ipmitool(member: Int, _ command: [String]) throws -> ToolResult {
            try runTool("ipmitool", ["-I", "lanplus", "-H", FleetTests.address(member), "-p", String(port),
                                     "-U", "admin", "-P", "admin"] + command)
        }
    }

    func testEveryMemberAnswersWithItsOwnGUIDAndSerial() throws {
        let fleet = try Fleet(trapPort: UDPSocket.freePort())
        var guids: Set<String> = []
        for member in 0..<Self.size {
            let result = try fleet.ipmitool(member: member, ["mc", "guid"])
            XCTAssertAnswered(result, within: 3)
            let guid = result.stdout.split(separator: "\n").first { $0.contains("System GUID") }
                .map { $0.split(separator: ":").last!.trimmingCharacters(in: .whitespaces) }
            XCTAssertNotNil(guid, "member \(member): \(result)")
            if let guid { guids.insert(guid) }
        }
        XCTAssertEqual(guids.count, Self.size, "every member has its own GUID: \(guids.sorted())")
        XCTAssertTrue(guids.contains(Daemon.guid), "member 0 keeps the configured GUID")
        let fru = try fleet.ipmitool(member: 7, ["fru", "print", "0"])
        XCTAssertTrue(fru.stdout.contains("FLT0000008"), "member 7's serial number is the configured one plus 7: \(fru)")
        XCTAssertTrue(FileManager.default.fileExists(atPath: fleet.stateDirectory + "/members/49/users.json")
                      || FileManager.default.fileExists(atPath: fleet.stateDirectory + "/members/49"),
                      "state under STATE/members/k")
    }

    /// Set Sensor Reading on member 7 alone: one trap, from member 7's own address, with its
    /// address in the agent-address field and its own GUID in the PET.
    func testAnEventOnMember7IsTrappedFromItsAddress() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ipmigod-fleet-trap-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let receiver = try TrapReceiver(folder: folder)
        defer { receiver.stop() }
        let fleet = try Fleet(trapPort: receiver.port)
        // CPU Temp is sensor 1: write the reading 95 (past upper critical, 90).
        XCTAssertAnswered(try fleet.ipmitool(member: 7, ["raw", "0x04", "0x30", "0x01", "0x01", "0x5f"]), within: 3)
        XCTAssertTrue(waitUntil(5) { receiver.traps.count >= 1 }, receiver.output + fleet.log)
        Thread.sleep(forTimeInterval: 0.5)
        XCTAssertEqual(receiver.traps.count, 1, "only member 7 crossed: \(receiver.output)")
        let trap = try XCTUnwrap(receiver.traps.first)
        XCTAssertEqual(trap.agent, Self.address(7), "the agent address is member 7's")
        XCTAssertTrue(trap.from.hasPrefix("UDP: [\(Self.address(7))]:"), "sent from member 7's address: \(trap.from)")
        // The PET's GUID (payload bytes 0...15, in IPMI's byte order: the UUID reversed) is member 7's.
        let guid = try fleet.ipmitool(member: 7, ["mc", "guid"]).stdout
        let pet = trap.payload.prefix(16).reversed().map { String(format: "%02x", $0) }.joined()
        let expected = guid.split(separator: "\n").first { $0.contains("System GUID") }!
            .split(separator: ":").last!.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "-", with: "")
        XCTAssertEqual(pet, expected, "the PET names member 7's GUID")
    }

    /// `ipmigod sim ... --member k` reaches that member's simulated switch alone; a member the
    /// fleet does not have is refused with a clear error; `sim scenario --stagger` starts
    /// member k k × S seconds late.
    func testSimVerbsPickTheirMember() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ipmigod-fleet-sim-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let receiver = try TrapReceiver(folder: folder)
        defer { receiver.stop() }
        let fleet = try Fleet(trapPort: receiver.port)
        func sim(_ arguments: [String]) throws -> ToolResult {
            try runTool(Daemon.binary, ["sim"] + arguments + ["--state-dir", fleet.stateDirectory])
        }
        let set = try sim(["set", "CPU Temp", "95", "--member", "12"])
        XCTAssertEqual(set.status, 0, "\(set)")
        XCTAssertTrue(waitUntil(5) { receiver.traps.count >= 1 }, receiver.output)
        Thread.sleep(forTimeInterval: 1.5)
        XCTAssertEqual(receiver.traps.map(\.agent), [Self.address(12)], "member 12 alone crossed")
        let unknown = try sim(["set", "CPU Temp", "95", "--member", "50"])
        XCTAssertNotEqual(unknown.status, 0)
        XCTAssertTrue(unknown.stderr.contains("no member 50"), "\(unknown)")
        let list = try sim(["list", "--member", "12"])
        XCTAssertTrue(list.stdout.contains("CPU Temp") && list.stdout.contains("95"), "\(list)")

        let started = try sim(["scenario", "overheat", "--stagger", "100", "--member", "all"])
        XCTAssertEqual(started.status, 0, "\(started)")
        let status = try sim(["status", "--member", "3"]).stdout
        XCTAssertTrue(status.contains("overheat"), status)
        XCTAssertTrue(status.contains("starts in 300 s") || status.contains("starts in 299 s"), "member 3 starts 300 s late: \(status)")
    }

    /// Every member acknowledges an Add SEL Entry; a kill -9 right after loses none of them.
    func testKill9LosesNoAcknowledgedSELEntryOfAnyMember() throws {
        let fleet = try Fleet(trapPort: UDPSocket.freePort())
        // Add SEL Entry: an OEM timestamped record (type 0xC0) whose data names the member.
        for member in 0..<Self.size {
            let record = ["0x00", "0x00", "0xc0", "0x00", "0x00", "0x00", "0x00", "0x5d", "0x11", "0x00",
                          String(format: "0x%02x", member), "0xaa", "0xbb", "0xcc", "0xdd", "0xee"]
            XCTAssertAnswered(try fleet.ipmitool(member: member, ["raw", "0x0a", "0x44"] + record), within: 3)
        }
        fleet.kill9()
        try fleet.start()
        for member in 0..<Self.size {
            let list = try fleet.ipmitool(member: member, ["sel", "list"])
            XCTAssertEqual(list.status, 0, "\(list)")
            XCTAssertEqual(list.stdout.split(separator: "\n").filter { $0.contains("OEM record c0") }.count, 1,
                           "member \(member) kept its entry: \(list)")
        }
    }
}

import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// `ipmigod serve --simulate --chassis 2`: a management module (MM) and two line cards in one
/// real process, linked over loopback UDP with real RMCP+ sessions; checked with the real
/// ipmitool against the MM and the cards.
final class LineCardLinkTests: XCTestCase {
    /// A chassis process of its own, stopped and removed at the end of the test.
    final class Chassis {
        let folder: URL
        private(set) var port = 0
        let slots: Int
        var stateDirectory: String { folder.appendingPathComponent("state").path }
        private let process: DaemonProcess

        init(slots: Int) throws {
            self.slots = slots
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("ipmigod-chassis-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            process = DaemonProcess(logPath: folder.appendingPathComponent("daemon.log").path)
            // PORT+1 ... PORT+slots must be free too: try a few ports.
            var lastError: (any Error)?
            for _ in 0..<5 {
                port = UDPSocket.freePort()
                do {
                    try start()
                    return
                } catch {
                    lastError = error
                }
            }
            throw lastError!
        }

        deinit {
            stop()
            try? FileManager.default.removeItem(at: folder)
        }

        func start() throws {
            try process.startUntilLogged(["serve", "--simulate", "--chassis", String(slots), "--listen", "127.0.0.1:\(port)",
                                          "--state-dir", stateDirectory, "--http-listen", "127.0.0.1:0"])
        }

        var log: String { process.log }
        func stop() { process.stop() }
        func kill9() { process.kill9() }

        /// ipmitool against the MM (slot 0) or line card k.
        func ipmitool(slot: Int = 0, _ command: [String]) throws -> ToolResult {
            try runTool("ipmitool", ["-I", "lanplus", "-H", "127.0.0.1", "-p", String(port + slot),
                                     "-U", "admin", "-P", "admin"] + command)
        }

        /// What ipmitool printed, for a failure message.
        func show(_ command: [String]) -> String { (try? ipmitool(command).output) ?? "" }

        /// The MM's sessions other than the asking ipmitool's own: the line cards', by console port.
        func lineCardSessions() throws -> [String] {
            let result = try ipmitool(["session", "info", "all"])
            guard result.status == 0 else { return [] }
            return result.stdout.split(separator: "\n")
                .filter { $0.hasPrefix("console port") }
                .map { $0.split(separator: ":").last!.trimmingCharacters(in: .whitespaces) }
        }

        /// `sdr elist` on the MM: the lines of slot `k`'s proxies ("Sk " + the LC sensor's name).
        func proxyLines(slot: Int) throws -> [Substring] {
            try ipmitool(["sdr", "elist"]).stdout.split(separator: "\n").filter { $0.hasPrefix("S\(slot) ") }
        }
    }

    static let units = [" degrees C", " Volts", " Amps", " Watts", " RPM"]

    /// Both cards' sensors show on the MM with readings: the link carried their SDRs and
    /// readings; an MC Device Locator names each slot.
    func testTheManagementModuleShowsEveryLineCardsSensorsWithReadings() throws {
        let chassis = try Chassis(slots: 2)
        let card = try chassis.ipmitool(slot: 2, ["sdr", "elist"]).stdout.split(separator: "\n")
        let analog = card.filter { line in Self.units.contains { line.hasSuffix($0) } }
        XCTAssertGreaterThan(analog.count, 5, "the card's own sensors read: \(card)")
        for slot in 1...2 {
            // The SDRs come first, the readings right after: every analog proxy reads in the end.
            XCTAssertTrue(waitUntil(15) {
                let lines = (try? chassis.proxyLines(slot: slot)) ?? []
                return lines.count >= card.count - 2 && lines.filter { line in Self.units.contains { line.hasSuffix($0) } }.count == analog.count
            }, "slot \(slot)'s sensors on the MM:\n\(chassis.show(["sdr", "elist"]))\n\(chassis.log)")
            for line in try chassis.proxyLines(slot: slot) {
                XCTAssertFalse(line.contains("| ns"), "a reading, not 'no reading': \(line)")
            }
        }
        // freeipmi with default flags (its SDR cache in the test's folder) reads them too.
        let sensors = try runTool("ipmi-sensors", ["-h", "127.0.0.1:\(chassis.port)", "-u", "admin", "-p", "admin",
                                                   "-l", "admin", "-D", "LAN_2_0", "--quiet-cache",
                                                   "--sdr-cache-directory", chassis.folder.path])
        let proxies = sensors.stdout.split(separator: "\n").filter { $0.contains("| S2 ") && $0.contains("Temperature") }
        XCTAssertFalse(proxies.isEmpty, "\(sensors)")
        for line in proxies { XCTAssertFalse(line.contains("N/A"), "freeipmi reads the proxy: \(line)") }
        let elist = try chassis.ipmitool(["sdr", "elist", "mcloc"]).stdout
        XCTAssertTrue(elist.contains("Slot 1") && elist.contains("Slot 2"), "a locator per slot: \(elist)")
        XCTAssertTrue(chassis.log.contains("link up"), chassis.log)
    }

    /// Each line card holds exactly one session on the MM, and a clean stop closes it (the log
    /// says the card closed it).
    func testEachLineCardHoldsOneSessionOnTheManagementModule() throws {
        let chassis = try Chassis(slots: 2)
        XCTAssertTrue(waitUntil(15) { chassis.log.components(separatedBy: "link up").count > 2 }, chassis.log)
        // ipmitool's own session is listed as well.
        XCTAssertTrue(waitUntil(5) { ((try? chassis.lineCardSessions()) ?? []).count == 3 },
                      "two line cards and ipmitool: \(chassis.show(["session", "info", "all"]))\n\(chassis.log)")
        // Heartbeats keep them, and nothing else opens: still two after a few heartbeats.
        Thread.sleep(forTimeInterval: 5)
        XCTAssertEqual(try chassis.lineCardSessions().count, 3, chassis.log)
        chassis.stop()
        XCTAssertEqual(chassis.log.components(separatedBy: "link: closing the session").count - 1, 2, chassis.log)
    }

    /// After the whole chassis is killed and started again, the cards link again and the MM
    /// shows their sensors once each: no stale proxy, no duplicate.
    func testTheLinksComeBackAfterAKillAndRestart() throws {
        let chassis = try Chassis(slots: 2)
        XCTAssertTrue(waitUntil(15) { ((try? chassis.proxyLines(slot: 2)) ?? []).count > 5 }, chassis.log)
        let before = try chassis.proxyLines(slot: 2).map { $0.split(separator: "|").first!.trimmingCharacters(in: .whitespaces) }
        chassis.kill9()
        try chassis.start()
        XCTAssertTrue(waitUntil(15) { chassis.log.components(separatedBy: "link up").count > 4 }, chassis.log)
        XCTAssertTrue(waitUntil(10) { ((try? chassis.proxyLines(slot: 2)) ?? []).count == before.count }, chassis.log)
        let after = try chassis.proxyLines(slot: 2).map { $0.split(separator: "|").first!.trimmingCharacters(in: .whitespaces) }
        XCTAssertEqual(after, before)
        XCTAssertEqual(try chassis.lineCardSessions().count, 3, "no session leaked: \(chassis.show(["session", "info", "all"]))")
    }

    /// An event on line card 2 reaches the MM's SEL with the card's generator ID (its IPMB address).
    func testALineCardsEventIsLoggedOnTheManagementModule() throws {
        let chassis = try Chassis(slots: 2)
        XCTAssertTrue(waitUntil(15) { chassis.log.components(separatedBy: "link up").count > 2 }, chassis.log)
        // CPU Temp is sensor 1 on the card: the reading 100 is past upper critical (95).
        XCTAssertAnswered(try chassis.ipmitool(slot: 2, ["raw", "0x04", "0x30", "0x01", "0x01", "0x64"]), within: 3)
        XCTAssertTrue(waitUntil(10) {
            let entries = (try? chassis.ipmitool(["sel", "list", "-v"]))?.stdout.components(separatedBy: "\n\n") ?? []
            return entries.contains { $0.contains("Generator ID          : 0084") && $0.contains("Sensor Number         : 01")
                && $0.contains("Upper Critical going high") }
        }, "the MM's SEL:\n\(chassis.show(["sel", "list", "-v"]))\n\(chassis.log)")
    }

    /// A threshold set on a card changes its SDR: the MM's proxy follows within a few seconds.
    func testAThresholdSetOnACardReachesItsProxy() throws {
        let chassis = try Chassis(slots: 2)
        XCTAssertTrue(waitUntil(15) { ((try? chassis.proxyLines(slot: 1)) ?? []).count > 5 }, chassis.log)
        XCTAssertAnswered(try chassis.ipmitool(slot: 1, ["sensor", "thresh", "CPU Temp", "ucr", "99"]), within: 3)
        XCTAssertTrue(waitUntil(10) {
            let proxy = (try? chassis.ipmitool(["sensor", "get", "S1 CPU Temp"]))?.stdout ?? ""
            return proxy.contains("Upper Critical        : 99.000")
        }, "\(chassis.show(["sensor", "get", "S1 CPU Temp"]))\n\(chassis.log)")
        XCTAssertTrue(chassis.log.contains("the SDR set changed"), chassis.log)
    }

    /// A client's request bridged through the MM (`-t 84h -b 0`) is answered by card 2 over the
    /// link: its SDRs as the card serves them directly, and no more than the client's privilege.
    func testABridgedRequestIsAnsweredByTheCardAtTheClientsPrivilege() throws {
        let chassis = try Chassis(slots: 2)
        XCTAssertTrue(waitUntil(15) { chassis.log.components(separatedBy: "link up").count > 2 }, chassis.log)
        func columns(_ result: ToolResult) -> [String] {
            // Name, number, status and entity: the readings themselves may move between the two reads.
            result.stdout.split(separator: "\n").map { $0.split(separator: "|").prefix(4).joined(separator: "|") }
        }
        let bridged = try chassis.ipmitool(["-t", "0x84", "-b", "0", "sdr", "elist"])
        let direct = try chassis.ipmitool(slot: 2, ["sdr", "elist"])
        XCTAssertEqual(bridged.status, 0, "\(bridged)")
        XCTAssertGreaterThan(columns(direct).count, 5)
        XCTAssertEqual(columns(bridged), columns(direct))

        // A user-privilege client may read through the bridge, not set (Set Sensor Thresholds: operator).
        let monitor = ["-I", "lanplus", "-H", "127.0.0.1", "-p", String(chassis.port), "-U", "monitor", "-P", "monitor",
                       "-L", "USER", "-t", "0x84", "-b", "0"]
        let read = try runTool("ipmitool", monitor + ["raw", "0x04", "0x2d", "0x01"])
        XCTAssertEqual(read.status, 0, "\(read)")
        let set = try runTool("ipmitool", monitor + ["raw", "0x04", "0x26", "0x01", "0x10", "0", "0", "0", "0", "0x63", "0"])
        XCTAssertTrue(set.stderr.contains("rsp=0xd4"), "refused for the client's privilege: \(set)")
    }

    func testChassisAndFleetAreExclusive() throws {
        let result = try runTool(Daemon.binary, ["serve", "--simulate", "--chassis", "2", "--fleet", "2"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.output.contains("--chassis and --fleet are exclusive"), result.output)
    }
}

import Foundation
import XCTest

/// The BMC watchdog, Cold and Warm Reset, Manufacturing Test On and the ACPI power state,
/// against ipmitool and freeipmi's bmc-device; a watchdog expiry through SEL, PEF and a PET to
/// snmptrapd, decoded by ipmi-pet. (freeipmi's bmc-watchdog speaks only in-band, so it has no
/// part here.)
final class WatchdogTests: XCTestCase {
    /// SMS/OS, hard reset, no pre-timeout, clear the SMS/OS expiration flag, then the countdown.
    static func setHardReset(deciseconds: UInt16) -> [String] {
        ["raw", "0x06", "0x24", "0x04", "0x01", "0x00", "0x10"]
            + [UInt8(deciseconds & 0xFF), UInt8(deciseconds >> 8)].map { String(format: "0x%02x", $0) }
    }

    /// "Key : value" lines of ipmitool's output.
    func fields(_ output: String) -> [String: String] {
        var fields: [String: String] = [:]
        for line in output.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.count == 2 { fields[parts[0]] = parts[1] }
        }
        return fields
    }

    func testIpmitoolWatchdogGetResetOffAndSet() throws {
        let daemon = try Daemon()
        let unset = try daemon.ipmitool(["mc", "watchdog", "reset"])
        XCTAssertNotEqual(unset.status, 0, "never set: \(unset)")
        XCTAssertTrue((unset.stdout + unset.stderr).contains("Attempt to reset uninitialized watchdog"), "\(unset)")

        XCTAssertAnswered(try daemon.ipmitool(Self.setHardReset(deciseconds: 600)))
        var get = try daemon.ipmitool(["mc", "watchdog", "get"])
        XCTAssertAnswered(get)
        var shown = fields(get.stdout)
        XCTAssertEqual(shown["Watchdog Timer Use"], "SMS/OS (0x04)", "\(get)")
        XCTAssertEqual(shown["Watchdog Timer Is"], "Stopped", "\(get)")
        XCTAssertEqual(shown["Watchdog Timer Action"], "Hard Reset (0x01)", "\(get)")
        XCTAssertEqual(shown["Initial Countdown"], "60.0 sec", "\(get)")
        XCTAssertEqual(shown["Present Countdown"], "60.0 sec", "\(get)")

        let reset = try daemon.ipmitool(["mc", "watchdog", "reset"])
        XCTAssertAnswered(reset)
        get = try daemon.ipmitool(["mc", "watchdog", "get"])
        shown = fields(get.stdout)
        XCTAssertEqual(shown["Watchdog Timer Use"], "SMS/OS (0x44)", "running: \(get)")
        XCTAssertEqual(shown["Watchdog Timer Is"], "Started/Running", "\(get)")
        let present = try XCTUnwrap(shown["Present Countdown"]?.split(separator: " ").first.flatMap { Double($0) }, "\(get)")
        XCTAssertTrue((58...60).contains(present), "100 ms resolution: \(get)")

        XCTAssertAnswered(try daemon.ipmitool(["mc", "watchdog", "off"]))
        get = try daemon.ipmitool(["mc", "watchdog", "get"])
        shown = fields(get.stdout)
        XCTAssertEqual(shown["Watchdog Timer Is"], "Stopped", "\(get)")
        XCTAssertEqual(shown["Watchdog Timer Action"], "No action (0x00)", "\(get)")

        // A pre-timeout interrupt 2 s before a 1 s expiry cannot be.
        let invalid = try daemon.ipmitool(["raw", "0x06", "0x24", "0x04", "0x21", "0x02", "0x00", "0x0a", "0x00"])
        XCTAssertNotEqual(invalid.status, 0)
        XCTAssertTrue(invalid.stderr.contains("rsp=0xcc"), "\(invalid)")
        let short = try daemon.ipmitool(["raw", "0x06", "0x24", "0x04", "0x01"])
        XCTAssertTrue(short.stderr.contains("rsp=0xc7"), "\(short)")
        XCTAssertTrue(daemon.isRunning)
    }

    func testExpiryLogsAlertsAndNamesTheActionOnce() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ipmigod-wd-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let receiver = try TrapReceiver(folder: folder)
        defer { receiver.stop() }
        let daemon = try Daemon(Daemon.Options(extraConfig: """
            sensors:
              - { name: BMC Watchdog, type: watchdog, event_only: true, states: [0, 1, 2, 3, 8] }
            lan:
              community: public
              alert_destinations:
                - { selector: 1, address: 127.0.0.2, port: \(receiver.port), version: v1 }
            """))
        XCTAssertAnswered(try daemon.ipmitool(Self.setHardReset(deciseconds: 10)))
        XCTAssertAnswered(try daemon.ipmitool(["mc", "watchdog", "reset"]))
        XCTAssertTrue(waitUntil(5) { receiver.traps.count == 1 }, receiver.output + daemon.log)

        let trap = try XCTUnwrap(receiver.traps.first)
        XCTAssertEqual(trap.specific, "2322177", "Watchdog 2 (23h), sensor-specific (6Fh), offset 1: hard reset")
        let decoded = try decodePET(trap, daemon: daemon)
        XCTAssertTrue(decoded.stdout.contains("BMC Watchdog"), "\(decoded)")
        XCTAssertTrue(decoded.stdout.contains("Hard Reset"), "\(decoded)")
        XCTAssertTrue(decoded.stdout.contains("Critical"), "\(decoded)")

        let list = try daemon.ipmitool(["sel", "list"])
        XCTAssertAnswered(list)
        XCTAssertTrue(list.stdout.contains("Watchdog2 #0x01 | Hard reset | Asserted"), "\(list)")
        let elist = try daemon.ipmitool(["sel", "elist"])
        XCTAssertTrue(elist.stdout.contains("Watchdog2 BMC Watchdog | Hard reset | Asserted"), "named by its SDR: \(elist)")

        // No hook configured: the action is refused, by name, and never faked.
        XCTAssertTrue(daemon.log.contains("watchdog expired"), daemon.log)
        XCTAssertTrue(daemon.log.contains("hook=hard_reset"), daemon.log)
        XCTAssertTrue(daemon.log.contains("no hook configured"), daemon.log)

        let get = try daemon.ipmitool(["mc", "watchdog", "get"])
        XCTAssertEqual(fields(get.stdout)["Watchdog Timer Is"], "Stopped", "\(get)")
        XCTAssertEqual(fields(get.stdout)["Timer Expiration Flags"], "(0x10)", "SMS/OS expired: \(get)")
        XCTAssertEqual(fields(get.stdout)["Present Countdown"], "0.0 sec", "\(get)")
        Thread.sleep(forTimeInterval: 1.5)
        XCTAssertEqual(receiver.traps.count, 1, "it expires once")
        XCTAssertEqual(try daemon.ipmitool(["sel", "list"]).stdout.split(separator: "\n").count, 1)
    }

    func testResetInTimeNothingHappens() throws {
        let daemon = try Daemon()
        XCTAssertAnswered(try daemon.ipmitool(Self.setHardReset(deciseconds: 30)))
        let started = Date()
        XCTAssertAnswered(try daemon.ipmitool(["mc", "watchdog", "reset"]))
        // Twice the countdown, reset every half second or so.
        while Date().timeIntervalSince(started) < 6 {
            Thread.sleep(forTimeInterval: 0.5)
            XCTAssertAnswered(try daemon.ipmitool(["mc", "watchdog", "reset"]))
        }
        let running = try daemon.ipmitool(["mc", "watchdog", "get"])
        XCTAssertEqual(fields(running.stdout)["Watchdog Timer Is"], "Started/Running", "\(running)")
        XCTAssertEqual(fields(running.stdout)["Timer Expiration Flags"], "None (0x00)", "\(running)")
        XCTAssertAnswered(try daemon.ipmitool(["mc", "watchdog", "off"]))
        Thread.sleep(forTimeInterval: 3.5)
        let list = try daemon.ipmitool(["sel", "list"])
        XCTAssertFalse(list.stdout.contains("Watchdog"), "\(list)")
        XCTAssertFalse(daemon.log.contains("watchdog expired"), daemon.log)
    }

    /// How many times the daemon's log says it started.
    func starts(_ daemon: Daemon) -> Int { daemon.log.components(separatedBy: "ipmigod started").count - 1 }

    func testColdResetReexecutesWithPersistentStateIntact() throws {
        let daemon = try Daemon()
        let pid = daemon.pid
        XCTAssertAnswered(try daemon.ipmitool(["user", "set", "name", "6", "alice"]))
        XCTAssertAnswered(try daemon.ipmitool(Self.setHardReset(deciseconds: 10)))
        XCTAssertAnswered(try daemon.ipmitool(["mc", "watchdog", "reset"]))
        XCTAssertTrue(waitUntil(3) { daemon.log.contains("watchdog expired") }, "a SEL entry to keep")

        let reset = try daemon.ipmitool(["mc", "reset", "cold"])
        XCTAssertEqual(reset.status, 0, "\(reset)")
        XCTAssertTrue(reset.stdout.contains("Sent cold reset command to MC"), "\(reset)")
        XCTAssertTrue(waitUntil(10) { starts(daemon) == 2 }, daemon.log)
        XCTAssertTrue(daemon.log.contains("cold reset: re-executing"), daemon.log)
        XCTAssertTrue(daemon.isRunning)
        XCTAssertEqual(daemon.pid, pid, "the same process, re-executed")

        XCTAssertAnswered(try daemon.ipmitool(["mc", "info"]), within: 5)
        XCTAssertTrue(try daemon.ipmitool(["user", "list"]).stdout.contains("alice"))
        XCTAssertTrue(try daemon.ipmitool(["sel", "list"]).stdout.contains("Watchdog2"))
        let get = try daemon.ipmitool(["mc", "watchdog", "get"])
        XCTAssertEqual(fields(get.stdout)["Initial Countdown"], "0.0 sec", "the watchdog is volatile: \(get)")

        // freeipmi asks the same way; the daemon comes back again.
        let freeipmi = try daemon.freeipmi("bmc-device", ["--cold-reset"])
        XCTAssertEqual(freeipmi.status, 0, "\(freeipmi)")
        XCTAssertTrue(waitUntil(10) { starts(daemon) == 3 }, daemon.log)
        XCTAssertAnswered(try daemon.ipmitool(["mc", "info"]), within: 5)
    }

    func testWarmResetStopsTheWatchdogAndKeepsTheRest() throws {
        let daemon = try Daemon()
        XCTAssertAnswered(try daemon.ipmitool(["user", "set", "name", "6", "alice"]))
        XCTAssertAnswered(try daemon.ipmitool(Self.setHardReset(deciseconds: 600)))
        XCTAssertAnswered(try daemon.ipmitool(["mc", "watchdog", "reset"]))

        let reset = try daemon.ipmitool(["mc", "reset", "warm"])
        XCTAssertAnswered(reset)
        XCTAssertTrue(reset.stdout.contains("Sent warm reset command to MC"), "\(reset)")
        XCTAssertTrue(daemon.log.contains("warm reset: volatile state cleared"), daemon.log)
        let get = try daemon.ipmitool(["mc", "watchdog", "get"])
        XCTAssertAnswered(get)
        XCTAssertEqual(fields(get.stdout)["Watchdog Timer Is"], "Stopped", "\(get)")
        XCTAssertTrue(try daemon.ipmitool(["user", "list"]).stdout.contains("alice"))

        XCTAssertAnswered(try daemon.freeipmi("bmc-device", ["--warm-reset"]))
        XCTAssertAnswered(try daemon.ipmitool(["mc", "info"]))
    }

    func testACPIPowerStateAndManufacturingTestOn() throws {
        let daemon = try Daemon()
        var get = try daemon.freeipmi("bmc-device", ["--get-acpi-power-state"])
        XCTAssertAnswered(get)
        XCTAssertTrue(get.stdout.contains("ACPI System Power State : UNKNOWN"), "\(get)")
        XCTAssertAnswered(try daemon.freeipmi("bmc-device", ["--set-acpi-power-state", "--set-acpi-system-power-state=S0_G0",
                                                            "--set-acpi-device-power-state=D0"]))
        get = try daemon.freeipmi("bmc-device", ["--get-acpi-power-state"])
        XCTAssertTrue(get.stdout.contains("S0/G0"), "\(get)")
        XCTAssertTrue(get.stdout.contains("D0"), "\(get)")
        let raw = try daemon.ipmitool(["raw", "0x06", "0x07"])
        XCTAssertEqual(raw.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "00 00", "\(raw)")
        let invalid = try daemon.ipmitool(["raw", "0x06", "0x06", "0x8b", "0x00"])
        XCTAssertTrue(invalid.stderr.contains("rsp=0xcc"), "\(invalid)")

        XCTAssertAnswered(try daemon.ipmitool(["raw", "0x06", "0x05"]))
        XCTAssertTrue(daemon.log.contains("manufacturing test mode requested"), daemon.log)
        let user = try daemon.ipmitool(["raw", "0x06", "0x05"], user: "watcher", password: "watcher-password-20b",
                                       extra: ["-L", "USER"])
        XCTAssertTrue(user.stderr.contains("rsp=0xd4"), "an administrator's command: \(user) \(user.stdout) \(user.stderr)")
    }

    /// freeipmi's PET decoder, with the daemon's SDR for sensor names.
    private func decodePET(_ trap: TrapReceiver.Trap, daemon: Daemon) throws -> ToolResult {
        let cache = daemon.folder.appendingPathComponent("pet-sdr-cache").path
        try FileManager.default.createDirectory(atPath: cache, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        return try runTool("ipmi-pet", ["-h", "127.0.0.1:\(daemon.port)", "-u", "admin", "-p", "admin", "-D", "LAN_2_0",
                                        "--sdr-cache-directory", cache, "--quiet-cache", "-v", trap.specific]
                                        + trap.payload.map { String(format: "%02X", $0) })
    }
}

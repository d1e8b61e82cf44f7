import Foundation
import XCTest

/// Sensors, thresholds and the SDR as ipmitool and freeipmi show them; threshold events
/// from hwmon and file sources as the SEL records them.
final class SensorTests: XCTestCase {
    static let sensors = """
        sensors:
          - { name: Board Temp, type: temperature, thresholds: { lc: 5, unc: 80, uc: 90, unr: 100 },
              hysteresis: { positive: 3, negative: 2 }, source: { simulated: { waveform: constant, value: 42 } } }
          - { name: 12V, type: voltage, linearization: { m: 6, r_exp: -2 },
              thresholds: { lc: 10.8, uc: 13.2 }, source: { simulated: { waveform: constant, value: 12 } } }
          - { name: PSU1 Status, type: power_supply, states: [0, 1, 3], source: { simulated: { waveform: constant, value: 1 } } }
          - { name: Spare Temp, type: temperature, thresholds: { uc: 70 } }
        """

    func testSDRAndSensorsThroughIpmitool() throws {
        let daemon = try Daemon(Daemon.Options(extraConfig: Self.sensors))
        Thread.sleep(forTimeInterval: 0.3) // the first poll

        let info = try daemon.ipmitool(["sdr", "info"])
        XCTAssertAnswered(info)
        XCTAssertTrue(info.stdout.contains("Record Count                        : 6"), "MC + FRU locators + 4 sensors: \(info)")

        let elist = try daemon.ipmitool(["sdr", "elist"])
        XCTAssertAnswered(elist)
        let lines = elist.stdout.split(separator: "\n").map { $0.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) } }
        XCTAssertEqual(lines.count, 4, "\(elist)")
        XCTAssertEqual(lines[0], ["Board Temp", "01h", "ok", "7.1", "42 degrees C"])
        XCTAssertEqual(lines[1], ["12V", "02h", "ok", "7.1", "12 Volts"])
        XCTAssertEqual(lines[2], ["PSU1 Status", "03h", "ok", "10.1", "Presence detected"])
        XCTAssertEqual(lines[3].prefix(3), ["Spare Temp", "04h", "ns"], "no source: no reading")

        let temperatures = try daemon.ipmitool(["sdr", "type", "Temperature"])
        XCTAssertAnswered(temperatures)
        XCTAssertEqual(temperatures.stdout.split(separator: "\n").count, 2, "\(temperatures)")

        let list = try daemon.ipmitool(["sensor", "list"])
        XCTAssertAnswered(list)
        XCTAssertTrue(list.stdout.contains("Board Temp       | 42.000     | degrees C  | ok    | na        | 5.000     | na        | 80.000    | 90.000    | 100.000"), "\(list)")

        XCTAssertAnswered(try daemon.ipmitool(["sensor", "thresh", "Board Temp", "ucr", "88"]))
        let get = try daemon.ipmitool(["sensor", "get", "Board Temp"])
        XCTAssertAnswered(get)
        XCTAssertTrue(get.stdout.contains("Upper Critical        : 88.000"), "\(get)")
        XCTAssertTrue(get.stdout.contains("Positive Hysteresis   : 3.000"), "\(get)")

        // The change is durable: it survives a crash.
        daemon.kill9()
        try daemon.start()
        XCTAssertTrue(try daemon.ipmitool(["sensor", "get", "Board Temp"]).stdout.contains("Upper Critical        : 88.000"))
    }

    func testFreeipmiSensorsAndSensorsConfig() throws {
        let daemon = try Daemon(Daemon.Options(extraConfig: Self.sensors))
        Thread.sleep(forTimeInterval: 0.3)
        let cache = daemon.folder.appendingPathComponent("sdr-cache").path
        try FileManager.default.createDirectory(atPath: cache, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let options = ["--sdr-cache-directory", cache, "--quiet-cache"]
        let sensors = try daemon.freeipmi("ipmi-sensors", ["--output-sensor-thresholds"] + options)
        XCTAssertEqual(sensors.status, 0, "\(sensors)")
        let rows = sensors.stdout.split(separator: "\n").map { $0.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) } }
        XCTAssertTrue(rows.contains(["3", "Board Temp", "Temperature", "42.00", "C", "N/A", "5.00", "N/A", "80.00", "90.00", "100.00", "'OK'"]), "\(sensors)")
        XCTAssertTrue(rows.contains(["4", "12V", "Voltage", "12.00", "V", "N/A", "10.80", "N/A", "N/A", "13.20", "N/A", "'OK'"]), "\(sensors)")
        XCTAssertTrue(rows.contains { $0.count > 2 && $0[1] == "PSU1 Status" && $0.last == "'Presence detected'" }, "\(sensors)")

        let checkout = try daemon.freeipmi("ipmi-sensors-config", ["--checkout"] + options)
        XCTAssertEqual(checkout.status, 0, "\(checkout)")
        let settings = checkout.stdout.split(separator: "\n").map { $0.split(whereSeparator: \.isWhitespace).joined(separator: " ") }
        XCTAssertTrue(settings.contains("Section 3_Board_Temp"), "\(checkout)")
        XCTAssertTrue(settings.contains("Upper_Critical_Threshold 90.000000"), "\(checkout)")
        XCTAssertTrue(settings.contains("Positive_Going_Threshold_Hysteresis 3.000000"), "\(checkout)")
        XCTAssertTrue(settings.contains("Enable_Assertion_Event_Upper_Critical_Going_High Yes"), "\(checkout)")
    }

    func testSetSensorReadingInjectsAValue() throws {
        let daemon = try Daemon(Daemon.Options(extraConfig: Self.sensors))
        Thread.sleep(forTimeInterval: 0.3)
        // Set Sensor Reading and Event Status: sensor 1, write the reading, raw 95.
        XCTAssertAnswered(try daemon.ipmitool(["raw", "0x04", "0x30", "0x01", "0x01", "0x5f"]))
        Thread.sleep(forTimeInterval: 1.2) // the simulated source no longer overrides it
        let get = try daemon.ipmitool(["sensor", "get", "Board Temp"])
        XCTAssertTrue(get.stdout.contains("Sensor Reading        : 95 (+/- 0) degrees C"), "\(get)")
        XCTAssertTrue(get.stdout.contains("Status                : Upper Critical"), "\(get)")
    }

    /// Past 254 sensors, numbering continues on LUN 1; ipmitool reads them there. (freeipmi
    /// reads sensors on other LUNs only with --bridge-sensors.)
    func testSensorsBeyond254LiveOnLUN1() throws {
        let sensors = (0..<260).map {
            "  - { name: T\($0), type: temperature, thresholds: { uc: 90 }, source: { simulated: { waveform: constant, value: \(20 + $0 % 50) } } }"
        }
        let daemon = try Daemon(Daemon.Options(extraConfig: "sensors:\n" + sensors.joined(separator: "\n")))
        Thread.sleep(forTimeInterval: 1.3)
        let elist = try daemon.ipmitool(["sdr", "elist"])
        XCTAssertAnswered(elist, within: 3)
        let lines = elist.stdout.split(separator: "\n").map { $0.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) } }
        XCTAssertEqual(lines.count, 260)
        XCTAssertEqual(lines[253], ["T253", "FEh", "ok", "7.1", "23 degrees C"])
        XCTAssertEqual(lines[259], ["T259", "06h", "ok", "7.1", "29 degrees C"], "sensor 6 on LUN 1")
        let lunOne = try daemon.ipmitool(["raw", "0x04", "0x2d", "0x06"], extra: ["-l", "1"])
        XCTAssertTrue(lunOne.stdout.hasPrefix(" 1d"), "raw Get Sensor Reading on LUN 1: \(lunOne)")
    }

    // MARK: Threshold events from real sources

    /// A fake /sys/class/hwmon: the chip is found by name and label, whatever its hwmonN index.
    func testHwmonThresholdCrossingsAreLoggedInOrder() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ipmigod-hwmon-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let chip = folder.appendingPathComponent("hwmon7")
        try FileManager.default.createDirectory(at: chip, withIntermediateDirectories: true)
        try "decoy\n".write(to: folder.appendingPathComponent("name-only-dir-is-ignored"), atomically: true, encoding: .utf8)
        try "coretemp\n".write(to: chip.appendingPathComponent("name"), atomically: true, encoding: .utf8)
        try "Package id 0\n".write(to: chip.appendingPathComponent("temp1_label"), atomically: true, encoding: .utf8)
        let input = chip.appendingPathComponent("temp1_input")
        func set(_ celsius: Int) throws { try "\(celsius * 1000)\n".write(to: input, atomically: true, encoding: .utf8) }
        try set(50)

        let daemon = try Daemon(Daemon.Options(extraConfig: """
            sensors:
              - { name: CPU Temp, type: temperature, interval: 0.05, thresholds: { unc: 80, uc: 90, unr: 100 },
                  hysteresis: { positive: 3, negative: 3 },
                  source: { hwmon: { root: "\(folder.path)", chip: coretemp, label: "Package id 0" } } }
            """))
        try assertThresholdWalk(daemon: daemon, set: set)
    }

    func testFileSourceThresholdCrossingsAreLoggedInOrder() throws {
        let daemon = try Daemon(Daemon.Options(extraConfig: """
            sensors:
              - { name: CPU Temp, type: temperature, interval: 0.05, thresholds: { unc: 80, uc: 90, unr: 100 },
                  hysteresis: { positive: 3, negative: 3 }, source: { file: { path: "FOLDER/cpu-temp", scale: 0.001 } } }
            """))
        let path = daemon.folder.appendingPathComponent("cpu-temp").path
        func set(_ celsius: Int) throws { try "\(celsius * 1000)\n".write(toFile: path, atomically: true, encoding: .utf8) }
        try assertThresholdWalk(daemon: daemon, set: set)

        // An unreadable source marks the reading unavailable and stops nothing.
        try "garbage".write(toFile: path, atomically: true, encoding: .utf8)
        Thread.sleep(forTimeInterval: 0.3)
        let get = try daemon.ipmitool(["sensor", "get", "CPU Temp"])
        XCTAssertTrue(get.stdout.contains("Unable to read sensor") || get.stdout.contains("Sensor Reading        : na")
                      || get.stdout.contains("Reading unavailable") || get.output.contains("not available"), "\(get)")
        XCTAssertTrue(daemon.isRunning)
        XCTAssertLessThan(daemon.log.components(separatedBy: "unreadable").count, 6, "logged rate-limited: \(daemon.log)")
    }

    /// Up through unc, uc, unr and back down, with noise inside the hysteresis: exactly six
    /// events, assertions rising, deassertions falling.
    func assertThresholdWalk(daemon: Daemon, set: (Int) throws -> Void) throws {
        let steps = [50, 82, 79, 81, 92, 89, 91, 102, 99, 101, 96, 86, 60, 62, 60]
        for celsius in steps {
            try set(celsius)
            Thread.sleep(forTimeInterval: 0.25)
        }
        let sel = try daemon.ipmitool(["sel", "elist"])
        XCTAssertAnswered(sel)
        let events = sel.stdout.split(separator: "\n").map { line in
            line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
        }.filter { $0.count >= 6 && $0[3].contains("CPU Temp") }
        XCTAssertEqual(events.map { "\($0[4]) \($0[5])" }, [
            "Upper Non-critical going high Asserted",
            "Upper Critical going high Asserted",
            "Upper Non-recoverable going high Asserted",
            "Upper Non-recoverable going high Deasserted",
            "Upper Critical going high Deasserted",
            "Upper Non-critical going high Deasserted",
        ], "\(sel)")
        XCTAssertEqual(events.first?.count, 7, "\(sel)")
        XCTAssertTrue(events.first?[6].contains("Reading 82 > Threshold 80 degrees C") ?? false, "\(sel)")
    }
}

import Foundation
import IPMIAlerting
import IPMICore
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// mibs/IPMIGOD-PET-MIB.txt against the real tools: libsmi's smilint at its strictest,
/// net-snmp's snmptranslate, and snmptrapd naming the traps the real daemon sends. The IETF
/// base modules it imports come from scripts/fetch-ietf-mibs (run by `make test`).
final class MIBTests: XCTestCase {
    private static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    private static let mibDirectory = root.appendingPathComponent("mibs").path
    private static let mibFile = mibDirectory + "/IPMIGOD-PET-MIB.txt"
    /// IPMIGOD_IETF_MIBS, or where scripts/fetch-ietf-mibs puts them.
    private static let ietfDirectory = ProcessInfo.processInfo.environment["IPMIGOD_IETF_MIBS"]
        ?? root.appendingPathComponent(".build-mibs/ietf").path
    private static let notificationPrefix = ".1.3.6.1.4.1.3183.1.1.0."

    private var folder = ""

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("ipmigod-mib-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDown() {
        if !folder.isEmpty { try? FileManager.default.removeItem(atPath: folder) }
    }

    // MARK: smilint

    func testSmilintAtTheStrictestLevelReportsNothing() throws {
        try requireIETFModules()
        let smilint = try tool("smilint")
        // -c /dev/null: not /etc/smi.conf's path; SMIPATH: the IETF modules only.
        let result = try runTool("/usr/bin/env", ["SMIPATH=\(Self.ietfDirectory)", smilint, "-c", "/dev/null",
                                                  "-l", "6", "-s", "-m", Self.mibFile])
        XCTAssertEqual(result.status, 0, "\(result)")
        // Without -r smilint only reports on the module named, but the erlang-snmp copies of
        // the IETF base modules do draw warnings of their own (range-bounds, type-without-format
        // and so on, at -l 6 -r); those are not ours, so keep only lines about our file. A base
        // module that could not be found is reported against our import line, so it still fails.
        let ours = result.output.split(separator: "\n").filter { $0.contains("IPMIGOD-PET-MIB") }
        XCTAssertEqual(ours, [], "\(result)")
    }

    // MARK: snmptranslate

    func testSnmptranslatePlacesEveryNotificationUnderThePETEnterprise() throws {
        let notifications = try Self.notifications()
        XCTAssertGreaterThan(notifications.count, 70, "the MIB names every threshold and discrete event we raise")
        let names = notifications.map { "IPMIGOD-PET-MIB::\($0.name)" }
        let result = try snmptranslate(["-On"] + names)
        XCTAssertEqual(result.status, 0, "\(result)")
        let oids = result.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        XCTAssertEqual(oids, notifications.map { Self.notificationPrefix + String($0.number) }, "\(result)")
        XCTAssertFalse(result.stderr.contains("Cannot find module"), "\(result)")
        XCTAssertFalse(result.stderr.contains("Unknown"), "\(result)")
    }

    /// Each notification's number is the specific trap PETEncoder builds for the event its
    /// name says, and its DESCRIPTION quotes the same number.
    func testEveryNotificationNumberIsTheEncodersSpecificTrap() throws {
        for notification in try Self.notifications() {
            let event = try XCTUnwrap(Self.event(named: notification.name), "no event for \(notification.name)")
            XCTAssertEqual(notification.number, PETEncoder.specificTrap(for: event), notification.name)
            XCTAssertEqual(notification.describedNumber, notification.number, "\(notification.name)'s DESCRIPTION")
        }
    }

    /// A few by hand, both ways through net-snmp. Temperature upper critical going high is
    /// sensor type 0x01, event/reading type 0x01, offset 9 (IPMI 2.0 table 42-2):
    /// 0x010109 = 65801, and 0x010189 = 65929 when deasserted.
    func testSpotChecks() throws {
        let expected: [(name: String, specific: UInt32)] = [
            ("petTempUpperCritical", 0x01_01_09),
            ("petTempUpperCriticalOK", 0x01_01_89),
            ("petVoltLowerNonRecoverable", 0x02_01_04),
            ("petFanLowerCritical", 0x04_01_02),
            ("petOtherUpperNonCritical", 0x0B_01_07),
            ("petPsuFailure", 0x08_6F_01),
            ("petEntityAbsentCleared", 0x25_6F_81),
            ("petWatchdogHardReset", 0x23_6F_01),
            ("petNoEvent", 0x0F),
        ]
        XCTAssertEqual(expected[0].specific, 65801)
        let upperCritical = PlatformEvent(sensorType: 0x01, sensorNumber: 1, isDeassertion: false, eventReadingType: 0x01,
                                          eventData1: 0x50 | Threshold.upperCritical.eventOffset)
        XCTAssertEqual(PETEncoder.specificTrap(for: upperCritical), 65801)
        for (name, specific) in expected {
            let forward = try snmptranslate(["-On", "IPMIGOD-PET-MIB::\(name)"])
            XCTAssertEqual(forward.stdout.trimmingCharacters(in: .whitespacesAndNewlines), Self.notificationPrefix + String(specific),
                           "\(forward)")
            let back = try snmptranslate([Self.notificationPrefix + String(specific)])
            XCTAssertEqual(back.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "IPMIGOD-PET-MIB::\(name)", "\(back)")
        }
        let varbind = try snmptranslate(["-On", "IPMIGOD-PET-MIB::petEvent"])
        XCTAssertEqual(varbind.stdout.trimmingCharacters(in: .whitespacesAndNewlines), ".1.3.6.1.4.1.3183.1.1.1", "\(varbind)")
    }

    // MARK: snmptrapd, end to end

    /// The daemon reads a temperature from a file; 95 °C crosses upper critical (90) and the
    /// PET goes out as SNMPv1 and v2c to an snmptrapd that loads the MIB, which names it.
    /// Back under the hysteresis, the deassertion is named too.
    func testSnmptrapdNamesTheDaemonsTraps() throws {
        try requireIETFModules()
        _ = try tool("snmptrapd")
        // On 127.0.0.9, where no other test listens; named output, not -On.
        let receiver = try TrapReceiver(folder: folder, address: "127.0.0.9",
                                        mibs: .init(path: "\(Self.ietfDirectory):\(Self.mibDirectory)", modules: "IPMIGOD-PET-MIB"))
        defer { receiver.stop() }
        let daemon = try Daemon(Daemon.Options(extraConfig: """
            sensors:
              - { name: CPU Temp, type: temperature, interval: 0.1, thresholds: { uc: 90 },
                  hysteresis: { positive: 3, negative: 3 }, source: { file: { path: "FOLDER/cpu-temp", scale: 0.001 } } }
            lan:
              ip_address: 127.0.0.9
              community: public
              alert_destinations:
                - { selector: 1, address: 127.0.0.9, port: \(receiver.port), version: v1 }
                - { selector: 2, address: 127.0.0.9, port: \(receiver.port), version: v2c }
            """))
        defer { daemon.stop() }
        let temperature = daemon.folder.appendingPathComponent("cpu-temp").path
        func set(_ celsius: Int) throws { try "\(celsius * 1000)\n".write(toFile: temperature, atomically: true, encoding: .utf8) }

        try set(50)
        Thread.sleep(forTimeInterval: 0.3)
        try set(95)
        // v1: "Enterprise Specific Trap (NAME)"; v2c: "snmpTrapOID.0 = OID: NAME".
        let v1 = "Enterprise Specific Trap (IPMIGOD-PET-MIB::petTempUpperCritical)"
        let v2c = "OID: IPMIGOD-PET-MIB::petTempUpperCritical\t"
        XCTAssertTrue(waitUntil(3) { receiver.output.contains(v1) && receiver.output.contains(v2c) }, receiver.output)
        XCTAssertTrue(receiver.output.contains("IPMIGOD-PET-MIB::petTrapEnterprise"), receiver.output)
        XCTAssertTrue(receiver.output.contains("IPMIGOD-PET-MIB::petEvent = Hex-STRING:"), receiver.output)
        XCTAssertFalse(receiver.output.contains(".1.3.6.1.4.1.3183.1.1.0.65801"), "named, not numeric: \(receiver.output)")

        try set(86)
        XCTAssertTrue(waitUntil(3) {
            receiver.output.contains("Enterprise Specific Trap (IPMIGOD-PET-MIB::petTempUpperCriticalOK)")
                && receiver.output.contains("OID: IPMIGOD-PET-MIB::petTempUpperCriticalOK")
        }, receiver.output)
        XCTAssertFalse(receiver.output.contains("Cannot find module"), receiver.output)
    }

    // MARK: Helpers

    /// Skips unless scripts/fetch-ietf-mibs has run.
    private func requireIETFModules() throws {
        for module in ["SNMPv2-SMI", "SNMPv2-TC", "SNMPv2-CONF"]
        where !FileManager.default.fileExists(atPath: "\(Self.ietfDirectory)/\(module).txt") {
            throw XCTSkip("\(module).txt is not in \(Self.ietfDirectory): run scripts/fetch-ietf-mibs (make test does)")
        }
    }

    private func tool(_ name: String) throws -> String {
        let package = ["smilint": "smitools", "snmptranslate": "snmp"][name] ?? name
        do { return try which(name) } catch {
            throw XCTSkip("\(name) is not installed (Debian package \(package); make test installs it)")
        }
    }

    /// snmptranslate with our MIB and the IETF modules only; no snmp.conf, no writes under /var/lib/snmp.
    private func snmptranslate(_ arguments: [String]) throws -> ToolResult {
        try requireIETFModules()
        let snmptranslate = try tool("snmptranslate")
        return try runTool("/usr/bin/env", ["SNMPCONFPATH=\(folder)", "SNMP_PERSISTENT_DIR=\(folder)/snmp-state", snmptranslate,
                                            "-M", "\(Self.ietfDirectory):\(Self.mibDirectory)", "-m", "IPMIGOD-PET-MIB"] + arguments)
    }


    struct MIBNotification {
        var name: String
        var number: UInt32
        /// The "Specific trap N" of its DESCRIPTION.
        var describedNumber: UInt32?
    }

    /// Every NOTIFICATION-TYPE of the MIB file, in file order, with its number under petNotifications.
    static func notifications() throws -> [MIBNotification] {
        let text = try String(contentsOfFile: mibFile, encoding: .utf8)
        let header = try NSRegularExpression(pattern: #"^(\w+)\s+NOTIFICATION-TYPE\b(.*?)::=\s*\{\s*petNotifications\s+(\d+)\s*\}"#,
                                             options: [.anchorsMatchLines, .dotMatchesLineSeparators])
        let described = try NSRegularExpression(pattern: #"Specific trap (\d+)"#)
        let whole = text as NSString
        let found = header.matches(in: text, range: NSRange(location: 0, length: whole.length)).map { match in
            let body = whole.substring(with: match.range(at: 2))
            let quoted = described.firstMatch(in: body, range: NSRange(location: 0, length: (body as NSString).length))
                .flatMap { UInt32((body as NSString).substring(with: $0.range(at: 1))) }
            return MIBNotification(name: whole.substring(with: match.range(at: 1)),
                                number: UInt32(whole.substring(with: match.range(at: 3)))!, describedNumber: quoted)
        }
        // Every NOTIFICATION-TYPE must have been matched (none placed elsewhere).
        let declared = text.components(separatedBy: "\n").filter { $0.range(of: #"^\w+\s+NOTIFICATION-TYPE"#, options: .regularExpression) != nil }
        guard declared.count == found.count else {
            throw MIBParseError(message: "\(declared.count) NOTIFICATION-TYPEs, \(found.count) under petNotifications")
        }
        return found
    }

    struct MIBParseError: Error { var message: String }

    /// The event a notification's name stands for: pet<Sensor><Event>[OK|Cleared].
    static func event(named name: String) -> PlatformEvent? {
        if name == "petNoEvent" {
            // Alert Immediate without an event: offset 0xF, "unspecified".
            return PlatformEvent(sensorType: 0, sensorNumber: 0, isDeassertion: false, eventReadingType: 0, eventData1: 0x0F)
        }
        var rest = Substring(name.dropFirst("pet".count))
        var deasserted = false
        for suffix in ["OK", "Cleared"] where rest.hasSuffix(suffix) {
            rest = rest.dropLast(suffix.count)
            deasserted = true
        }
        let thresholdSensors: [(String, UInt8)] = [("Temp", 0x01), ("Volt", 0x02), ("Current", 0x03), ("Fan", 0x04), ("Other", 0x0B)]
        let thresholds: [String: Threshold] = [
            "LowerNonCritical": .lowerNonCritical, "LowerCritical": .lowerCritical, "LowerNonRecoverable": .lowerNonRecoverable,
            "UpperNonCritical": .upperNonCritical, "UpperCritical": .upperCritical, "UpperNonRecoverable": .upperNonRecoverable,
        ]
        for (prefix, sensorType) in thresholdSensors where rest.hasPrefix(prefix) {
            guard let threshold = thresholds[String(rest.dropFirst(prefix.count))] else { return nil }
            return PlatformEvent(sensorType: sensorType, sensorNumber: 1, isDeassertion: deasserted, eventReadingType: 0x01,
                                 eventData1: 0x50 | threshold.eventOffset)
        }
        // Sensor-specific offsets, IPMI 2.0 table 42-3.
        let discrete: [(String, UInt8, [String])] = [
            ("Psu", 0x08, ["Present", "Failure", "PredictiveFailure", "InputLost"]),
            ("Entity", 0x25, ["Present", "Absent", "Disabled"]),
            ("Watchdog", 0x23, ["TimerExpired", "HardReset", "PowerDown", "PowerCycle"]),
        ]
        for (prefix, sensorType, states) in discrete where rest.hasPrefix(prefix) {
            guard let offset = states.firstIndex(of: String(rest.dropFirst(prefix.count))) else { return nil }
            return PlatformEvent(sensorType: sensorType, sensorNumber: 1, isDeassertion: deasserted, eventReadingType: 0x6F,
                                 eventData1: UInt8(offset))
        }
        return nil
    }
}

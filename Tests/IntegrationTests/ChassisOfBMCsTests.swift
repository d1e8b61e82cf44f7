import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// A chassis of BMCs with real processes on loopback: a management module (MM) and three
/// line cards (LCs), each LC linked to the MM by its own RMCP+ session, checked with the real
/// ipmitool, freeipmi, snmptrapd and ipmi-pet (docs/design.md, "Chassis of BMCs").
final class ChassisOfBMCsTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("ipmigod-cob-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: folder)
    }

    /// `serve --simulate --chassis 3`: the MM shows every sensor of every slot with its reading
    /// (ipmitool and freeipmi, default flags), a crossing on LC 2 reaches the MM's SEL with
    /// LC 2's generator ID and snmptrapd from the MM, and LC 2 answers through the MM.
    func testManagementModuleAggregatesItsLineCards() throws {
        // The NMS: the MM's destination 1 moved here over IPMI (it keeps simulate's port 1162).
        let receiver = try TrapReceiver(folder: folder.path, address: "127.0.0.62", port: 1162)
        defer { receiver.stop() }
        let chassis = try ChassisProcess(lineCards: 3)
        defer { chassis.stop() }
        let mm = chassis.member(0)
        XCTAssertAnswered(try mm.ipmitool(["lan", "alert", "set", "1", "1", "ipaddr", "127.0.0.62"]), within: 5)

        // Each line card's own view, directly on its own port.
        var own: [Int: [SDRLine]] = [:]
        for slot in 1...3 {
            let (lines, result) = try chassis.member(slot).sdrList()
            XCTAssertEqual(result.status, 0, "LC \(slot): \(result)")
            XCTAssertFalse(lines.isEmpty, "LC \(slot) has sensors: \(result)")
            XCTAssertTrue(lines.contains(where: \.hasReading), "LC \(slot) reads its own sensors: \(result)")
            own[slot] = lines
        }

        // The MM: a proxy per LC sensor, each with a reading, once the links have pushed.
        var mmLines: [SDRLine] = []
        var mmResult: ToolResult?
        let complete = waitUntil(30) {
            guard let (lines, result) = try? mm.sdrList() else { return false }
            mmLines = lines
            mmResult = result
            return Self.missingProxies(in: lines, own: own).isEmpty
        }
        XCTAssertTrue(complete, "missing or unread on the MM: \(Self.missingProxies(in: mmLines, own: own))\n\(mmResult.map(String.init(describing:)) ?? "")")
        for slot in 1...3 {
            let proxies = mmLines.filter { $0.name.hasPrefix("S\(slot) ") }
            XCTAssertEqual(proxies.count, own[slot]!.count, "one proxy per LC \(slot) sensor, no more: \(proxies)")
            XCTAssertTrue(proxies.allSatisfy { $0.entityInstance == slot }, "entity instance = slot: \(proxies)")
        }
        // Own sensors, link sensors and proxies all fit on LUN 0 here: no number twice.
        let numbers = mmLines.map(\.number)
        XCTAssertEqual(Set(numbers).count, numbers.count, "no sensor number twice: \(mmLines)")

        // An MC Device Locator per line card, at its slot's IPMB address.
        let locators = try mm.ipmitool(["sdr", "elist", "mcloc"])
        XCTAssertEqual(locators.status, 0, "\(locators)")
        for slot in 1...3 {
            let address = String(format: "%02X", slotAddress(slot))
            let matching = SDRLine.parse(locators.stdout).filter { $0.reading.hasSuffix("MC @ \(address)h") }
            XCTAssertEqual(matching.count, 1, "one MC locator for slot \(slot): \(locators)")
            XCTAssertEqual(matching.first?.entityInstance, slot, "\(locators)")
        }

        // freeipmi, default flags: every proxy of a threshold sensor has a reading.
        let cache = folder.appendingPathComponent("sdr-cache").path
        try FileManager.default.createDirectory(atPath: cache, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let sensors = try mm.freeipmi("ipmi-sensors", ["--sdr-cache-directory", cache, "--quiet-cache", "--no-header-output"])
        XCTAssertEqual(sensors.status, 0, "\(sensors)")
        for slot in 1...3 {
            for line in own[slot]! where Self.isNumeric(line.reading) {
                let name = proxyName(slot: slot, line.name)
                let row = sensors.stdout.components(separatedBy: "\n").first {
                    $0.components(separatedBy: "|").dropFirst().first?.trimmingCharacters(in: .whitespaces) == name
                }
                XCTAssertNotNil(row, "ipmi-sensors shows \(name): \(sensors.stdout)")
                XCTAssertFalse(row?.components(separatedBy: "|").dropFirst(3).first?.contains("N/A") ?? true,
                               "ipmi-sensors reads \(name): \(row ?? "")")
            }
        }

        // LC 2 through the MM (bridging, shape A) reads as LC 2 does directly.
        let (bridged, bridgedResult) = try mm.sdrList(bridgedTo: slotAddress(2))
        XCTAssertEqual(bridgedResult.status, 0, "\(bridgedResult)")
        let (direct, directResult) = try chassis.member(2).sdrList()
        XCTAssertEqual(bridged.map(\.name), direct.map(\.name), "\(bridgedResult)\n\(directResult)")
        XCTAssertEqual(bridged.map(\.number), direct.map(\.number))
        XCTAssertEqual(bridged.map(\.status), direct.map(\.status), "\(bridgedResult)\n\(directResult)")
        XCTAssertEqual(bridged.map(\.entity), direct.map(\.entity))
        XCTAssertEqual(bridged.map(\.hasReading), direct.map(\.hasReading), "\(bridgedResult)\n\(directResult)")
        // freeipmi's bridging: the same Send Message, its own way of waiting for the answer.
        let bridgedInfo = try mm.freeipmi("bmc-info", ["--target-channel-number", "0", "--target-slave-address", "0x84"])
        XCTAssertEqual(bridgedInfo.status, 0, "\(bridgedInfo)")
        XCTAssertTrue(bridgedInfo.stdout.contains("Device ID"), "\(bridgedInfo)")
        // freeipmi's sensors of LC 2 through the MM read as directly (owner 84h: --bridge-sensors).
        func lc2Sensors(_ endpoint: IPMIEndpoint, bridged: Bool) throws -> ToolResult {
            let cache = folder.appendingPathComponent("sdr-cache-lc2-\(bridged)").path
            try FileManager.default.createDirectory(atPath: cache, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            let target = bridged ? ["--target-channel-number", "0", "--target-slave-address", "0x84"] : []
            return try endpoint.freeipmi("ipmi-sensors", target + ["--bridge-sensors", "--sdr-cache-directory", cache,
                                                                   "--quiet-cache", "--no-header-output", "--comma-separated-output"])
        }
        let freeipmiBridged = try lc2Sensors(mm, bridged: true)
        let freeipmiDirect = try lc2Sensors(chassis.member(2), bridged: false)
        XCTAssertEqual(freeipmiBridged.status, 0, "\(freeipmiBridged)")
        // ID, name, type and units (readings may move between the two runs).
        func columns(_ result: ToolResult) -> [String] {
            result.stdout.split(separator: "\n").map { line in
                let fields = line.split(separator: ",", omittingEmptySubsequences: false)
                return fields.count >= 5 ? [fields[0], fields[1], fields[2], fields[4]].joined(separator: ",") : String(line)
            }
        }
        XCTAssertGreaterThanOrEqual(columns(freeipmiBridged).count, own[2]!.count, "\(freeipmiBridged)")
        XCTAssertEqual(columns(freeipmiBridged), columns(freeipmiDirect), "\(freeipmiBridged)\n\(freeipmiDirect)")
        XCTAssertFalse(freeipmiBridged.stdout.contains("CPU Temp,Temperature,N/A"), "\(freeipmiBridged)")

        // The client's privilege travels: a user-level session cannot make LC 2 identify
        // (operator) through the MM; an administrator can.
        let asUser = try runTool("ipmitool", ["-I", "lanplus", "-H", "127.0.0.1", "-p", String(mm.port), "-U", "monitor",
                                              "-P", "monitor", "-L", "USER", "-t", "0x84", "-b", "0", "raw", "0x00", "0x04", "0x01"])
        XCTAssertTrue(asUser.stderr.contains("rsp=0xd4"), "\(asUser)")
        XCTAssertAnswered(try mm.ipmitool(["raw", "0x00", "0x04", "0x01"], extra: ["-t", "0x84", "-b", "0"]), within: 5)

        // An empty slot's address: Send Message says so (83h), never silence.
        let absent = try mm.ipmitool(["raw", "0x06", "0x01"], extra: ["-t", "0x8a", "-b", "0"], timeout: 20)
        XCTAssertNotEqual(absent.status, 0, "\(absent)")
        XCTAssertTrue(absent.stderr.contains("rsp=0x83"), "\(absent)")
        XCTAssertLessThan(absent.seconds, 5, "answered, not timed out: \(absent)")

        // A crossing on LC 2: CPU Temp held at 100 passes upper non-critical (85) and critical (95).
        let set = try chassis.sim(["set", "CPU Temp", "100"], member: 2)
        XCTAssertEqual(set.status, 0, "\(set)")
        var lc2Events: [SELRecord] = []
        XCTAssertTrue(waitUntil(10) {
            lc2Events = (try? chassis.member(2).selRecords(folder: folder)) ?? []
            return lc2Events.contains { $0.sensorType == 0x01 && $0.eventType == 0x01 && $0.offset == 0x09 }
        }, "LC 2 logs its crossing: \(lc2Events)")
        XCTAssertTrue(lc2Events.allSatisfy { $0.generatorAddress == 0x84 }, "LC 2's events carry its address: \(lc2Events)")
        var mmEvents: [SELRecord] = []
        XCTAssertTrue(waitUntil(15) {
            mmEvents = ((try? mm.selRecords(folder: folder)) ?? []).filter { $0.generatorAddress == 0x84 }
            return mmEvents.map(\.content) == lc2Events.map(\.content)
        }, "LC 2's events in the MM's SEL, once each, in order: LC \(lc2Events) MM \(mmEvents)")
        let elist = try mm.ipmitool(["sel", "elist"])
        XCTAssertTrue(elist.stdout.contains("Upper Critical going high | Asserted"), "\(elist)")
        let crossing = try XCTUnwrap(mmEvents.first { $0.sensorType == 0x01 && $0.offset == 0x09 }, "\(mmEvents)")
        let get = try mm.ipmitool(["sel", "get", String(format: "0x%04x", crossing.recordID)])
        XCTAssertTrue(get.stdout.contains("Generator ID          : 0084"), "\(get)")

        // The NMS gets it from the MM: one trap source for the chassis, the slot in the trap.
        XCTAssertTrue(waitUntil(10) { receiver.traps.contains { $0.specific == "65801" } }, receiver.output)
        let trap = try XCTUnwrap(receiver.traps.first { $0.specific == "65801" })
        // It names the MM's proxy (owner 20h), so the NMS decodes it with the MM's SDR.
        XCTAssertEqual(trap.payload.count >= 31 ? trap.payload[27] : 0, 0x20, "sensor device = the MM: \(trap.payload)")
        XCTAssertEqual(trap.payload.count >= 31 ? trap.payload[30] : 0, 2, "entity instance = slot 2: \(trap.payload)")
        let pet = try runTool("ipmi-pet", ["-h", "127.0.0.1:\(mm.port)", "-u", "admin", "-p", "admin", "-D", "LAN_2_0",
                                           "--sdr-cache-directory", cache, "--quiet-cache", "-v", trap.specific]
                                           + trap.payload.map { String(format: "%02X", $0) })
        XCTAssertEqual(pet.status, 0, "\(pet)")
        XCTAssertTrue(pet.stdout.contains("Upper Critical - going high"), "\(pet)")
        XCTAssertTrue(pet.stdout.contains("Temperature"), "\(pet)")
        XCTAssertTrue(pet.stdout.contains(proxyName(slot: 2, "CPU Temp")), "ipmi-pet names the proxy: \(pet)")
        XCTAssertTrue(pet.stdout.contains("Critical"), "\(pet)")

        // Prometheus sees each slot's link, and promtool accepts the chassis's metrics.
        var metrics = ""
        XCTAssertTrue(waitUntil(10) {
            metrics = (try? httpGet("http://127.0.0.1:\(chassis.httpPort)/metrics").body) ?? ""
            return (1...3).allSatisfy { slot in
                metrics.split(separator: "\n").contains { $0.hasPrefix("ipmigod_line_card_link_up{") && $0.contains("slot=\"\(slot)\"") && $0.hasSuffix(" 1") }
            }
        }, metrics)
        let metricsFile = folder.appendingPathComponent("metrics.txt").path
        try metrics.write(toFile: metricsFile, atomically: true, encoding: .utf8)
        let check = try runTool("sh", ["-c", "promtool check metrics < '\(metricsFile)'"])
        XCTAssertNotEqual(check.status, 1, "promtool parses the chassis's metrics: \(check)")

        // The MM's own proxy reads the held value.
        XCTAssertTrue(waitUntil(10) {
            let lines = (try? mm.sdrList().lines) ?? []
            return lines.first { $0.name == proxyName(slot: 2, "CPU Temp") }?.reading.hasPrefix("100 ") ?? false
        }, "the proxy follows LC 2's reading")
        XCTAssertEqual(try chassis.sim(["clear", "--all"], member: 2).status, 0)
    }

    // MARK: Restarts

    /// The MM from a config file with `chassis: {role: mm, slots: 3}`; its short link timeout
    /// and reading age make a line card that stays away visible within the test.
    static let managementModuleConfig = """
        chassis: { role: mm, slots: 3, reading_max_age: 3, link_timeout: 3 }
        sel: { capacity: 4096 }
        sensors:
          - { name: MM Temp, type: temperature, interval: 1, thresholds: { uc: 90 },
              source: { simulated: { waveform: constant, value: 35 } } }
        """

    /// Line card `slot`'s config: readings that keep changing (Flow Temp), events that keep
    /// coming (Event Temp swings across two thresholds every 6 s) and a steady sensor.
    static func lineCardConfig(slot: Int, managementModulePort: Int, passwordFile: String) -> String {
        """
        chassis: { role: lc, slot: \(slot), management_module: "127.0.0.1:\(managementModulePort)", user: admin,
                   password_file: \(passwordFile), heartbeat_interval: 0.5 }
        sel: { capacity: 4096 }
        sensors:
          - { name: Flow Temp, type: temperature, interval: 0.5, thresholds: { unc: 80, uc: 90 },
              source: { simulated: { waveform: random_walk, start: 40, step: 1, min: 30, max: 50 } } }
          - { name: Event Temp, type: temperature, interval: 0.5, thresholds: { unc: 60, uc: 70 },
              hysteresis: { positive: 1, negative: 1 },
              source: { simulated: { waveform: sine, min: 50, max: 80, period: 6 } } }
          - { name: Board Volts, type: voltage, interval: 1, thresholds: { lc: 0.9, uc: 1.1 },
              source: { simulated: { waveform: constant, value: 1.0 } } }
        """
    }

    /// 50 line card restarts (kill -9 mostly, SIGTERM some) and 5 MM restarts while readings
    /// and events flow; then the MM holds exactly each LC's SDRs and SEL entries, no session
    /// leaked on either side, and the link-lost and link-back events are in the MM's SEL.
    func testRestartsLoseNothingAndLeakNothing() throws {
        let passwordFile = folder.appendingPathComponent("mm-admin.password").path
        try "admin\n".write(toFile: passwordFile, atomically: true, encoding: .utf8)
        XCTAssertEqual(chmod(passwordFile, 0o600), 0)
        let mm = try Daemon(Daemon.Options(maxSessions: 8, extraConfig: Self.managementModuleConfig))
        defer { mm.stop() }
        let lineCards = try (1...3).map { slot in
            try Daemon(Daemon.Options(extraConfig: Self.lineCardConfig(slot: slot, managementModulePort: mm.port,
                                                                          passwordFile: passwordFile)))
        }
        defer { lineCards.forEach { $0.stop() } }
        let mmEndpoint = IPMIEndpoint(port: mm.port)
        XCTAssertTrue(mm.log.contains("chassis role: management module for slots 1-3"), mm.log)
        XCTAssertTrue(lineCards[1].log.contains("chassis role: line card in slot 2, IPMB address 0x84"), lineCards[1].log)
        func lineCard(_ slot: Int) -> Daemon { lineCards[slot - 1] }

        var problem: String?
        XCTAssertTrue(waitUntil(60) {
            problem = self.chassisConverged(mm: mmEndpoint, lineCards: lineCards)
            return problem == nil
        }, "the links come up: \(problem ?? "")\n\(mm.log)")

        // Rounds of parallel restarts: 17 × 3 - 1 = 50 LC restarts, 9 of them by SIGTERM, the
        // rest by kill -9, and the MM restarted (kill -9 or SIGTERM) in 5 of the rounds.
        let tally = RestartTally()
        nonisolated(unsafe) let members = (mm: mm, lineCards: lineCards)
        for round in 1...17 {
            // Slot 3's config changes once: a sensor goes, another comes (the MM must follow).
            if round == 8 {
                let config = try String(contentsOfFile: lineCard(3).configPath, encoding: .utf8)
                    .replacingOccurrences(of: "name: Board Volts", with: "name: Spare Volts")
                try config.write(toFile: lineCard(3).configPath, atomically: true, encoding: .utf8)
            }
            // In rounds 5, 11 and 14 one LC stays away longer than the link timeout and reading age.
            let away = [5: 1, 11: 2, 14: 3][round]
            let restartsMM = [3, 6, 9, 12, 15].contains(round)
            let slots = (1...3).filter { !(round == 17 && $0 == 3) }
            DispatchQueue.concurrentPerform(iterations: slots.count + 1) { index in
                do {
                    if index == slots.count {
                        guard restartsMM else { return }
                        if round % 2 == 0 { members.mm.stop() } else { members.mm.kill9() }
                        try members.mm.start()
                        tally.record(managementModule: true)
                        return
                    }
                    let slot = slots[index]
                    let daemon = members.lineCards[slot - 1]
                    let graceful = (round + slot) % 5 == 0
                    if graceful { daemon.stop() } else { daemon.kill9() }
                    if slot != away { try daemon.start() }
                    tally.record(managementModule: false, graceful: graceful)
                } catch {
                    tally.fail("round \(round): \(error)")
                }
            }
            if let away {
                // Away: the MM shows its readings as unavailable, then the link as lost.
                XCTAssertTrue(waitUntil(10) {
                    let proxies = ((try? mmEndpoint.sdrList().lines) ?? []).filter { $0.name.hasPrefix("S\(away) ") }
                    return !proxies.isEmpty && proxies.allSatisfy { $0.status == "ns" || !$0.hasReading }
                }, "slot \(away)'s readings go stale on the MM: \((try? mmEndpoint.sdrList().result.stdout) ?? "")")
                Thread.sleep(forTimeInterval: 1.5)
                do { try lineCard(away).start() } catch { tally.fail("round \(round): \(error)") }
            }
            Thread.sleep(forTimeInterval: 1.5) // readings and events flow
        }
        let (lineCardRestarts, gracefulRestarts, managementModuleRestarts, failures) = tally.totals
        XCTAssertEqual(failures, [])
        XCTAssertEqual(lineCardRestarts, 50)
        XCTAssertEqual(gracefulRestarts, 9)
        XCTAssertEqual(managementModuleRestarts, 5)

        // Quiet the event sensor and pin the flowing reading, then let the chassis converge.
        for slot in 1...3 {
            for (sensor, value) in [("Event Temp", "55"), ("Flow Temp", "\(40 + slot)")] {
                let held = try runTool(Daemon.binary, ["sim", "set", sensor, value, "--state-dir", lineCard(slot).stateDirectory])
                XCTAssertEqual(held.status, 0, "\(held)")
            }
        }
        let converged = waitUntil(60) {
            problem = self.chassisConverged(mm: mmEndpoint, lineCards: lineCards, pinnedFlow: true)
            return problem == nil
        }
        XCTAssertTrue(converged, problem ?? "")

        // Sessions: one per LC on the MM plus the one counting; on each LC only the one counting.
        let mmSessions = try mmEndpoint.activeSessions()
        let sessionList = try mmEndpoint.ipmitool(["session", "info", "active"])
        XCTAssertEqual(mmSessions, 4, "\(sessionList)")
        for slot in 1...3 {
            XCTAssertEqual(try IPMIEndpoint(port: lineCard(slot).port).activeSessions(), 1, "LC \(slot)")
        }

        // Link lost and back, per slot, through the MM's own "Slot N Link" sensors.
        let mmLines = try mmEndpoint.sdrList().lines
        XCTAssertEqual(Set(mmLines.map(\.number)).count, mmLines.count, "no sensor number twice: \(mmLines)")
        let mmSEL = try mmEndpoint.selRecords(folder: folder)
        for slot in 1...3 {
            guard let line = mmLines.first(where: { $0.name == "Slot \(slot) Link" }),
                  let number = UInt8(line.number.dropLast(), radix: 16) else {
                XCTFail("no Slot \(slot) Link sensor on the MM: \(mmLines)")
                continue
            }
            let events = mmSEL.filter { $0.generatorAddress == 0x20 && $0.sensorNumber == number && $0.sensorType == 0x28 }
            XCTAssertTrue(events.contains { !$0.isDeassertion && $0.offset == 3 }, "slot \(slot) link lost: \(events)")
            XCTAssertTrue(events.contains { $0.isDeassertion && $0.offset == 3 }, "slot \(slot) link back: \(events)")
            XCTAssertEqual(events.last?.isDeassertion, true, "slot \(slot) ends linked: \(events)")
        }
        // Events kept flowing through the restarts: Event Temp crossed its thresholds many times.
        for slot in 1...3 {
            let crossings = mmSEL.filter { $0.generatorAddress == slotAddress(slot) && $0.sensorType == 0x01 }
            XCTAssertGreaterThanOrEqual(crossings.count, 20, "slot \(slot)'s crossings on the MM: \(crossings.count)")
            print("slot \(slot): \(crossings.count) crossings logged once each on the MM, link events "
                + "\(mmSEL.filter { $0.generatorAddress == 0x20 && $0.sensorType == 0x28 }.count) in all")
        }
    }

    /// nil once the MM holds exactly each LC's sensors (a proxy each, no stale or duplicate one,
    /// each with a reading) and exactly each LC's SEL entries, in order; else what differs.
    private func chassisConverged(mm: IPMIEndpoint, lineCards: [Daemon], pinnedFlow: Bool = false) -> String? {
        do { return try differences(mm: mm, lineCards: lineCards, pinnedFlow: pinnedFlow) } catch { return "\(error)" }
    }

    private func differences(mm: IPMIEndpoint, lineCards: [Daemon], pinnedFlow: Bool) throws -> String? {
        let mmLines = try mm.sdrList().lines
        let mmSEL = try mm.selRecords(folder: folder)
        for (index, daemon) in lineCards.enumerated() {
            let slot = index + 1
            let lineCard = IPMIEndpoint(port: daemon.port)
            let own = try lineCard.sdrList().lines
            let expected = own.map { proxyName(slot: slot, $0.name) }.sorted()
            let proxies = mmLines.filter { $0.name.hasPrefix("S\(slot) ") }
            guard proxies.map(\.name).sorted() == expected else {
                return "slot \(slot): MM proxies \(proxies.map(\.name).sorted()), LC sensors \(expected)"
            }
            if let unread = proxies.first(where: { !$0.hasReading }) { return "slot \(slot): \(unread) unread" }
            if pinnedFlow, let flow = proxies.first(where: { $0.name == proxyName(slot: slot, "Flow Temp") }),
               !flow.reading.hasPrefix("\(40 + slot) ") {
                return "slot \(slot): \(flow) is not the LC's \(40 + slot)"
            }
            let lcSEL = try lineCard.selRecords(folder: folder).map(\.content)
            let forwarded = mmSEL.filter { $0.generatorAddress == slotAddress(slot) }.map(\.content)
            guard lcSEL == forwarded else {
                return "slot \(slot): LC SEL has \(lcSEL.count) entries, the MM \(forwarded.count) from \(String(format: "%02Xh", slotAddress(slot)))"
                    + (lcSEL.count == forwarded.count ? " (different)" : "")
            }
        }
        return nil
    }

    /// LC sensors whose proxy is absent from the MM's list, or unread where the LC reads it.
    static func missingProxies(in lines: [SDRLine], own: [Int: [SDRLine]]) -> [String] {
        var missing: [String] = []
        for (slot, sensors) in own.sorted(by: { $0.key < $1.key }) {
            for sensor in sensors {
                let name = proxyName(slot: slot, sensor.name)
                guard let proxy = lines.first(where: { $0.name == name }) else {
                    missing.append("\(name) (absent)")
                    continue
                }
                if sensor.hasReading && !proxy.hasReading { missing.append("\(proxy) (no reading)") }
            }
        }
        return missing
    }

    /// "50 degrees C", "12.06 Volts": a threshold sensor's reading.
    static func isNumeric(_ reading: String) -> Bool {
        reading.split(separator: " ").first.map { Double($0) != nil } ?? false
    }
}

/// Restarts counted from the parallel restart workers.
private final class RestartTally: @unchecked Sendable {
    private let lock = NSLock()
    private var lineCards = 0
    private var graceful = 0
    private var managementModule = 0
    private var failures: [String] = []

    func record(managementModule isMM: Bool, graceful isGraceful: Bool = false) {
        lock.withLock {
            if isMM { managementModule += 1 } else { lineCards += 1 }
            if isGraceful { graceful += 1 }
        }
    }

    func fail(_ failure: String) { lock.withLock { failures.append(failure) } }

    var totals: (lineCards: Int, graceful: Int, managementModule: Int, failures: [String]) {
        lock.withLock { (lineCards, graceful, managementModule, failures) }
    }
}

import Foundation
import XCTest

/// The HTTP side against real peers: Prometheus' IPMI exporter scraping the daemon over IPMI
/// compared with the daemon's own /metrics, promtool, ipmitool injecting crossings and wrong
/// passwords, and the reading history across a restart.
final class ObservabilityTests: XCTestCase {
    static func config(httpPort: Int, trapPort: Int = 9) -> String {
        """
        sensors:
          - { name: CPU Temp, type: temperature, interval: 0.2, thresholds: { unc: 80, uc: 90, unr: 100 },
              hysteresis: { positive: 2, negative: 2 }, source: { simulated: { waveform: constant, value: 45 } } }
          - { name: 12V, type: voltage, linearization: { m: 6, r_exp: -2 }, thresholds: { lc: 10.8, lnc: 11.4, unc: 12.6, uc: 13.2 },
              source: { simulated: { waveform: constant, value: 12 } } }
          - { name: Fan 1, type: fan, thresholds: { lc: 1000, lnc: 2000 }, source: { simulated: { waveform: constant, value: 9000 } } }
          - { name: PSU1 Iout, type: current, linearization: { m: 2, r_exp: -1 }, thresholds: { unc: 40, uc: 45 },
              source: { simulated: { waveform: constant, value: 16 } } }
          - { name: PSU1 Pin, type: power, thresholds: { unc: 650, uc: 700 }, source: { simulated: { waveform: constant, value: 230 } } }
          - { name: PSU1 Status, type: power_supply, states: [0, 1, 3], source: { simulated: { waveform: constant, value: 1 } } }
        lan:
          ip_address: 127.0.0.9
          community: public
          alert_destinations:
            - { selector: 1, address: 127.0.0.2, port: \(trapPort), version: v1 }
        http:
          listen: 127.0.0.1:\(httpPort)
        """
    }

    private func startDaemon(trapPort: Int = 9) throws -> (Daemon, String) {
        let httpPort = freeTCPPort()
        let daemon = try Daemon(Daemon.Options(extraConfig: Self.config(httpPort: httpPort, trapPort: trapPort)))
        let base = "http://127.0.0.1:\(httpPort)"
        // Published once a second: wait for a snapshot with both poll groups' first readings in
        // it (CPU Temp every 0.2 s, the rest at the default interval), and so their events.
        XCTAssertTrue(waitUntil(10) {
            let metrics = (try? httpGet(base + "/metrics"))?.body ?? ""
            return metrics.contains("ipmi_temperature_celsius{id=\"3\",name=\"CPU Temp\"} 45")
                && metrics.split(separator: "\n").contains { $0.contains("name=\"PSU1 Status\"") && !$0.hasSuffix("NaN") }
        }, daemon.log)
        return (daemon, base)
    }

    func testExporterAndDaemonAgreeOnSensorMetrics() throws {
        let (daemon, base) = try startDaemon()
        let folder = daemon.folder.path
        let exporterConfig = folder + "/ipmi_exporter.yml"
        try """
            modules:
              default:
                user: admin
                pass: admin
                driver: LAN_2_0
                privilege: admin
                timeout: 10000
                collectors: [bmc, ipmi, sel]
            """.write(toFile: exporterConfig, atomically: true, encoding: .utf8)
        let exporterPort = freeTCPPort()
        let exporter = Process()
        exporter.executableURL = URL(fileURLWithPath: try which("prometheus-ipmi-exporter"))
        exporter.arguments = ["--config.file=\(exporterConfig)", "--web.listen-address=127.0.0.1:\(exporterPort)"]
        let exporterLog = FileHandle(forWritingAtPath: "/dev/null")
        exporter.standardOutput = exporterLog
        exporter.standardError = exporterLog
        try exporter.run()
        defer { exporter.terminate(); exporter.waitUntilExit() }
        let scrapeURL = "http://127.0.0.1:\(exporterPort)/ipmi?target=127.0.0.1:\(daemon.port)&module=default"
        var scraped: (status: Int, body: String) = (0, "")
        XCTAssertTrue(waitUntil(30) {
            scraped = (try? httpGet(scrapeURL, timeout: 20)) ?? (0, "")
            return scraped.body.contains("ipmi_temperature_celsius{")
        }, scraped.body)
        let theirs = PrometheusSamples(scraped.body)
        let ours = PrometheusSamples(try httpGet(base + "/metrics").body)

        for collector in ["bmc", "ipmi", "sel"] {
            XCTAssertEqual(theirs.values["ipmi_up{collector=\"\(collector)\"}"], 1, "the exporter read \(collector): \(scraped.body)")
        }
        let families = ["ipmi_temperature_celsius", "ipmi_temperature_state", "ipmi_voltage_volts", "ipmi_voltage_state",
                        "ipmi_fan_speed_rpm", "ipmi_fan_speed_state", "ipmi_current_amperes", "ipmi_current_state",
                        "ipmi_power_watts", "ipmi_power_state", "ipmi_sensor_value", "ipmi_sensor_state",
                        "ipmi_bmc_info", "ipmi_sel_logs_count", "ipmi_sel_free_space_bytes"]
        for family in families {
            let expected = theirs.series(family)
            let actual = ours.series(family)
            XCTAssertFalse(expected.isEmpty, "the exporter has \(family): \(scraped.body)")
            XCTAssertEqual(Set(actual.keys), Set(expected.keys), "\(family): same series and labels")
            for (labels, value) in expected {
                guard let mine = actual[labels] else { continue }
                if value.isNaN {
                    XCTAssertTrue(mine.isNaN, "\(family){\(labels)}: NaN, ours \(mine)")
                } else {
                    XCTAssertEqual(mine, value, accuracy: abs(value) * 0.01 + 0.001, "\(family){\(labels)}")
                }
            }
        }

        // A crossing: both see the temperature critical.
        XCTAssertAnswered(try daemon.ipmitool(["raw", "0x04", "0x30", "0x01", "0x01", "0x5f"]))
        Thread.sleep(forTimeInterval: 1.5)
        let criticalTheirs = PrometheusSamples(try httpGet(scrapeURL, timeout: 20).body)
        let criticalOurs = PrometheusSamples(try httpGet(base + "/metrics").body)
        let key = "id=3,name=CPU Temp"
        XCTAssertEqual(criticalTheirs.series("ipmi_temperature_state")[key], 2, criticalTheirs.text)
        XCTAssertEqual(criticalOurs.series("ipmi_temperature_state")[key], 2, criticalOurs.text)
        XCTAssertEqual(criticalOurs.series("ipmi_temperature_celsius")[key], criticalTheirs.series("ipmi_temperature_celsius")[key])
    }

    func testMetricsFollowACrossingAndWrongPasswordsAndPassPromtool() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ipmigod-obs-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let receiver = try TrapReceiver(folder: folder)
        defer { receiver.stop() }
        let (daemon, base) = try startDaemon(trapPort: receiver.port)
        let before = PrometheusSamples(try httpGet(base + "/metrics").body)
        XCTAssertEqual(before.values["ipmi_temperature_state{id=\"3\",name=\"CPU Temp\"}"], 0, before.text)
        XCTAssertEqual(before.values["ipmigod_alerts_total{destination=\"1\",outcome=\"sent\"}"], 0, before.text)

        // Upper critical crossing by Set Sensor Reading: state 2, an event, an alert sent.
        XCTAssertAnswered(try daemon.ipmitool(["raw", "0x04", "0x30", "0x01", "0x01", "0x5f"]))
        XCTAssertTrue(waitUntil(3) { receiver.traps.count >= 1 }, receiver.output)
        var after = PrometheusSamples("")
        XCTAssertTrue(waitUntil(3) {
            after = PrometheusSamples((try? httpGet(base + "/metrics").body) ?? "")
            return after.values["ipmigod_alerts_total{destination=\"1\",outcome=\"sent\"}"] == 1
        }, after.text)
        XCTAssertEqual(after.values["ipmi_temperature_state{id=\"3\",name=\"CPU Temp\"}"], 2)
        XCTAssertEqual(after.values["ipmi_temperature_celsius{id=\"3\",name=\"CPU Temp\"}"], 95)
        let logged = (before.values["ipmigod_events_logged_total"] ?? 0, after.values["ipmigod_events_logged_total"] ?? 0)
        XCTAssertEqual(logged.1 - logged.0, 2, "unc and uc asserted")
        XCTAssertEqual((after.values["ipmi_sel_logs_count"] ?? 0) - (before.values["ipmi_sel_logs_count"] ?? 0), 2)
        XCTAssertEqual(after.values["ipmigod_alerts_raised_total"], 1)
        XCTAssertEqual(after.values["ipmigod_alert_queue_depth{destination=\"1\"}"], 0)
        XCTAssertGreaterThanOrEqual(after.values["ipmigod_requests_total{netfn=\"0x04\",command=\"0x30\",completion_code=\"0x00\"}"] ?? 0, 1)

        // ipmi_bmc_info's system_firmware_version is System Info parameter 1 as a client set it.
        XCTAssertAnswered(try daemon.ipmitool(["mc", "setsysinfo", "system_fw_version", "ONIE 2023.05"]))
        var info = PrometheusSamples("")
        XCTAssertTrue(waitUntil(3) {
            info = PrometheusSamples((try? httpGet(base + "/metrics").body) ?? "")
            return info.series("ipmi_bmc_info").keys.contains { $0.hasSuffix("system_firmware_version=ONIE 2023.05") }
        }, info.text)

        // The status API's SEL lines are what `ipmitool sel elist` prints (in UTC, as the page shows them).
        setenv("TZ", "UTC", 1)
        let elist = try daemon.ipmitool(["sel", "elist"], extra: [], timeout: 10)
        let rows = elist.stdout.split(separator: "\n").map { $0.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) } }
        let document = try JSONSerialization.jsonObject(with: Data(try httpGet(base + "/api/status").body.utf8)) as? [String: Any]
        let member = (document?["members"] as? [[String: Any]])?.first
        let latest = (member?["sel"] as? [String: Any])?["latest"] as? [[String]]
        XCTAssertEqual(latest, rows, "\(elist)")

        // Wrong passwords: IPMI 1.5 (Activate Session fails its auth code) and RMCP+, where
        // ipmitool finds our RAKP 2 code wrong and goes silent: counted when that setup
        // expires (10 s).
        _ = try daemon.ipmitool(["mc", "info"], interface: "lan", user: "operator", password: "wrong", extra: ["-R", "1"])
        _ = try daemon.ipmitool(["mc", "info"], password: "wrong", extra: ["-R", "1"])
        var failures = PrometheusSamples("")
        XCTAssertTrue(waitUntil(3) {
            failures = PrometheusSamples((try? httpGet(base + "/metrics").body) ?? "")
            return failures.values["ipmigod_authentication_failures_total{user=\"operator\"}"] == 1
        }, failures.text)
        XCTAssertTrue(waitUntil(15) {
            failures = PrometheusSamples((try? httpGet(base + "/metrics").body) ?? "")
            return failures.values["ipmigod_authentication_failures_total{user=\"admin\"}"] ?? 0 >= 1
        }, failures.text)

        // A malformed packet is dropped and counted by reason.
        UDPSocket(port: daemon.port, receiveTimeout: 0.1).send([0x06, 0x00, 0xFF])
        XCTAssertTrue(waitUntil(3) {
            failures = PrometheusSamples((try? httpGet(base + "/metrics").body) ?? "")
            return failures.values["ipmigod_packets_dropped_total{reason=\"malformed packet\"}"] == 1
        }, failures.text)

        // promtool, Prometheus' own parser and linter.
        let metricsFile = daemon.folder.appendingPathComponent("metrics.txt").path
        try failures.text.write(toFile: metricsFile, atomically: true, encoding: .utf8)
        let check = try runTool("sh", ["-c", "promtool check metrics < '\(metricsFile)'"])
        // It parses (exit 1 otherwise); the one lint remark allowed is on the exporter's own
        // name, kept so that its dashboards work: a gauge ending in _count.
        XCTAssertNotEqual(check.status, 1, "\(check)")
        let remarks = check.output.split(separator: "\n").filter { !$0.isEmpty }
        XCTAssertEqual(remarks.map { $0.hasPrefix("ipmi_sel_logs_count ") }, Array(repeating: true, count: remarks.count), "\(check)")

        // ipmigod status reads the same snapshot live, over the control socket.
        let status = try runTool(Daemon.binary, ["status", "--state-dir", daemon.stateDirectory])
        XCTAssertEqual(status.status, 0, "\(status)")
        XCTAssertTrue(status.stdout.contains("1: 127.0.0.2:\(receiver.port) v1: sent 1"), "\(status)")
    }

    /// `ipmigod status` needs no HTTP: the control socket's `status` verb reads the same board.
    func testStatusOverTheControlSocketWithoutHTTP() throws {
        let daemon = try Daemon()
        let state = daemon.stateDirectory
        var status = try runTool(Daemon.binary, ["status", "--state-dir", state])
        XCTAssertTrue(waitUntil(5) {
            status = (try? runTool(Daemon.binary, ["status", "--state-dir", state])) ?? status
            return status.status == 0
        }, "\(status)\n\(daemon.log)")
        XCTAssertTrue(status.stdout.hasPrefix("sessions active: 0\n"), "\(status)")
        XCTAssertTrue(status.stdout.contains("SEL entries:"), "\(status)")
        XCTAssertTrue(status.stdout.contains("SNMPv3 engine ID: 0x"), "\(status)")
        // --json: /api/status's document, one member (the plain daemon's, named "").
        let json = try runTool(Daemon.binary, ["status", "--json", "--state-dir", state])
        XCTAssertEqual(json.status, 0, "\(json)")
        let document = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        let members = document?["members"] as? [[String: Any]]
        XCTAssertEqual(members?.map { $0["member"] as? String }, [""], json.stdout)
        XCTAssertEqual((members?.first?["sel"] as? [String: Any])?["capacity"] as? Int, 1024, json.stdout)
        // No daemon there: EX_UNAVAILABLE, saying so.
        let none = try runTool(Daemon.binary, ["status", "--state-dir", daemon.folder.appendingPathComponent("none").path])
        XCTAssertEqual(none.status, 69, "\(none)")
        XCTAssertTrue(none.stderr.contains("no daemon is running there"), "\(none)")
    }

    /// `ipmigod --simulate` keeps its socket in the user's state directory; `ipmigod status`
    /// and `ipmigod sim` find it there with no options: one control socket for both.
    func testSimulateModesStatusAndSimShareTheDefaultSocket() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ipmigod-obs-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let httpPort = freeTCPPort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Daemon.binary)
        process.arguments = ["--simulate", "--listen", "127.0.0.1:\(UDPSocket.freePort())", "--http-listen", "127.0.0.1:\(httpPort)"]
        process.environment = ProcessInfo.processInfo.environment.merging(["XDG_STATE_HOME": folder]) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { process.terminate(); process.waitUntilExit() }
        XCTAssertTrue(waitUntil(15) { FileManager.default.fileExists(atPath: folder + "/ipmigod/simulate/control.sock") })
        func ipmigod(_ arguments: [String]) throws -> ToolResult {
            try runTool("env", ["XDG_STATE_HOME=\(folder)", Daemon.binary] + arguments)
        }
        var status = try ipmigod(["status"])
        XCTAssertTrue(waitUntil(5) {
            status = (try? ipmigod(["status"])) ?? status
            return status.status == 0
        }, "\(status)")
        let destination = "  1: 127.0.0.1:1162 v1: sent "
        XCTAssertTrue(status.stdout.contains(destination), "\(status)")
        let page = try httpGet("http://127.0.0.1:\(httpPort)/api/status.txt")
        XCTAssertTrue(page.body.contains(destination), page.body)
        let list = try ipmigod(["sim", "list"])
        XCTAssertEqual(list.status, 0, "\(list)")
        XCTAssertTrue(list.stdout.contains("ASIC Temp"), "\(list)")
    }

    func testEndpointIsReadOnlyAndBounded() throws {
        let (daemon, base) = try startDaemon()
        _ = daemon
        XCTAssertEqual(try httpGet(base + "/nothing").status, 404)
        let post = try runTool("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", "-d", "x=1", base + "/metrics"])
        XCTAssertEqual(post.stdout, "405", "\(post)")
        let longURI = try httpGet(base + "/api/history?sensor=" + String(repeating: "a", count: 5000))
        XCTAssertEqual(longURI.status, 414)
        XCTAssertEqual(try httpGet(base + "/api/history?sensor=CPU%20Temp&span=soon").status, 400)
        XCTAssertEqual(try httpGet(base + "/api/history?sensor=nope").status, 404)
        XCTAssertEqual(try httpGet(base + "/api/history?member=nope").status, 404)
        // Every threshold sensor's history at once (what the page plots), thinned on request.
        let batch = try httpGet(base + "/api/history?span=600&points=2")
        let sensors = (try JSONSerialization.jsonObject(with: Data(batch.body.utf8)) as? [String: Any])?["sensors"] as? [[String: Any]]
        XCTAssertEqual(sensors?.map { $0["sensor"] as? String ?? "" }, ["CPU Temp", "12V", "Fan 1", "PSU1 Iout", "PSU1 Pin"], batch.body)
        XCTAssertTrue(sensors?.allSatisfy { ($0["points"] as? [[Double]])?.count ?? 99 <= 2 } ?? false, batch.body)
        // A client that opens a connection and sends nothing is let go.
        let silent = try runTool("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-m", "20", "telnet://127.0.0.1:\(URL(string: base)!.port!)"],
                                 timeout: 25)
        XCTAssertLessThan(silent.seconds, 15, "closed after the request deadline: \(silent)")
        let page = try httpGet(base + "/")
        XCTAssertEqual(page.status, 200)
        XCTAssertFalse(page.body.contains("http://") && page.body.contains("<script src"), "no external assets")
        // At most 32 connections: with 32 held open, the next is closed at once; once they
        // go, the endpoint answers again. IPMI answers throughout.
        let port = URL(string: base)!.port!
        let held = (0..<32).map { _ in connectTCP(port: port) }
        Thread.sleep(forTimeInterval: 0.3)
        XCTAssertNotEqual(try httpGet(base + "/metrics", timeout: 3).status, 200, "a 33rd connection is refused")
        XCTAssertAnswered(try daemon.ipmitool(["mc", "info"]))
        for fd in held { close(fd) }
        XCTAssertTrue(waitUntil(3) { (try? httpGet(base + "/metrics"))?.status == 200 })
    }

    func testHistoryIsServedAndSurvivesARestart() throws {
        let (daemon, base) = try startDaemon()
        let url = base + "/api/history?sensor=CPU%20Temp&span=recent"
        var points: [[Double]] = []
        XCTAssertTrue(waitUntil(6) {
            points = Self.points(try? httpGet(url).body)
            return points.count >= 3
        }, "\(points)")
        XCTAssertEqual(points.last?[1], 45)
        let long = Self.points(try httpGet(base + "/api/history?sensor=CPU%20Temp&span=long").body)
        // One minute's average so far, or two when the test ran across a minute's boundary.
        XCTAssertTrue((1...2).contains(long.count), "one minute average so far: \(long)")
        XCTAssertEqual(long.map { $0[1] }, Array(repeating: 45, count: long.count))

        XCTAssertEqual(daemon.stop(), 0)
        XCTAssertTrue(FileManager.default.fileExists(atPath: daemon.stateDirectory + "/history.bin"), "saved at shutdown")
        try daemon.start()
        let restored = Self.points(try httpGet(url).body)
        XCTAssertGreaterThanOrEqual(restored.count, points.count, "the saved span is back: \(restored)")
        XCTAssertEqual(Array(restored.prefix(points.count)).map { $0[0] }, points.map { $0[0] })
    }

    /// The status page in headless Chromium (scripts/status-page-check.py drives it over the
    /// DevTools protocol): no console error, every sensor, plots with points, and a crossing
    /// injected with Set Sensor Reading shown critical with its SEL line within a refresh.
    func testStatusPageInHeadlessChromium() throws {
        let (daemon, base) = try startDaemon()
        Thread.sleep(forTimeInterval: 3) // a few seconds of history to plot
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        // docs/status-page.png is refreshed when IPMIGOD_UPDATE_SCREENSHOT=1, so a test run
        // leaves the tree clean otherwise.
        let update = ProcessInfo.processInfo.environment["IPMIGOD_UPDATE_SCREENSHOT"] == "1"
        let screenshot = update ? root.appendingPathComponent("docs/status-page.png").path
            : daemon.folder.appendingPathComponent("status-page.png").path
        let inject = ["ipmitool", "-I", "lanplus", "-H", "127.0.0.1", "-p", String(daemon.port), "-U", "admin", "-P", "admin",
                      "raw", "0x04", "0x30", "0x01", "0x01", "0x5f"]
        let result = try runTool("/usr/bin/python3", [root.appendingPathComponent("scripts/status-page-check.py").path,
                                                      base + "/", "6", "CPU Temp", screenshot, "--"] + inject, timeout: 90)
        XCTAssertEqual(result.status, 0, "\(result)")
        for check in ["every sensor shown (6 rows)", "history plots have points", "CPU Temp critical", "no console error"] {
            XCTAssertTrue(result.stdout.contains("ok " + check), "\(check): \(result)")
        }
        let png = try Data(contentsOf: URL(fileURLWithPath: screenshot))
        XCTAssertEqual(Array(png.prefix(4)), [0x89, 0x50, 0x4E, 0x47], "a PNG")
    }

    /// An open TCP connection to loopback that sends nothing.
    func connectTCP(port: Int) -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return fd
    }

    static func points(_ body: String?) -> [[Double]] {
        guard let data = body?.data(using: .utf8),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let points = object["points"] as? [[Double]]
        else { return [] }
        return points
    }
}

import Foundation
import XCTest

/// Simulate mode's scenarios and live control against a real daemon: scenario timelines give
/// the SEL events and PETs they should, `ipmigod sim ...` drives sensors that ipmitool then
/// reads, and every shipped scenario parses and fits the simulate config's sensors.
final class SimulateTests: XCTestCase {
    /// A threshold sensor and a PSU status sensor, polled fast, with a short scenario in the
    /// config's scenario directory.
    static func config(trapPort: Int) -> String {
        """
        sensors:
          - { name: Rack Temp, type: temperature, interval: 0.1, thresholds: { unc: 40, uc: 45, unr: 60 },
              hysteresis: { positive: 1, negative: 1 }, source: { simulated: { waveform: constant, value: 30 } } }
          - { name: Test PSU, type: power_supply, entity: power_supply, states: [0, 1, 3], interval: 0.1,
              source: { simulated: { waveform: constant, value: 1 } } }
          - { name: Board Volts, type: voltage, interval: 0.1, thresholds: { lc: 0.9, uc: 1.1 },
              source: { simulated: { waveform: constant, value: 1.0 } } }
          - { name: Wired Temp, type: temperature, interval: 0.1, source: { file: { path: "FOLDER/wired" } } }
        lan:
          ip_address: 127.0.0.9
          community: public
          alert_destinations:
            - { selector: 1, address: 127.0.0.2, port: \(trapPort), version: v1 }
        simulate:
          scenario_directory: FOLDER/scenarios
        """
    }

    /// Up to upper non-critical, then critical, a PSU failure meanwhile, and back down.
    static let spike = """
        description: a short test spike
        sensors:
          Rack Temp:
            - { step: 42, for: 0.8 }    # upper non-critical
            - { step: 47, for: 1.2 }    # upper critical
            - { step: 43, for: 0.8 }    # below 45 - 1: critical clears; then 30: non-critical clears
          Test PSU:
            - { normal: true, for: 0.4 }
            - { states: [0, 1], for: 1.2 }   # failure detected, from 0.4 to 1.6
        """

    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("ipmigod-sim-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("scenarios"), withIntermediateDirectories: true)
        try Self.spike.write(to: folder.appendingPathComponent("scenarios/spike.yaml"), atomically: true, encoding: .utf8)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: folder)
    }

    func sim(_ arguments: [String], _ daemon: Daemon) throws -> ToolResult {
        try runTool(Daemon.binary, ["sim"] + arguments + ["--state-dir", daemon.stateDirectory])
    }

    // MARK: Scenarios

    func testScenarioTimelineGivesEventsAndPETsInOrder() throws {
        let receiver = try TrapReceiver(folder: folder.path)
        defer { receiver.stop() }
        let daemon = try Daemon(Daemon.Options(extraConfig: Self.config(trapPort: receiver.port)), folder: folder)
        Thread.sleep(forTimeInterval: 0.5)
        func events() throws -> [String] {
            // "   1 | 12/01/26 | 23:44:53 UTC | Power Supply #0x02 | Presence detected | Asserted" -> from the sensor on
            try daemon.ipmitool(["sel", "list"]).stdout.components(separatedBy: "\n").filter { $0.contains("|") }.map { line in
                line.components(separatedBy: "|").dropFirst(3).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " | ")
            }
        }
        XCTAssertEqual(try events(), ["Power Supply #0x02 | Presence detected | Asserted"], "only the PSU's presence before the scenario")

        let started = try sim(["scenario", "spike"], daemon)
        XCTAssertEqual(started.status, 0, "\(started)")
        let status = try sim(["status"], daemon)
        XCTAssertTrue(status.stdout.contains("spike"), "\(status)")
        XCTAssertTrue(status.stdout.contains("of 2.8 s"), "\(status)")
        XCTAssertTrue(status.stdout.contains("once"), "\(status)")

        // Four temperature events and two PSU events, the deassertions included, in the
        // timeline's order.
        XCTAssertTrue(waitUntil(10) { ((try? events()) ?? []).count >= 7 })
        Thread.sleep(forTimeInterval: 0.5)
        XCTAssertEqual(try events().dropFirst(), [
            "Temperature #0x01 | Upper Non-critical going high | Asserted",
            "Power Supply #0x02 | Failure detected | Asserted",
            "Temperature #0x01 | Upper Critical going high | Asserted",
            "Power Supply #0x02 | Failure detected | Deasserted",
            "Temperature #0x01 | Upper Critical going high | Deasserted",
            "Temperature #0x01 | Upper Non-critical going high | Deasserted",
        ])

        // The default PEF alerts on the PSU failure and the critical crossing, and on their clearing.
        XCTAssertTrue(waitUntil(5) { receiver.traps.count >= 4 }, receiver.output)
        Thread.sleep(forTimeInterval: 0.5)
        XCTAssertEqual(receiver.traps.map(\.specific), ["552705", "65801", "552833", "65929"], receiver.output)
        XCTAssertEqual(Set(receiver.traps.map(\.agent)), ["127.0.0.9"])

        let after = try sim(["status"], daemon)
        XCTAssertEqual(after.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "no scenario running", "\(after)")
        let list = try sim(["list"], daemon)
        XCTAssertTrue(list.stdout.contains("Rack Temp   | 30      | source"), "back to its waveform: \(list)")
    }

    func testLoopingScenarioRunsAgainAndStops() throws {
        let daemon = try Daemon(Daemon.Options(extraConfig: Self.config(trapPort: UDPSocket.freePort())), folder: folder)
        XCTAssertEqual(try sim(["scenario", "spike", "--loop", "--period", "3"], daemon).status, 0)
        // Both runs' upper critical assertions reach the SEL.
        XCTAssertTrue(waitUntil(10) {
            ((try? daemon.ipmitool(["sel", "list"]).stdout) ?? "").components(separatedBy: "Upper Critical going high | Asserted").count == 3
        })
        let status = try sim(["status"], daemon)
        XCTAssertTrue(status.stdout.contains("looping every 3 s, run 2"), "\(status)")
        XCTAssertEqual(try sim(["scenario", "--stop", "spike"], daemon).status, 0)
        XCTAssertTrue(try sim(["status"], daemon).stdout.contains("no scenario running"))
        let again = try sim(["scenario", "--stop", "spike"], daemon)
        XCTAssertEqual(again.status, 1)
        XCTAssertTrue(again.stderr.contains("scenario spike is not running"), "\(again)")
    }

    // MARK: Live control

    func testSimVerbsDriveSensorsThatIpmitoolReads() throws {
        let daemon = try Daemon(Daemon.Options(extraConfig: Self.config(trapPort: UDPSocket.freePort())), folder: folder)
        Thread.sleep(forTimeInterval: 0.3)
        let list = try sim(["list"], daemon)
        XCTAssertEqual(list.status, 0, "\(list)")
        XCTAssertEqual(list.stdout, """
            SENSOR      | READING | HELD BY
            Rack Temp   | 30      | source
            Test PSU    | 0x1     | source
            Board Volts | 1       | source

            """, "simulated sensors only (Wired Temp reads a file)")

        XCTAssertEqual(try sim(["set", "Rack Temp", "47"], daemon).status, 0)
        XCTAssertTrue(waitUntil(3) { ((try? daemon.ipmitool(["sensor", "reading", "Rack Temp"]).stdout) ?? "").contains("| 47") })
        XCTAssertTrue(try sim(["list"], daemon).stdout.contains("Rack Temp   | 47      | set"))
        XCTAssertTrue(waitUntil(3) { ((try? daemon.ipmitool(["sel", "list"]).stdout) ?? "").contains("Upper Critical going high | Asserted") })

        XCTAssertEqual(try sim(["fail", "Rack Temp"], daemon).status, 0)
        XCTAssertTrue(waitUntil(3) {
            ((try? daemon.ipmitool(["sdr", "get", "Rack Temp"]).stdout) ?? "").contains("Sensor Reading        : No Reading")
        }, (try? daemon.ipmitool(["sdr", "get", "Rack Temp"]))?.output ?? "")
        XCTAssertTrue(try sim(["list"], daemon).stdout.contains("Rack Temp   | na      | fail"))

        XCTAssertEqual(try sim(["clear", "Rack Temp"], daemon).status, 0)
        XCTAssertTrue(waitUntil(3) { ((try? daemon.ipmitool(["sensor", "reading", "Rack Temp"]).stdout) ?? "").contains("| 30") })

        // A discrete sensor takes its state mask.
        XCTAssertEqual(try sim(["set", "Test PSU", "0x03", "--member", "0"], daemon).status, 0)
        XCTAssertTrue(waitUntil(3) { ((try? daemon.ipmitool(["sel", "list"]).stdout) ?? "").contains("Power Supply #0x02 | Failure detected | Asserted") })

        XCTAssertEqual(try sim(["set", "Board Volts", "1.2"], daemon).status, 0)
        XCTAssertEqual(try sim(["scenario", "spike", "--member", "all"], daemon).status, 0)
        XCTAssertEqual(try sim(["clear", "--all"], daemon).status, 0)
        XCTAssertTrue(try sim(["status"], daemon).stdout.contains("no scenario running"))
        XCTAssertTrue(waitUntil(3) { ((try? self.sim(["list"], daemon).stdout) ?? "").contains("Board Volts | 1       | source") })

        // Refusals: a clear message and exit 1.
        for (arguments, message) in [
            (["set", "No Such", "1"], "no sensor named \"No Such\""),
            (["set", "Rack Temp", "300"], "300 is out of range for Rack Temp (0 to 255)"),
            (["set", "Rack Temp", "hot"], "\"hot\" is not a number"),
            (["set", "Test PSU", "1.5"], "Test PSU is discrete"),
            (["fail", "Wired Temp"], "sensor \"Wired Temp\" is not simulated"),
            (["clear", "Nope"], "no sensor named \"Nope\""),
            (["scenario", "meltdown"], "no scenario named \"meltdown\" (known: brownout, fan-failure, flapping, overheat, psu-failure, spike)"),
            (["scenario", "overheat"], "scenario overheat: no sensor named \"ASIC Temp\""),
            (["list", "--member", "3"], "no member 3: this daemon simulates one switch, member 0"),
        ] {
            let result = try sim(arguments, daemon)
            XCTAssertEqual(result.status, 1, "\(arguments): \(result)")
            XCTAssertTrue(result.stderr.contains(message), "\(arguments): \(result)")
        }
        let listed = try sim(["scenario"], daemon)
        XCTAssertTrue(listed.stdout.contains("spike       | 2.8 s  | a short test spike"), "\(listed)")

        // The socket is the owner's alone, and goes with the daemon.
        let socket = daemon.stateDirectory + "/control.sock"
        let attributes = try FileManager.default.attributesOfItem(atPath: socket)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600)
        daemon.stop()
        XCTAssertFalse(FileManager.default.fileExists(atPath: socket))
        let none = try sim(["list"], daemon)
        XCTAssertEqual(none.status, 69, "\(none)")
        XCTAssertTrue(none.stderr.contains("no daemon is running there"), "\(none)")
    }

    func testControlSocketIsBoundedAndRefusesASymlink() throws {
        let daemon = try Daemon(Daemon.Options(extraConfig: Self.config(trapPort: UDPSocket.freePort())), folder: folder)
        let path = daemon.stateDirectory + "/control.sock"
        // Not JSON, then an unknown verb, on one connection: an error line for each.
        let answers = try exchange(path, "hello\n{\"verb\":\"nope\",\"arguments\":[]}\n{\"verb\":\"sim.set\",\"arguments\":[\"Rack Temp\",\"41\"]}\n", lines: 3)
        XCTAssertEqual(answers.count, 3, "\(answers)")
        XCTAssertTrue(answers[0].contains("\"ok\":false") && answers[0].contains("not a request"), answers[0])
        XCTAssertTrue(answers[1].contains("unknown verb"), answers[1])
        XCTAssertTrue(answers[2].contains("\"ok\":true"), answers[2])
        // A request past 16 KiB ends the connection.
        let long = try exchange(path, String(repeating: "x", count: 20_000), lines: 1)
        XCTAssertTrue(long.first?.contains("request longer than") ?? false, "\(long)")
        XCTAssertTrue(daemon.isRunning)

        // Eight connections at a time: a ninth is closed at once; once they go, requests work again.
        let held = (0..<8).map { _ in connectRaw(path) }
        Thread.sleep(forTimeInterval: 0.3)
        let ninth = connectRaw(path)
        var byte: UInt8 = 0
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(ninth, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        XCTAssertEqual(read(ninth, &byte, 1), 0, "closed by the daemon")
        close(ninth)
        held.forEach { close($0) }
        XCTAssertTrue(waitUntil(3) { ((try? self.sim(["status"], daemon))?.status ?? -1) == 0 })

        // A second daemon on the same state directory does not take the socket over.
        let second = try runTool(Daemon.binary, ["--config", daemon.configPath, "--listen", "127.0.0.1:\(UDPSocket.freePort())"],
                                 timeout: 20)
        XCTAssertNotEqual(second.status, 0)
        XCTAssertTrue(second.stderr.contains("another daemon is running with this state directory"), "\(second)")
        XCTAssertEqual(try sim(["status"], daemon).status, 0)

        // After kill -9 the socket left behind is replaced.
        daemon.kill9()
        XCTAssertTrue(FileManager.default.fileExists(atPath: path))
        try daemon.start()
        XCTAssertEqual(try sim(["status"], daemon).status, 0)

        // A symlink where the socket goes is never followed or replaced.
        daemon.stop()
        let target = folder.appendingPathComponent("elsewhere").path
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: target)
        XCTAssertThrowsError(try daemon.start())
        XCTAssertTrue(daemon.log.contains("exists and is not a socket"), daemon.log)
        XCTAssertFalse(FileManager.default.fileExists(atPath: target))
    }

    /// A connected Unix socket to `path`.
    private func connectRaw(_ path: String) -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: path.utf8)
            raw[path.utf8.count] = 0
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        XCTAssertEqual(connected, 0)
        return fd
    }

    /// Sends raw bytes to the control socket and reads up to `lines` response lines.
    private func exchange(_ path: String, _ text: String, lines: Int) throws -> [String] {
        let fd = connectRaw(path)
        defer { close(fd) }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        _ = Array(text.utf8).withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while received.filter({ $0 == UInt8(ascii: "\n") }).count < lines {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            received += chunk[0..<count]
        }
        return String(decoding: received, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    // MARK: The shipped scenarios

    func testShippedScenariosParseStartAndRaiseTheirEvents() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let shipped = root.appendingPathComponent("conf/scenarios").path
        let names = try FileManager.default.contentsOfDirectory(atPath: shipped).filter { $0.hasSuffix(".yaml") }.sorted()
        XCTAssertEqual(names, ["brownout.yaml", "fan-failure.yaml", "flapping.yaml", "overheat.yaml", "psu-failure.yaml"])

        // The files as shipped, through check-config (the simulate config with them as its directory).
        let simulateConfig = try String(contentsOfFile: root.appendingPathComponent("conf/ipmigod-simulate.yaml").path, encoding: .utf8)
        let config = folder.appendingPathComponent("simulate.yaml").path
        try simulateConfig.replacingOccurrences(of: "# scenario_directory: /etc/ipmigod/scenarios", with: "scenario_directory: \(shipped)")
            .write(toFile: config, atomically: true, encoding: .utf8)
        let checked = try runTool(Daemon.binary, ["check-config", config])
        XCTAssertEqual(checked.status, 0, "\(checked)")

        // A broken one is located to its line and field.
        try simulateConfig.replacingOccurrences(of: "# scenario_directory: /etc/ipmigod/scenarios",
                                                with: "scenario_directory: \(folder.appendingPathComponent("scenarios").path)")
            .write(toFile: config, atomically: true, encoding: .utf8)
        for (text, message) in [
            ("sensors:\n  ASIC Temp:\n    - { ramp: 98, for: 30 }\n    - { hodl: true, for: 5 }\n",
             "broken.yaml:4: sensors.ASIC Temp[1].hodl: unknown key"),
            ("sensors:\n  ASIC Temp:\n    - { step: 98, ramp: 99, for: 30 }\n",
             "broken.yaml:3: sensors.ASIC Temp[0]: give exactly one of step, hold, ramp, noise, flap, states, unavailable or normal (and for)"),
            ("sensors:\n  ASIC Temp:\n    - { step: 98 }\n", "broken.yaml:3: sensors.ASIC Temp[0].for: is required"),
            ("period: 5\nsensors:\n  ASIC Temp:\n    - { step: 98, for: 30 }\n", "broken.yaml:1: period 5 is shorter than the scenario (30 s)"),
            ("sensors:\n  ASIC Temp:\n    - { flap: [1, 2, 3], every: 2, for: 30 }\n",
             "broken.yaml:3: sensors.ASIC Temp[0].flap: expected two values: [FIRST, SECOND]"),
        ] {
            try text.write(to: folder.appendingPathComponent("scenarios/broken.yaml"), atomically: true, encoding: .utf8)
            let broken = try runTool(Daemon.binary, ["check-config", config])
            XCTAssertEqual(broken.status, 78, "\(broken)")
            XCTAssertTrue(broken.stderr.contains(message), "\(message): \(broken)")
        }
        try FileManager.default.removeItem(at: folder.appendingPathComponent("scenarios/broken.yaml"))

        // The built-in ones, in --simulate with no files: each starts against its sensors.
        let port = UDPSocket.freePort()
        let state = folder.appendingPathComponent("simulate-state").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Daemon.binary)
        process.arguments = ["--simulate", "--listen", "127.0.0.1:\(port)", "--state-dir", state]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { process.terminate(); process.waitUntilExit() }
        XCTAssertTrue(waitUntil(15) { FileManager.default.fileExists(atPath: state + "/control.sock") })
        let status = try runTool(Daemon.binary, ["sim", "status", "--state-dir", state])
        XCTAssertTrue(status.stdout.contains("overheat | starts in 2"), "the config's looping overheat: \(status)")
        XCTAssertTrue(status.stdout.contains("looping every 600 s"), "\(status)")
        for name in ["overheat", "psu-failure", "fan-failure", "brownout", "flapping"] {
            let started = try runTool(Daemon.binary, ["sim", "scenario", name, "--state-dir", state])
            XCTAssertEqual(started.status, 0, "\(name): \(started)")
        }
        let running = try runTool(Daemon.binary, ["sim", "status", "--state-dir", state])
        XCTAssertEqual(running.stdout.components(separatedBy: "\n").filter { $0.contains(" s of ") }.count, 5, "\(running)")

        // Their first events, as ipmitool sees them (the scenarios touch distinct sensors).
        let expected = [
            ("PSU1 Status", "Failure detected | Asserted"),
            ("PSU1 Vout", "Lower Critical going low | Asserted"),
            ("PSU1 Vin", "Lower Critical going low | Asserted"),
            ("12V", "Lower Critical going low | Asserted"),
            ("5V", "Lower Non-critical going low | Asserted"),
            ("Fan3", "Lower Non-recoverable going low | Asserted"),
            ("Inlet Temp", "Upper Critical going high | Asserted"),
        ]
        func missing() -> [String] {
            let lines = ((try? runTool("ipmitool", ["-I", "lanplus", "-H", "127.0.0.1", "-p", "\(port)", "-U", "admin", "-P", "admin",
                                                    "sel", "elist"]))?.stdout ?? "").components(separatedBy: "\n")
            // "   a | 12/01/26 | 23:59:51 UTC | Voltage PSU1 Vout | Lower Critical going low  | Asserted | Reading 0 < ..."
            return expected.filter { sensor, event in
                !lines.contains { line in
                    let fields = line.components(separatedBy: "|").map { $0.trimmingCharacters(in: .whitespaces) }
                    return fields.count >= 6 && fields[3].hasSuffix(" " + sensor) && "\(fields[4]) | \(fields[5])" == event
                }
            }.map { "\($0) \($1)" }
        }
        XCTAssertTrue(waitUntil(40) { missing().isEmpty }, "\(missing())")
        XCTAssertEqual(try runTool(Daemon.binary, ["sim", "scenario", "--stop", "--state-dir", state]).status, 0)
    }
}

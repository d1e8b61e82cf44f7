import Foundation
import IPMICore
import NIOCore
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Chassis control with the real clients: on simulate mode's chassis, through hook scripts
/// that record their arguments, and across a kill -9.
final class ChassisTests: XCTestCase {
    /// One simulated sensor read every second, so power off shows as "na" quickly.
    private static let simulated = """
        hooks: simulated
        sensors:
          - { name: CPU Temp, type: temperature, entity: processor, interval: 1,
              thresholds: { unc: 85, uc: 95, unr: 105 }, hysteresis: { positive: 2, negative: 2 },
              source: { simulated: { waveform: constant, value: 50 } } }
        """

    /// Hooks that append "NAME ARGUMENTS" to FOLDER/hooks.log; power_on is left out.
    private static let recordingHooks: String = {
        func hook(_ name: String, _ arguments: String = "\"{reason}\"") -> String {
            "  \(name): { command: [/bin/sh, -c, 'echo \"$0 $*\" >> FOLDER/hooks.log', \(name), \(arguments)] }\n"
        }
        return "hooks:\n" + ["power_off", "power_cycle", "hard_reset", "soft_shutdown", "diagnostic_interrupt",
                             "identify_on", "identify_off"].map { hook($0) }.joined()
            + hook("boot_device", "\"{device}\", \"{persistent}\"")
    }()

    private func recorded(_ daemon: Daemon) -> [String] {
        ((try? String(contentsOfFile: daemon.folder.appendingPathComponent("hooks.log").path, encoding: .utf8)) ?? "")
            .split(separator: "\n").map(String.init)
    }

    func testIpmitoolOnTheSimulatedChassis() throws {
        let daemon = try Daemon(Daemon.Options(extraConfig: Self.simulated))
        // The default restore policy is always-off: the simulated chassis starts without power.
        var status = try daemon.ipmitool(["chassis", "status"])
        XCTAssertAnswered(status)
        XCTAssertTrue(status.stdout.contains("System Power         : off"), "\(status)")
        XCTAssertTrue(status.stdout.contains("Power Restore Policy : always-off"), "\(status)")
        XCTAssertTrue(try daemon.ipmitool(["chassis", "power", "status"]).stdout.contains("Chassis Power is off"))
        XCTAssertTrue(try daemon.ipmitool(["sensor"]).stdout.contains("CPU Temp         | na "))

        let on = try daemon.ipmitool(["chassis", "power", "on"])
        XCTAssertTrue(on.stdout.contains("Chassis Power Control: Up/On"), "\(on)")
        XCTAssertTrue(try daemon.ipmitool(["chassis", "power", "status"]).stdout.contains("Chassis Power is on"))
        status = try daemon.ipmitool(["chassis", "status"])
        XCTAssertTrue(status.stdout.contains("System Power         : on"), "\(status)")
        XCTAssertTrue(status.stdout.contains("Last Power Event     : command"), "\(status)")
        XCTAssertTrue(waitUntil(5) { (try? daemon.ipmitool(["sensor"]).stdout.contains("CPU Temp         | 50.000")) == true },
                      "sensors read again once powered")

        // The cycle's answer waits a second for the simulated chassis: over IPMI 1.5 too.
        for (verb, shown, interface) in [("cycle", "Cycle", "lan"), ("reset", "Reset", "lanplus"), ("diag", "Diag", "lanplus"),
                                         ("soft", "Soft", "lanplus")] {
            let result = try daemon.ipmitool(["chassis", "power", verb], interface: interface)
            XCTAssertEqual(result.status, 0, "\(verb): \(result)")
            XCTAssertTrue(result.stdout.contains("Chassis Power Control: \(shown)"), "\(verb): \(result)")
        }
        XCTAssertTrue(try daemon.ipmitool(["chassis", "power", "status"]).stdout.contains("Chassis Power is off"), "soft-off")
        XCTAssertTrue(waitUntil(5) { (try? daemon.ipmitool(["sensor"]).stdout.contains("CPU Temp         | na ")) == true },
                      "a chassis without power has no readings")
        let cycleOff = try daemon.ipmitool(["chassis", "power", "cycle"])
        XCTAssertTrue(cycleOff.stderr.contains("Command not supported in present state"), "no cycle while off: \(cycleOff)")
        XCTAssertEqual(daemon.log.components(separatedBy: "simulated chassis: power_cycle").count - 1, 1, "the cycle ran once")

        XCTAssertTrue(try daemon.ipmitool(["chassis", "power", "off"]).stdout.contains("Chassis Power Control: Down/Off"))
        XCTAssertTrue(try daemon.ipmitool(["chassis", "restart_cause"]).stdout
            .contains("System restart cause: chassis power control command"))
        XCTAssertTrue(try daemon.ipmitool(["chassis", "poh"]).stdout.contains("POH Counter  : 0 days, 0 hours, 0 minutes"))

        XCTAssertTrue(try daemon.ipmitool(["chassis", "identify", "5"]).stdout.contains("Chassis identify interval: 5 seconds"))
        XCTAssertTrue(try daemon.ipmitool(["chassis", "identify", "force"]).stdout.contains("Chassis identify interval: indefinite"))
        XCTAssertTrue(try daemon.freeipmi("ipmi-chassis", ["--get-chassis-status"]).stdout
            .contains("Chassis Identify state              : Indefinite on"))

        XCTAssertTrue(try daemon.ipmitool(["chassis", "bootdev", "pxe"]).stdout.contains("Set Boot Device to pxe"))
        var flags = try daemon.ipmitool(["chassis", "bootparam", "get", "5"])
        XCTAssertTrue(flags.stdout.contains("Boot Flag Valid"), "\(flags)")
        XCTAssertTrue(flags.stdout.contains("Options apply to only next boot"), "\(flags)")
        XCTAssertTrue(flags.stdout.contains("Boot Device Selector : Force PXE"), "\(flags)")
        XCTAssertTrue(try daemon.ipmitool(["chassis", "bootdev", "disk", "options=persistent"]).stdout
            .contains("Set Boot Device to disk"))
        flags = try daemon.ipmitool(["chassis", "bootparam", "get", "5"])
        XCTAssertTrue(flags.stdout.contains("Options apply to all future boots"), "\(flags)")
        XCTAssertTrue(flags.stdout.contains("Boot Device Selector : Force Boot from default Hard-Drive"), "\(flags)")
        XCTAssertTrue(daemon.log.contains("device=disk persistent=true [ipmigod] simulated chassis: boot device recorded"))

        for policy in ["always-on", "always-off", "previous"] {
            let result = try daemon.ipmitool(["chassis", "policy", policy])
            XCTAssertTrue(result.stdout.contains("Set chassis power restore policy to \(policy)"), "\(result)")
            XCTAssertTrue(try daemon.ipmitool(["chassis", "status"]).stdout.contains("Power Restore Policy : \(policy)"))
        }

        // ipmigod status lists what the platform did.
        XCTAssertTrue(waitUntil(5) {
            let shown = (try? runTool(Daemon.binary, ["status", "--state-dir", daemon.stateDirectory]))?.stdout ?? ""
            return shown.contains("chassis: power off, identify on (forced)") && shown.contains("boot_device (Set System Boot Options): done")
        }, (try? runTool(Daemon.binary, ["status", "--state-dir", daemon.stateDirectory]).stdout) ?? "")
    }

    /// `ipmigod --simulate`: the embedded config's chassis starts on (always-on), sensors read,
    /// and power off makes them unavailable.
    func testSimulateModeChassis() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ipmigod-sim-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let port = UDPSocket.freePort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Daemon.binary)
        process.arguments = ["--simulate", "--listen", "127.0.0.1:\(port)", "--state-dir", folder.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer {
            process.terminate()
            process.waitUntilExit()
        }
        func ipmitool(_ command: [String]) -> ToolResult? {
            try? runTool("ipmitool", ["-I", "lanplus", "-H", "127.0.0.1", "-p", "\(port)", "-U", "admin", "-P", "admin"] + command)
        }
        XCTAssertTrue(waitUntil(10) { ipmitool(["chassis", "power", "status"])?.stdout.contains("Chassis Power is on") == true })
        XCTAssertTrue(ipmitool(["chassis", "status"])?.stdout.contains("Power Restore Policy : always-on") == true)
        let unavailable = { ipmitool(["sensor"])?.stdout.contains("Fan1             | na ") }
        XCTAssertTrue(waitUntil(5) { unavailable() == false }, "sensors read while powered")
        XCTAssertTrue(ipmitool(["chassis", "power", "off"])?.stdout.contains("Down/Off") == true)
        XCTAssertTrue(waitUntil(5) { unavailable() == true }, "no readings without power")
        XCTAssertTrue(ipmitool(["chassis", "power", "on"])?.stdout.contains("Up/On") == true)
        XCTAssertTrue(waitUntil(5) { unavailable() == false }, "readings back with power")
        // A power cycle waits the power cycle interval (Set Power Cycle Interval, 2 s).
        XCTAssertEqual(ipmitool(["raw", "0x00", "0x0b", "0x02"])?.status, 0)
        let cycle = try XCTUnwrap(ipmitool(["chassis", "power", "cycle"]))
        XCTAssertTrue(cycle.stdout.contains("Chassis Power Control: Cycle"), "\(cycle)")
        XCTAssertGreaterThan(cycle.seconds, 2, "\(cycle)")
    }

    func testFreeipmiChassisAndIpmipower() throws {
        let daemon = try Daemon(Daemon.Options(extraConfig: Self.simulated))
        let power = ["-h", "127.0.0.1:\(daemon.port)", "-u", "admin", "-p", "admin"]
        XCTAssertEqual(try runTool("ipmipower", power + ["--stat"]).stdout, "127.0.0.1: off\n")
        XCTAssertEqual(try runTool("ipmipower", power + ["--on"]).stdout, "127.0.0.1: ok\n")
        XCTAssertEqual(try runTool("ipmipower", power + ["--stat"]).stdout, "127.0.0.1: on\n")
        XCTAssertEqual(try runTool("ipmipower", power + ["--cycle"]).stdout, "127.0.0.1: ok\n")
        XCTAssertEqual(try runTool("ipmipower", power + ["--off"]).stdout, "127.0.0.1: ok\n")
        XCTAssertEqual(try runTool("ipmipower", power + ["--stat"]).stdout, "127.0.0.1: off\n")

        XCTAssertAnswered(try daemon.freeipmi("ipmi-chassis", ["--chassis-control=power-up"]))
        let cycle = try daemon.freeipmi("ipmi-chassis", ["--chassis-control=power-cycle"])
        XCTAssertEqual(cycle.status, 0, "\(cycle)")
        XCTAssertAnswered(try daemon.freeipmi("ipmi-chassis", ["--chassis-identify=force"]))
        let status = try daemon.freeipmi("ipmi-chassis", ["--get-chassis-status"])
        XCTAssertAnswered(status)
        XCTAssertTrue(status.stdout.contains("System Power                        : on"), "\(status)")
        XCTAssertTrue(status.stdout.contains("Chassis Identify state              : Indefinite on"), "\(status)")
        XCTAssertTrue(status.stdout.contains("Power restore policy                : Always off"), "\(status)")
        let cause = try daemon.freeipmi("ipmi-chassis", ["--get-system-restart-cause"])
        XCTAssertEqual(cause.stdout, "Restart cause : Chassis control command\n", "\(cause)")
        // freeipmi retransmits a slow request with a new rqSeq: each cycle still ran once.
        XCTAssertEqual(daemon.log.components(separatedBy: "simulated chassis: power_cycle").count - 1, 2, daemon.log)
    }

    func testIpmiChassisConfigCheckoutThenCommit() throws {
        // No hooks at all: what the config tool reads and writes back needs none.
        let daemon = try Daemon()
        let file = daemon.folder.appendingPathComponent("chassis.conf").path
        let checkout = try daemon.freeipmi("ipmi-chassis-config", ["--checkout", "--filename", file])
        XCTAssertEqual(checkout.status, 0, "\(checkout)")
        let text = try String(contentsOfFile: file, encoding: .utf8)
        XCTAssertTrue(text.contains("Power_Restore_Policy                          Off_State_AC_Apply"), text)
        XCTAssertTrue(text.contains("Boot_Device                                   NO-OVERRIDE"), text)
        let commit = try daemon.freeipmi("ipmi-chassis-config", ["--commit", "--filename", file])
        XCTAssertEqual(commit.status, 0, "\(commit)")
        let diff = try daemon.freeipmi("ipmi-chassis-config", ["--diff", "--filename", file])
        XCTAssertEqual(diff.status, 0, "\(diff)")
    }

    func testEachActionRunsItsHookOnceWithItsArguments() throws {
        let daemon = try Daemon(Daemon.Options(extraConfig: Self.recordingHooks))
        // A switch running the daemon is on; soft-off leaves it off.
        for verb in ["cycle", "reset", "diag", "soft", "off"] {
            XCTAssertEqual(try daemon.ipmitool(["chassis", "power", verb]).status, 0, verb)
        }
        // power_on has no hook: refused, never faked, and the log names it.
        let on = try daemon.ipmitool(["chassis", "power", "on"])
        XCTAssertTrue(on.stderr.contains("Command not supported in present state"), "\(on)")
        XCTAssertTrue(daemon.log.contains("hook=power_on"), daemon.log)
        XCTAssertTrue(daemon.log.contains("platform action refused: no hook configured"), daemon.log)
        // Off, so a cycle is refused without asking the platform.
        XCTAssertTrue(try daemon.ipmitool(["chassis", "power", "cycle"]).stderr.contains("not supported in present state"))
        XCTAssertAnswered(try daemon.ipmitool(["chassis", "identify", "1"]))
        XCTAssertAnswered(try daemon.ipmitool(["chassis", "bootdev", "pxe"]))
        XCTAssertTrue(waitUntil(5) { self.recorded(daemon).count >= 8 }, "\(recorded(daemon))")
        usleep(300_000)
        let lines = recorded(daemon)
        XCTAssertEqual(lines.count, 8, "\(lines)")
        guard lines.count == 8 else { return }
        for (line, name) in zip(lines, ["power_cycle", "hard_reset", "diagnostic_interrupt", "soft_shutdown", "power_off"]) {
            XCTAssertTrue(line.hasPrefix("\(name) Chassis Control from 127.0.0.1:"), line)
        }
        XCTAssertEqual(lines[5], "identify_on Chassis Identify 1 s")
        // identify_off when the second is over, before or after the boot device.
        XCTAssertEqual(Set(lines[6...]), ["identify_off identify interval over", "boot_device pxe false"])
    }

    func testHookConfigErrorsNameTheLineAndField() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ipmigod-hooks-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let cases = [
            ("  power_on: { command: [/bin/true, \"{device}\"] }", "hooks.power_on.command[1]: unknown placeholder {device}"),
            ("  reboot: { command: [/bin/true] }", "hooks.reboot: unknown hook"),
            ("  power_on: { command: [true] }", "hooks.power_on.command: expected a list starting with the program's absolute path"),
            ("  power_on: { command: [/bin/true], timeout: 0 }", "hooks.power_on.timeout"),
            ("  power_on: { command: [/bin/true], exit_codes: { 0: 0xCC } }", "hooks.power_on.exit_codes"),
        ]
        for (hook, message) in cases {
            let path = folder.appendingPathComponent("ipmigod.yaml").path
            try "listen: [\"127.0.0.1:623\"]\nstate_directory: \(folder.path)\nhooks:\n\(hook)\n"
                .write(toFile: path, atomically: true, encoding: .utf8)
            let result = try runTool(Daemon.binary, ["check-config", path])
            XCTAssertEqual(result.status, 78, "\(hook): \(result)")
            XCTAssertTrue(result.stderr.contains("ipmigod.yaml:4: \(message)"), "\(hook): \(result)")
        }
    }

    func testAFailingHookAnswersTheCodeItsExitStatusMapsTo() throws {
        let hooks = """
            hooks:
              boot_device: { command: [/bin/sh, -c, 'case "$1" in pxe) exit 0;; *) exit 2;; esac', boot_device, "{device}"],
                             exit_codes: { 2: 0xCC } }
              power_off: { command: [/bin/false] }
            """
        let daemon = try Daemon(Daemon.Options(extraConfig: hooks))
        XCTAssertAnswered(try daemon.ipmitool(["chassis", "bootdev", "pxe"]))
        let cdrom = try daemon.ipmitool(["chassis", "bootdev", "cdrom"])
        XCTAssertTrue(cdrom.stderr.contains("Invalid data field in request"), "exit 2 -> 0xCC: \(cdrom)")
        let off = try daemon.ipmitool(["chassis", "power", "off"])
        XCTAssertTrue(off.stderr.contains("Unspecified error"), "unmapped exit status -> 0xFF: \(off)")
        XCTAssertTrue(try daemon.ipmitool(["chassis", "power", "status"]).stdout.contains("Chassis Power is on"), "a failed hook changes nothing")
        let flags = try daemon.ipmitool(["chassis", "bootparam", "get", "5"])
        XCTAssertTrue(flags.stdout.contains("Force PXE"), "the refused device was not recorded: \(flags)")
        XCTAssertTrue(daemon.log.contains("exit_status=1 hook=power_off [ipmigod] hook failed"), daemon.log)
    }

    func testAPEFPowerActionRunsItsHook() throws {
        let config = Self.recordingHooks + """
            sensors:
              - { name: Hot, type: temperature, interval: 1,
                  thresholds: { unc: 85, uc: 95, unr: 105 }, hysteresis: { positive: 2, negative: 2 },
                  source: { simulated: { waveform: steps, steps: [ { at: 0, value: 50 }, { at: 4, value: 100 } ] } } }
            pef:
              filters:
                - { sensor_type: 0x01, sensor_number: any, event_type: 0x01, offsets: [9], severity: critical,
                    actions: [power_cycle], policy: 1 }
            """
        let daemon = try Daemon(Daemon.Options(extraConfig: config))
        // PEF Action Global Control (parameter 2): alerts and power cycle allowed.
        XCTAssertAnswered(try daemon.ipmitool(["raw", "0x04", "0x12", "0x02", "0x09"]))
        XCTAssertTrue(waitUntil(10) { self.recorded(daemon).contains("power_cycle PEF event filter") }, "\(recorded(daemon))")
        XCTAssertEqual(recorded(daemon), ["power_cycle PEF event filter"], "once, for the one crossing")
        let cause = try daemon.freeipmi("ipmi-chassis", ["--get-system-restart-cause"])
        XCTAssertTrue(cause.stdout.contains("Restart cause : Power cycle via PEF"), "\(cause)")
    }

    func testAHangingHookIsKilledAtItsTimeoutAndOtherRequestsAreAnsweredMeanwhile() throws {
        let hooks = """
            hooks:
              power_cycle: { command: [/bin/sh, -c, 'echo $$ > FOLDER/hang.pid; exec sleep 60'], timeout: 2 }
            """
        let daemon = try Daemon(Daemon.Options(extraConfig: hooks))
        let socket = UDPSocket(port: daemon.port, receiveTimeout: 5)
        var console = RMCPPlusConsole(suite: CipherSuite.supported(id: 3)!, userName: "admin", password: "admin")
        func exchange(_ request: ByteBuffer) throws -> ByteBuffer {
            socket.send(Array(request.readableBytesView))
            return ByteBuffer(bytes: try XCTUnwrap(socket.receive()))
        }
        let rakp1 = try console.rakp1(after: try exchange(console.openSessionRequest()))
        let rakp3 = try console.rakp3(after: try exchange(rakp1))
        try console.establish(after: try exchange(rakp3))

        let started = Date()
        socket.send(Array(try console.request(.chassis, 0x02, [0x02]).readableBytesView))
        usleep(300_000)
        let asked = Date()
        socket.send(Array(try console.request(.app, 0x01).readableBytesView))
        let deviceID = try console.response(ByteBuffer(bytes: try XCTUnwrap(socket.receive())))
        XCTAssertEqual(deviceID.command, 0x01, "Get Device ID is answered first")
        XCTAssertEqual(deviceID.completionCode, .ok)
        XCTAssertLessThan(Date().timeIntervalSince(asked), 0.1, "answered within 100 ms while the hook hangs")

        let control = try console.response(ByteBuffer(bytes: try XCTUnwrap(socket.receive())))
        XCTAssertEqual(control.command, 0x02)
        XCTAssertEqual(control.completionCode, .timeout, "killed at its timeout: 0xC3")
        XCTAssertEqual(Date().timeIntervalSince(started), 2, accuracy: 0.5)
        let pid = try XCTUnwrap(Int32(try String(contentsOfFile: daemon.folder.appendingPathComponent("hang.pid").path,
                                                 encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        XCTAssertTrue(waitUntil(2) { kill(pid, 0) != 0 }, "the hook's process is gone")
        XCTAssertTrue(daemon.log.contains("hook timed out: killed"), daemon.log)

        // ipmitool, waiting and retransmitting meanwhile, gets the error.
        let ipmitool = try daemon.ipmitool(["chassis", "power", "cycle"])
        XCTAssertTrue(ipmitool.stderr.contains("Set Chassis Power Control to Cycle failed: Timeout"), "\(ipmitool)")
        XCTAssertEqual(daemon.log.components(separatedBy: "action=power_cycle").count - 1, 2, "one hook run per request")
    }

    func testNonVolatileStateSurvivesKill9() throws {
        let daemon = try Daemon(Daemon.Options(extraConfig: Self.simulated))
        XCTAssertAnswered(try daemon.ipmitool(["chassis", "policy", "always-on"]))
        XCTAssertAnswered(try daemon.ipmitool(["chassis", "bootdev", "disk", "options=persistent"]))
        daemon.kill9()
        // Seed the power-on minutes, as if the switch had run for a while.
        let path = daemon.stateDirectory + "/chassis.json"
        var settings = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        settings["powerOnMinutes"] = 1234
        try JSONSerialization.data(withJSONObject: settings).write(to: URL(fileURLWithPath: path))
        try daemon.start()

        let status = try daemon.ipmitool(["chassis", "status"])
        XCTAssertTrue(status.stdout.contains("Power Restore Policy : always-on"), "\(status)")
        XCTAssertTrue(status.stdout.contains("System Power         : on"), "the policy is applied at start: \(status)")
        XCTAssertTrue(try daemon.ipmitool(["chassis", "restart_cause"]).stdout.contains("power-up due to always-restore power policy"))
        let flags = try daemon.ipmitool(["chassis", "bootparam", "get", "5"])
        XCTAssertTrue(flags.stdout.contains("Options apply to all future boots"), "\(flags)")
        XCTAssertTrue(flags.stdout.contains("Force Boot from default Hard-Drive"), "\(flags)")
        XCTAssertTrue(try daemon.ipmitool(["chassis", "poh"]).stdout.contains("POH Counter  : 0 days, 20 hours, 34 minutes"))

        XCTAssertAnswered(try daemon.ipmitool(["chassis", "policy", "always-off"]))
        daemon.kill9()
        try daemon.start()
        let after = try daemon.ipmitool(["chassis", "status"])
        XCTAssertTrue(after.stdout.contains("Power Restore Policy : always-off"), "\(after)")
        XCTAssertTrue(after.stdout.contains("System Power         : off"), "\(after)")
        XCTAssertTrue(try daemon.ipmitool(["chassis", "poh"]).stdout.contains("20 hours, 34 minutes"))

        // "previous" restores what the chassis was when the daemon died.
        XCTAssertAnswered(try daemon.ipmitool(["chassis", "policy", "previous"]))
        XCTAssertAnswered(try daemon.ipmitool(["chassis", "power", "on"]))
        daemon.kill9()
        try daemon.start()
        XCTAssertTrue(try daemon.ipmitool(["chassis", "power", "status"]).stdout.contains("Chassis Power is on"))
        XCTAssertTrue(try daemon.ipmitool(["chassis", "restart_cause"]).stdout.contains("previous"))
        XCTAssertAnswered(try daemon.ipmitool(["chassis", "power", "off"]))
        daemon.kill9()
        try daemon.start()
        XCTAssertTrue(try daemon.ipmitool(["chassis", "power", "status"]).stdout.contains("Chassis Power is off"))
    }
}

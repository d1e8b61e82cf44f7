import Foundation
import IPMIAlerting
import XCTest

/// SNMPv3 destinations that share a user name but not its passphrases, through the real
/// daemon to real snmptrapds. net-snmp keeps one USM key per (engine ID, user name) in the
/// whole process; every v3 trap is keyed for our engine ID, and INFORMs to receivers that
/// share an engine ID meet in one entry too. Each destination must still be keyed with its
/// own passphrases.
///
/// Two receivers, 127.0.0.11 knowing the user by passphrases A and 127.0.0.12 by B; four
/// destinations with the same user name: A to .11, B to .12 (each must be accepted), and
/// B to .11, A to .12 (each must be refused).
final class SNMPv3KeyTests: XCTestCase {
    private static let user = "pet-shared"
    private static let a = (auth: "auth-pass-of-a", priv: "priv-pass-of-a")
    private static let b = (auth: "auth-pass-of-b", priv: "priv-pass-of-b")
    /// The daemon's engine ID: its system GUID (IPMI byte order) under its manufacturer's enterprise.
    private static let ourEngine = SNMPEngine.engineID(
        systemGUID: withUnsafeBytes(of: UUID(uuidString: Daemon.guid)!.uuid) { Array($0.reversed()) }, enterprise: 4413
    ).map { String(format: "%02X", $0) }.joined()
    /// What both receivers build their engine ID from in the INFORM test.
    private static let receiverEngine = "shared-engine"

    private var folder = ""

    override func setUp() {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("ipmigod-v3keys-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: folder)
    }

    func testTrapsWithOneUserNameAreKeyedPerDestination() throws {
        let engine = "-e 0x\(Self.ourEngine) "
        let receiverA = try receiver("127.0.0.11", passphrases: Self.a, engineOption: engine)
        defer { receiverA.stop() }
        let receiverB = try receiver("127.0.0.12", passphrases: Self.b, engineOption: engine)
        defer { receiverB.stop() }
        let daemon = try Daemon(Daemon.Options(extraConfig: config(a: receiverA.port, b: receiverB.port, acknowledged: false)))
        defer { daemon.stop() }

        try crossUpperCritical(daemon)
        let arrived = waitUntil(5) {
            [receiverA, receiverB].allSatisfy { $0.traps.count >= 1 && authenticationFailures($0) >= 1 }
        }
        XCTAssertTrue(arrived, "A:\n\(receiverA.output)\nB:\n\(receiverB.output)\n\(daemon.log)")
        Thread.sleep(forTimeInterval: 0.5)

        for receiver in [receiverA, receiverB] {
            XCTAssertEqual(receiver.traps.count, 1, "exactly its own destination's trap: \(receiver.output)")
            XCTAssertEqual(receiver.traps.first?.pdu, "TRAP2, SNMP v3, user \(Self.user), context ", receiver.output)
            XCTAssertEqual(receiver.traps.first?.trapOID, ".1.3.6.1.4.1.3183.1.1.0.65801", receiver.output)
            XCTAssertEqual(authenticationFailures(receiver), 1, "the other passphrase's trap is refused: \(receiver.output)")
        }
        XCTAssertEqual(receiverA.traps.first?.payload, receiverB.traps.first?.payload, "the same PET")
    }

    /// Both receivers claim one engine ID, so all four INFORMs share a USM entry; each must
    /// go out with its destination's keys and each response be checked with them (the
    /// responses may come back after every INFORM has gone out).
    func testInformsToOneEngineIDAreKeyedPerDestination() throws {
        let receiverA = try receiver("127.0.0.11", passphrases: Self.a, engineID: Self.receiverEngine)
        defer { receiverA.stop() }
        let receiverB = try receiver("127.0.0.12", passphrases: Self.b, engineID: Self.receiverEngine)
        defer { receiverB.stop() }
        let daemon = try Daemon(Daemon.Options(extraConfig: config(a: receiverA.port, b: receiverB.port, acknowledged: true)))
        defer { daemon.stop() }

        try crossUpperCritical(daemon)
        // 1 and 2 are acknowledged at once; 3 and 4 are refused, retried once a second later,
        // refused again and given up.
        let expected = [1: "sent 1, acknowledged 1, retried 0, failed 0, bad acknowledgements 0",
                        2: "sent 1, acknowledged 1, retried 0, failed 0, bad acknowledgements 0",
                        3: "sent 1, acknowledged 0, retried 1, failed 1, bad acknowledgements 0",
                        4: "sent 1, acknowledged 0, retried 1, failed 1, bad acknowledgements 0"]
        let done = waitUntil(10) {
            let status = (try? daemon.status()) ?? ""
            return expected.allSatisfy { Daemon.counters($0.key, in: status).hasSuffix($0.value) }
        }
        XCTAssertTrue(done, "\((try? daemon.status()) ?? "")\nA:\n\(receiverA.output)\nB:\n\(receiverB.output)\n\(daemon.log)")
        for receiver in [receiverA, receiverB] {
            XCTAssertEqual(receiver.traps.map(\.pdu), ["INFORM, SNMP v3, user \(Self.user), context "],
                           "its own destination's INFORM, once: \(receiver.output)")
            XCTAssertEqual(authenticationFailures(receiver), 2, "the other passphrase's INFORM and its retry: \(receiver.output)")
        }
    }

    // MARK: Helpers

    /// snmptrapd knowing `user` by `passphrases`: for traps from our engine (`-e`), or as
    /// its own user (INFORMs) with its engine ID set to `engineID`.
    private func receiver(_ address: String, passphrases: (auth: String, priv: String), engineOption: String = "",
                          engineID: String? = nil) throws -> TrapReceiver {
        let own = folder + "/" + address
        try FileManager.default.createDirectory(atPath: own, withIntermediateDirectories: true)
        return try TrapReceiver(folder: own, address: address, extraConfig: """
            \(engineID.map { "engineID \($0)\n" } ?? "")\
            createUser \(engineOption)\(Self.user) SHA \(passphrases.auth) AES \(passphrases.priv)
            authUser log,execute,net \(Self.user) priv

            """)
    }

    private func config(a: Int, b: Int, acknowledged: Bool) -> String {
        func destination(_ selector: Int, _ address: String, _ port: Int, _ passphrases: (auth: String, priv: String)) -> String {
            "    - { selector: \(selector), address: \(address), port: \(port), version: v3, acknowledged: \(acknowledged), "
                + "ack_timeout: 1, retries: 1, v3: { user: \(Self.user), auth_passphrase: \(passphrases.auth), "
                + "priv_passphrase: \(passphrases.priv) } }"
        }
        return """
            sensors:
              - { name: CPU Temp, type: temperature, interval: 0.1, thresholds: { uc: 90 },
                  source: { file: { path: "FOLDER/cpu-temp", scale: 0.001 } } }
            lan:
              ip_address: 127.0.0.9
              alert_destinations:
            \(destination(1, "127.0.0.11", a, Self.a))
            \(destination(2, "127.0.0.12", b, Self.b))
            \(destination(3, "127.0.0.11", a, Self.b))
            \(destination(4, "127.0.0.12", b, Self.a))
            """
    }

    /// 50 °C, then 95 against an upper critical of 90: one PET to every destination.
    private func crossUpperCritical(_ daemon: Daemon) throws {
        let temperature = daemon.folder.appendingPathComponent("cpu-temp").path
        try "50000\n".write(toFile: temperature, atomically: true, encoding: .utf8)
        Thread.sleep(forTimeInterval: 0.5)
        try "95000\n".write(toFile: temperature, atomically: true, encoding: .utf8)
    }

    /// What snmptrapd logs when a message's digest does not match its key for the user.
    private func authenticationFailures(_ receiver: TrapReceiver) -> Int {
        receiver.output.components(separatedBy: "Authentication failed for \(Self.user)").count - 1
    }

}

private extension Daemon {
    /// `ipmigod status`, which the daemon refreshes every 2 s.
    func status() throws -> String {
        try runTool(Daemon.binary, ["status", "--state-dir", stateDirectory]).stdout
    }

    /// The counters line of one destination in `ipmigod status` ("" until it appears).
    static func counters(_ selector: Int, in status: String) -> String {
        status.split(separator: "\n").first { $0.hasPrefix("  \(selector): ") }.map(String.init) ?? ""
    }
}

import Foundation
import IPMICore
import IPMIFuzzing
import NIOCore
import XCTest

/// An attacker on the management network against the real daemon, and real clients that
/// must still get in: half-open floods, session hogging, bad passwords, settings that must
/// hold for IPMI 1.5, users whose access changes under an open session, long requests,
/// and a flood of mutated packets.
final class HardeningTests: XCTestCase {
    // MARK: Half-open floods

    func testOpenSessionFloodThenIpmitoolLogsInAtOnce() throws {
        let daemon = try Daemon()
        let flooder = UDPSocket(port: daemon.port, receiveTimeout: 0.05, source: "127.0.0.2")
        for _ in 0..<200 {
            var console = RMCPPlusConsole(suite: CipherSuite.supported(id: 17)!, userName: "admin", password: "guess")
            flooder.send(Array(console.openSessionRequest().readableBytesView))
        }
        XCTAssertNotNil(flooder.receive(), "the flood was answered")
        let flood = keepFlooding(flooder) { console in Array(console.openSessionRequest().readableBytesView) }
        defer { flood.stop() }
        // Generous bounds (the machine may be busy): before, these failed outright.
        XCTAssertAnswered(try daemon.ipmitool(["mc", "info"], cipher: 17), within: 5)
        XCTAssertAnswered(try daemon.freeipmi("bmc-info", ["--get-device-id"]), within: 5)
    }

    func testGetSessionChallengeFloodThenIpmitoolLanLogsInAtOnce() throws {
        let daemon = try Daemon()
        let flooder = UDPSocket(port: daemon.port, receiveTimeout: 0.05, source: "127.0.0.2")
        let challenge = Array(FuzzTarget.datagram(for: [3, 0x06, 0x39, 0x02] + Array("admin".utf8) + [UInt8](repeating: 0, count: 11),
                                                  session: &noSession)!.readableBytesView)
        for _ in 0..<200 { flooder.send(challenge) }
        XCTAssertNotNil(flooder.receive(), "the flood was answered")
        let flood = keepFlooding(flooder) { _ in challenge }
        defer { flood.stop() }
        XCTAssertAnswered(try daemon.ipmitool(["mc", "info"], interface: "lan"), within: 5)
    }

    // MARK: Session slots

    func testUserAccountHoldingEverySessionDoesNotLockOutTheAdministrator() throws {
        let daemon = try Daemon(Daemon.Options(maxSessions: 4))
        let socket = UDPSocket(port: daemon.port, receiveTimeout: 1)
        var held: [RMCPPlusConsole] = []
        for _ in 0..<4 {
            guard let console = try? openSession(socket, user: "watcher", password: "watcher-password-20b", privilege: .user) else { break }
            held.append(console)
        }
        XCTAssertEqual(held.count, 3, "the last slot is kept for an administrator")
        XCTAssertAnswered(try daemon.ipmitool(["mc", "info"]), within: 2)
        XCTAssertTrue(daemon.log.contains("last slot kept for an administrator"), daemon.log)
    }

    func testPerUserSessionLimitSetWithSetUserAccess() throws {
        let daemon = try Daemon()
        // Channel 1, user 4 (watcher), privilege User, at most one session.
        XCTAssertAnswered(try daemon.ipmitool(["raw", "0x06", "0x43", "0x01", "0x04", "0x02", "0x01"]))
        let socket = UDPSocket(port: daemon.port, receiveTimeout: 1)
        _ = try openSession(socket, user: "watcher", password: "watcher-password-20b", privilege: .user)
        let second = try daemon.ipmitool(["mc", "info"], user: "watcher", password: "watcher-password-20b", extra: ["-L", "USER"])
        XCTAssertNotEqual(second.status, 0, "\(second)")
    }

    // MARK: Long requests

    func testFourHundredByteRequestIsAnswered() throws {
        let daemon = try Daemon()
        let socket = UDPSocket(port: daemon.port, receiveTimeout: 2)
        var console = try openSession(socket, user: "admin", password: "admin", privilege: .administrator)
        let request = try console.request(.storage, 0x12, [0, 0, 0] + [UInt8](repeating: 0xA5, count: 330))
        XCTAssertGreaterThanOrEqual(request.readableBytes, 400)
        socket.send(Array(request.readableBytesView))
        let answer = try XCTUnwrap(socket.receive(), "no answer to a \(request.readableBytes)-byte request")
        XCTAssertEqual(try console.response(ByteBuffer(bytes: answer)).completionCode, CompletionCode(0xC8),
                       "Write FRU Data says the request is over its limit")
        // The largest valid one: 255 bytes of FRU data.
        let largest = try console.request(.storage, 0x12, [0, 0, 0] + [UInt8](repeating: 0xFF, count: 255))
        socket.send(Array(largest.readableBytesView))
        XCTAssertNotNil(socket.receive(), "no answer to a \(largest.readableBytes)-byte request")
        socket.send([0x06, 0x00, 0xFF, 0x07] + [UInt8](repeating: 0x06, count: 1496))
        XCTAssertNil(socket.receive())
        XCTAssertTrue(daemon.log.contains("oversized datagram"), daemon.log)
    }

    // MARK: Bad passwords

    func testBadPasswordThresholdLocksOutTheRightPasswordWhileOthersLogIn() throws {
        let daemon = try Daemon()
        // Threshold 3, SEL event, no reset interval, locked out for 1 x 10 s.
        XCTAssertAnswered(try daemon.ipmitool(["lan", "set", "1", "bad_pass_thresh", "3", "1", "0", "1"]), within: 2)
        for interface in ["lanplus", "lan", "lanplus"] {
            let wrong = try daemon.ipmitool(["mc", "info"], interface: interface, user: "watcher", password: "wrong",
                                            extra: ["-L", "USER", "-R", "1"])
            XCTAssertNotEqual(wrong.status, 0)
        }
        let failedAt = Date()
        func rightPasswordIsRefused() throws {
            for interface in ["lanplus", "lan"] {
                let right = try daemon.ipmitool(["mc", "info"], interface: interface, user: "watcher",
                                                password: "watcher-password-20b", extra: ["-L", "USER", "-R", "1"])
                XCTAssertNotEqual(right.status, 0, "locked out: \(right)")
            }
        }
        try rightPasswordIsRefused()
        XCTAssertAnswered(try daemon.ipmitool(["mc", "info"], user: "operator", password: "operator-pass", extra: ["-L", "OPERATOR"]),
                          within: 2)
        // ipmitool stops after RAKP 2 with a wrong password: those attempts become bad
        // passwords when they expire (10 s), and the lockout (10 s) starts then.
        Thread.sleep(forTimeInterval: max(0, 13 - Date().timeIntervalSince(failedAt)))
        try rightPasswordIsRefused()
        let sel = try daemon.ipmitool(["sel", "list"])
        XCTAssertTrue(sel.stdout.contains("Session Audit"), "\(sel)")
        XCTAssertTrue(daemon.log.contains("user locked out after bad passwords"), daemon.log)
        Thread.sleep(forTimeInterval: max(0, 24 - Date().timeIntervalSince(failedAt)))
        XCTAssertAnswered(try daemon.ipmitool(["mc", "info"], user: "watcher", password: "watcher-password-20b", extra: ["-L", "USER"]),
                          within: 2)
    }

    func testHashHarvestingIsThrottledAndLogged() throws {
        let daemon = try Daemon()
        let socket = UDPSocket(port: daemon.port, receiveTimeout: 1, source: "127.0.0.3")
        var codes = 0
        let start = Date()
        for _ in 0..<60 {
            var console = RMCPPlusConsole(suite: CipherSuite.supported(id: 3)!, userName: "admin", password: "guess")
            socket.send(Array(console.openSessionRequest().readableBytesView))
            guard let open = socket.receive(), let rakp1 = try? console.rakp1(after: ByteBuffer(bytes: open)) else { continue }
            socket.send(Array(rakp1.readableBytesView))
            guard let rakp2 = socket.receive() else { continue }
            do {
                _ = try console.rakp3(after: ByteBuffer(bytes: rakp2))
            } catch .badKeyExchangeCode {
                codes += 1 // an HMAC of the admin's password, ready for offline cracking
            } catch {}
        }
        let seconds = Date().timeIntervalSince(start)
        XCTAssertLessThanOrEqual(Double(codes), 16 + 2 * seconds + 2, "RAKP 2 codes per address: a burst, then 2 a second")
        XCTAssertTrue(daemon.log.contains("RAKP 1 throttled"), daemon.log)
        XCTAssertAnswered(try daemon.ipmitool(["mc", "info"]), within: 2)
    }

    // MARK: Settings that must hold

    func testAuthTypeEnablesAndDisabledChannelRefuseIPMI15() throws {
        let daemon = try Daemon()
        XCTAssertAnswered(try daemon.ipmitool(["mc", "info"], interface: "lan"))
        // LAN parameter 2: no IPMI 1.5 authentication type at any level.
        XCTAssertAnswered(try daemon.ipmitool(["raw", "0x0c", "0x01", "0x01", "0x02", "0", "0", "0", "0", "0"]))
        let refused = try daemon.ipmitool(["mc", "info"], interface: "lan", extra: ["-R", "1"])
        XCTAssertNotEqual(refused.status, 0, "\(refused)")
        let capabilities = try daemon.ipmitool(["raw", "0x06", "0x38", "0x8e", "0x04"])
        let support = capabilities.stdout.split(separator: " ").dropFirst().first.flatMap { UInt8($0, radix: 16) }
        XCTAssertEqual(support.map { $0 & 0x3F }, 0, "no type advertised: \(capabilities)")
        // MD5 back for administrators: IPMI 1.5 works again.
        XCTAssertAnswered(try daemon.ipmitool(["lan", "set", "1", "auth", "admin", "md5"]))
        XCTAssertAnswered(try daemon.ipmitool(["mc", "info"], interface: "lan"))
        // Set Channel Access, volatile: disabled.
        XCTAssertAnswered(try daemon.ipmitool(["raw", "0x06", "0x40", "0x01", "0x80", "0x00"]))
        let disabled = try daemon.ipmitool(["mc", "info"], interface: "lan", extra: ["-R", "1"])
        XCTAssertNotEqual(disabled.status, 0, "\(disabled)")
    }

    func testDisabledUsersOpenSessionIsRefusedAtItsNextRequest() throws {
        let daemon = try Daemon()
        let socket = UDPSocket(port: daemon.port, receiveTimeout: 1)
        var watcher = try openSession(socket, user: "watcher", password: "watcher-password-20b", privilege: .user)
        XCTAssertEqual(try call(socket, &watcher, .app, 0x01)?.completionCode, .ok)
        XCTAssertAnswered(try daemon.ipmitool(["user", "disable", "4"]))
        XCTAssertNil(try call(socket, &watcher, .app, 0x01), "the session ended with the user")
        XCTAssertTrue(daemon.log.contains("session closed: its user changed"), daemon.log)
    }

    func testEmptyPasswordIsRefusedOverIPMI() throws {
        let daemon = try Daemon()
        let result = try daemon.ipmitool(["raw", "0x06", "0x47", "0x04", "0x02"] + [String](repeating: "0", count: 16))
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.output.contains("rsp=0xcc"), "\(result)")
        XCTAssertAnswered(try daemon.ipmitool(["mc", "info"], user: "watcher", password: "watcher-password-20b", extra: ["-L", "USER"]))
    }

    func testPrivilegeLevelsOverTheWire() throws {
        let daemon = try Daemon()
        XCTAssertAnswered(try daemon.ipmitool(["mc", "info"], extra: ["-L", "USER"]))
        let users = try daemon.ipmitool(["raw", "0x06", "0x44", "0x01", "0x02"], extra: ["-L", "USER"])
        XCTAssertTrue(users.output.contains("rsp=0xd4"), "Get User Access needs Operator: \(users)")
        XCTAssertAnswered(try daemon.ipmitool(["raw", "0x06", "0x44", "0x01", "0x02"], extra: ["-L", "OPERATOR"]))
        let password = try daemon.ipmitool(["user", "set", "password", "4", "another-one"], extra: ["-L", "OPERATOR"])
        XCTAssertNotEqual(password.status, 0, "Set User Password needs Administrator: \(password)")
        XCTAssertAnswered(try daemon.ipmitool(["mc", "info"], user: "watcher", password: "watcher-password-20b", extra: ["-L", "USER"]))
    }

    // MARK: Mutated packets

    /// IPMIGOD_LOOPBACK_FUZZ_COUNT sets the number (200,000 by default: the loopback run is
    /// bound by the daemon's debug build; the in-process test feeds a million).
    func testMutatedPacketsOverLoopbackLeaveTheDaemonServingAndItsMemoryFlat() throws {
        let count = ProcessInfo.processInfo.environment["IPMIGOD_LOOPBACK_FUZZ_COUNT"].flatMap { Int($0) } ?? 200_000
        let daemon = try Daemon()
        let socket = UDPSocket(port: daemon.port, receiveTimeout: 1)
        let probe = Array(RMCPPlusConsole.sessionless(.app, 0x38, [0x8E, 0x04]).readableBytesView)
        var mutator = PacketMutator(seed: 0x10_0B4C, seeds: PacketMutator.seeds(commands: AppCommands.table.map { CommandKey(.app, $0.command) }
            + StorageCommands.table.map { CommandKey(.storage, $0.command) } + SensorEventCommands.table.map { CommandKey(.sensorEvent, $0.command) }
            + TransportCommands.table.map { CommandKey(.transport, $0.command) }))
        // In-session inputs go into an Operator session: it reaches every command parser the
        // BMC runs for an operator, and cannot take the administrator's login away.
        var session: RMCPPlusConsole?
        func run(_ packets: Int) throws {
            for index in 0..<packets {
                if index % 2000 == 0 {
                    socket.drain()
                    if var old = session { // the fuzz may have closed it already
                        _ = try? call(socket, &old, .app, 0x3C, withUnsafeBytes(of: old.managedSessionID.littleEndian) { Array($0) })
                    }
                    session = try? openSession(socket, user: "operator", password: "operator-pass", privilege: .operator)
                }
                if let datagram = FuzzTarget.datagram(for: mutator.next(), session: &session) {
                    socket.send(Array(datagram.readableBytesView))
                }
                // Paced by the daemon: every 200 packets, wait until it has caught up.
                if index % 200 == 199 {
                    socket.drain()
                    socket.send(probe)
                    while let answer = socket.receive(), answer != answerTo(probe, from: daemon) {}
                }
            }
            socket.drain()
        }
        try run(min(count, 20_000)) // warm-up: tables and logs at their bounds
        let before = residentKilobytes(of: daemon.pid)
        let start = Date()
        try run(count)
        let after = residentKilobytes(of: daemon.pid)
        print("over loopback: \(count) mutated packets in \(Int(Date().timeIntervalSince(start))) s; daemon RSS \(before) kB -> \(after) kB")
        XCTAssertTrue(daemon.isRunning, daemon.log)
        XCTAssertLessThanOrEqual(Double(after), Double(before) * 1.10, "the daemon's RSS grew by more than 10%")
        XCTAssertAnswered(try daemon.ipmitool(["mc", "info"]), within: 2)
        XCTAssertAnswered(try daemon.ipmitool(["mc", "info"], interface: "lan"), within: 5)
    }

    // MARK: Helpers

    private var noSession: RMCPPlusConsole?

    private var cachedProbeAnswer: [UInt8]?

    /// The daemon's answer to the probe, which never changes: learnt once.
    private func answerTo(_ probe: [UInt8], from daemon: Daemon) -> [UInt8] {
        if let cachedProbeAnswer { return cachedProbeAnswer }
        let socket = UDPSocket(port: daemon.port, receiveTimeout: 1)
        socket.send(probe)
        cachedProbeAnswer = socket.receive() ?? []
        return cachedProbeAnswer!
    }

    private func openSession(_ socket: UDPSocket, user: String, password: String, privilege: PrivilegeLevel) throws -> RMCPPlusConsole {
        var console = RMCPPlusConsole(suite: CipherSuite.supported(id: 17)!, userName: user, password: password, privilege: privilege)
        func exchange(_ datagram: ByteBuffer) throws -> ByteBuffer {
            socket.send(Array(datagram.readableBytesView))
            return ByteBuffer(bytes: try XCTUnwrap(socket.receive(), "no answer"))
        }
        let rakp1 = try console.rakp1(after: exchange(console.openSessionRequest()))
        let rakp3 = try console.rakp3(after: exchange(rakp1))
        try console.establish(after: exchange(rakp3))
        return console
    }

    /// A request in the console's session; nil when the daemon does not answer.
    private func call(_ socket: UDPSocket, _ console: inout RMCPPlusConsole, _ netFn: NetFn, _ command: UInt8,
                      _ data: [UInt8] = []) throws -> IPMIResponse? {
        socket.send(Array(try console.request(netFn, command, data).readableBytesView))
        guard let answer = socket.receive() else { return nil }
        return try console.response(ByteBuffer(bytes: answer))
    }

    private func residentKilobytes(of pid: Int32) -> Int {
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }

    /// Sends `packet` from `socket` in a loop on another thread until stopped.
    private func keepFlooding(_ socket: UDPSocket, _ packet: @escaping @Sendable (inout RMCPPlusConsole) -> [UInt8]) -> Flood {
        let flood = Flood()
        nonisolated(unsafe) let socket = socket // used by the flood's thread alone until it stops
        let thread = Thread {
            var console = RMCPPlusConsole(suite: CipherSuite.supported(id: 17)!, userName: "admin", password: "guess")
            while !flood.isStopped {
                socket.send(packet(&console))
                usleep(500)
            }
            flood.finished.signal()
        }
        thread.start()
        return flood
    }
}

/// A flood running on its own thread.
final class Flood: @unchecked Sendable {
    private let lock = NSLock()
    private var stopped = false
    let finished = DispatchSemaphore(value: 0)

    var isStopped: Bool { lock.withLock { stopped } }

    func stop() {
        lock.withLock { stopped = true }
        finished.wait()
    }
}

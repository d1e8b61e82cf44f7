#if canImport(Glibc)
import Glibc
#endif
import Foundation
import IPMICore
import NIOCore

/// A fleet of simulated switches in one process (`ipmigod --config SIMULATE --fleet N`, the
/// simulate configuration's 31 sensors each, polled at their intervals): its memory and idle
/// CPU, then an alert storm, every member's ASIC overheating within one second, with every
/// trap counted (by the GUID its PET names: none lost, none duplicated), the crossing-to-trap
/// latency, and Get Device ID on other members timed meanwhile.
struct FleetPhase {
    static let idleSeconds = 30.0
    /// ASIC Temp (sensor 2 of the simulate configuration): 107 °C, past upper critical (105).
    static let asicSensor: UInt8 = 2
    static let overheatRaw: UInt8 = 107
    /// Each waits for its member's reply (after the SEL entry's fdatasync): enough of them to
    /// reach every member within a second.
    static let stormDrivers = 16
    static let probedMembers = 16

    struct Result {
        var members: Int
        var startSeconds: Double
        var memory: ProcessStats.Memory
        var idleCPUPercent: Double
        var stormSeconds: Double
        var traps: Int
        var distinctMembers: Int
        var duplicates: Int
        var lost: Int
        var crossingToTrap: LatencySummary
        var drainSeconds: Double
        var probe: LatencySummary
        var probeMax: Double
        var probeCount: Int

        var text: String {
            [
                "",
                "Fleet: \(members) simulated switches in one process (31 sensors each, polled at their intervals)",
                String(format: "  started and answering in %.1f s", startSeconds),
                String(format: "  memory: VmRSS %.1f MiB (anonymous %.1f MiB, file %.1f MiB); target < 200 MiB: %@",
                       Double(memory.vmRSSKiB) / 1024, Double(memory.rssAnonKiB) / 1024, Double(memory.rssFileKiB) / 1024,
                       memory.vmRSSKiB < 200 * 1024 ? "met" : "missed"),
                String(format: "  idle CPU over %.0f s: %.1f%% of one core; target < 10%%: %@", idleSeconds, idleCPUPercent,
                       idleCPUPercent < 10 ? "met" : "missed"),
                String(format: "Alert storm: ASIC overheat on all %d members in %.2f s", members, stormSeconds),
                "  traps received \(traps), from \(distinctMembers) distinct members; lost \(lost), duplicated \(duplicates)",
                String(format: "  crossing (Set Sensor Reading sent) to trap: p50 %.1f ms, p99 %.1f ms; last trap %.2f s after the last crossing",
                       crossingToTrap.p50Microseconds / 1000, crossingToTrap.p99Microseconds / 1000, drainSeconds),
                String(format: "  Get Device ID on %d other members meanwhile: p50 %.1f ms, p99 %.1f ms, max %.1f ms (%d requests); target < 100 ms: %@",
                       probedMembers, probe.p50Microseconds / 1000, probe.p99Microseconds / 1000, probeMax, probeCount,
                       probeMax < 100 ? "met" : "missed"),
            ].joined(separator: "\n")
        }
    }

    static func run(executable: String, members: Int, progress: (String) -> Void) throws -> Result {
        let suite = CipherSuite.supported(id: 3)!
        let receiver = try PETReceiver()
        defer { receiver.stop() }
        let started = monotonicNanoseconds()
        let fleet = try FleetDaemon(executable: executable, members: members, trapPort: receiver.port)
        defer { fleet.stop() }
        let startSeconds = Double(monotonicNanoseconds() - started) / 1e9
        progress("fleet: \(members) members on 127.0.0.1:\(fleet.basePort)...\(Int(fleet.basePort) + members - 1), pid \(fleet.pid)")

        progress("fleet: idle for \(Int(idleSeconds)) s (sensors polled, no scenario)")
        sleep(5) // past the first polls of every sensor
        let before = try ProcessStats.cpuTime(of: fleet.pid)
        usleep(UInt32(idleSeconds * 1e6))
        let after = try ProcessStats.cpuTime(of: fleet.pid)
        let idleCPU = Double(after.nanoseconds - before.nanoseconds) / (idleSeconds * 1e9) * 100
        let memory = try ProcessStats.memory(of: fleet.pid)

        progress("fleet: a session on every member, and its GUID")
        var sessions: [ConsoleSession] = []
        var guids: [[UInt8]: Int] = [:]
        for member in 0..<members {
            var session = try ConsoleSession(suite: suite, socket: UDPSocket(port: fleet.basePort + UInt16(member)))
            guids[try session.getSystemGUID()] = member
            sessions.append(session)
        }
        let probeMembers = (0..<probedMembers).map { $0 * max(1, members / probedMembers) % members }
        var probes = try probeMembers.map { try ConsoleSession(suite: suite, socket: UDPSocket(port: fleet.basePort + UInt16($0))) }

        progress("fleet: storm, Set Sensor Reading ASIC Temp = \(overheatRaw) on every member from \(stormDrivers) threads")
        let probing = ProbeLoop(sessions: probes)
        probing.start()
        let stormStart = monotonicNanoseconds()
        let drivers = (0..<stormDrivers).map { driver in
            let own = Array(stride(from: driver, to: members, by: stormDrivers))
            return StormDriver(members: own, sessions: own.map { sessions[$0] })
        }
        drivers.forEach { $0.start() }
        var sentAt = [UInt64](repeating: 0, count: members)
        for driver in drivers {
            for (member, time) in try driver.wait() { sentAt[member] = time }
        }
        let stormSeconds = Double(monotonicNanoseconds() - stormStart) / 1e9
        // Until every member's trap is in, or nothing more comes for 3 s.
        let lastCrossing = monotonicNanoseconds()
        var lastCount = receiver.count
        var lastChange = monotonicNanoseconds()
        while monotonicNanoseconds() - lastChange < 3_000_000_000 && receiver.count < members {
            usleep(20_000)
            if receiver.count != lastCount { lastCount = receiver.count; lastChange = monotonicNanoseconds() }
        }
        let probed = try probing.stop()
        probes = probing.sessions
        let arrivals = receiver.arrivals()
        var perMember = [Int](repeating: 0, count: members)
        var latencies: [UInt64] = []
        var lastArrival = lastCrossing
        for (guid, time) in arrivals {
            guard let member = guids[guid] ?? guids[guid.reversed()] else { continue }
            perMember[member] += 1
            if perMember[member] == 1 { latencies.append(time > sentAt[member] ? time - sentAt[member] : 0) }
            lastArrival = max(lastArrival, time)
        }
        return Result(members: members, startSeconds: startSeconds, memory: memory, idleCPUPercent: idleCPU,
                      stormSeconds: stormSeconds, traps: arrivals.count,
                      distinctMembers: perMember.filter { $0 > 0 }.count,
                      duplicates: perMember.map { max(0, $0 - 1) }.reduce(0, +),
                      lost: perMember.filter { $0 == 0 }.count,
                      crossingToTrap: LatencySummary(nanoseconds: latencies),
                      drainSeconds: Double(lastArrival - lastCrossing) / 1e9,
                      probe: LatencySummary(nanoseconds: probed),
                      probeMax: Double(probed.max() ?? 0) / 1e6, probeCount: probed.count)
    }
}

/// One thread's share of the storm: Set Sensor Reading on each of its members, one after another.
private final class StormDriver: @unchecked Sendable {
    private let members: [Int]
    private var sessions: [ConsoleSession]
    private var sentAt: [(Int, UInt64)] = []
    private var failure: (any Error)?
    private let done = DispatchSemaphore(value: 0)

    init(members: [Int], sessions: [ConsoleSession]) {
        self.members = members
        self.sessions = sessions
    }

    func start() {
        Thread { [self] in
            for index in members.indices {
                let now = monotonicNanoseconds()
                do {
                    try sessions[index].setSensorReading(sensor: FleetPhase.asicSensor, raw: FleetPhase.overheatRaw)
                } catch {
                    failure = error
                    break
                }
                sentAt.append((members[index], now))
            }
            done.signal()
        }.start()
    }

    /// When each member's crossing was sent.
    func wait() throws -> [(Int, UInt64)] {
        done.wait()
        if let failure { throw failure }
        return sentAt
    }
}

/// Get Device ID round the probed members, one after another, each timed, until stopped.
private final class ProbeLoop: @unchecked Sendable {
    private(set) var sessions: [ConsoleSession]
    private let lock = NSLock()
    private var stopping = false
    private var latencies: [UInt64] = []
    private var failure: (any Error)?
    private let done = DispatchSemaphore(value: 0)

    init(sessions: [ConsoleSession]) { self.sessions = sessions }

    func start() {
        Thread { [self] in
            var index = 0
            while !lock.withLock({ stopping }) {
                let start = monotonicNanoseconds()
                do { try sessions[index % sessions.count].getDeviceID() } catch { failure = error; break }
                latencies.append(monotonicNanoseconds() - start)
                index += 1
                usleep(2_000)
            }
            done.signal()
        }.start()
    }

    func stop() throws -> [UInt64] {
        lock.withLock { stopping = true }
        done.wait()
        if let failure { throw failure }
        return latencies
    }
}

/// The fleet process: the simulate configuration with its trap destination moved to the
/// benchmark's receiver, N members on consecutive ports of 127.0.0.1.
final class FleetDaemon {
    let basePort: UInt16
    private let process: Process
    private let directory: URL
    var pid: pid_t { process.processIdentifier }

    init(executable: String, members: Int, trapPort: UInt16) throws {
        basePort = try Self.freePortRun(members)
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("ipmigod-bench-fleet-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let simulate = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("conf/ipmigod-simulate.yaml")
        let config = try String(contentsOf: simulate, encoding: .utf8)
            .replacingOccurrences(of: "port: 1162", with: "port: \(trapPort)")
        let path = directory.appendingPathComponent("ipmigod.yaml")
        try config.write(to: path, atomically: true, encoding: .utf8)
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["--config", path.path, "--fleet", String(members), "--listen", "127.0.0.1:\(basePort)",
                             "--state-dir", directory.appendingPathComponent("state").path, "--log-level", "warning"]
        process.standardOutput = FileHandle.standardError
        try process.run()
        // The last member answers once every member is up.
        let ping = ByteBuffer(bytes: [0x06, 0x00, 0xFF, 0x06, 0x00, 0x00, 0x11, 0xBE, 0x80, 0x01, 0x00, 0x00])
        let socket = try UDPSocket(port: basePort + UInt16(members - 1), timeout: 0.05)
        let deadline = Date(timeIntervalSinceNow: 300)
        while Date() < deadline {
            guard process.isRunning else { throw Daemon.Failure(description: "the fleet exited with status \(process.terminationStatus)") }
            if (try? socket.exchange(ping)) != nil { return }
            usleep(100_000)
        }
        stop()
        throw Daemon.Failure(description: "the fleet's last member did not answer within 300 s")
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            let deadline = Date(timeIntervalSinceNow: 20)
            while process.isRunning && Date() < deadline { usleep(10_000) }
            if process.isRunning { kill(pid, SIGKILL) }
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: directory)
    }

    /// A run of `count` consecutive UDP ports on 127.0.0.1 that are all free now.
    private static func freePortRun(_ count: Int) throws -> UInt16 {
        for _ in 0..<50 {
            // Below Linux's ephemeral range (32768 up), where other programs' sockets come and go.
            let base = UInt16.random(in: 10000...(32767 - UInt16(count)))
            var sockets: [UDPSocket] = []
            var free = true
            for offset in 0..<count {
                guard let socket = try? UDPSocket(boundTo: base + UInt16(offset)) else { free = false; break }
                sockets.append(socket)
            }
            if free { return base }
        }
        throw Daemon.Failure(description: "no run of \(count) free UDP ports on 127.0.0.1")
    }
}

/// A UDP socket for the fleet's traps: each datagram's arrival time and the GUID its PET names
/// (the first 16 bytes of the PET varbind 1.3.6.1.4.1.3183.1.1.1).
final class PETReceiver: @unchecked Sendable {
    let port: UInt16
    private let fd: Int32
    private let lock = NSLock()
    private var received: [([UInt8], UInt64)] = []
    private var stopping = false
    private let done = DispatchSemaphore(value: 0)
    private static let petVarbind: [UInt8] = [0x06, 0x0A, 0x2B, 0x06, 0x01, 0x04, 0x01, 0x98, 0x6F, 0x01, 0x01, 0x01]

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { throw UDPSocket.SocketError.system("socket", errno) }
        // A storm's thousand traps arrive at once: room for all of them.
        var size: Int32 = 16 << 20
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        var time = timeval(tv_sec: 0, tv_usec: 100_000)
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 ? getsockname(fd, $0, &length) : -1 }
        }
        guard bound == 0 else {
            close(fd)
            throw UDPSocket.SocketError.system("bind", errno)
        }
        self.fd = fd
        port = UInt16(bigEndian: address.sin_port)
        Thread { [self] in receiveLoop() }.start()
    }

    var count: Int { lock.withLock { received.count } }
    func arrivals() -> [([UInt8], UInt64)] { lock.withLock { received } }

    func stop() {
        let first: Bool = lock.withLock {
            defer { stopping = true }
            return !stopping
        }
        guard first else { return }
        done.wait()
        close(fd)
    }

    private func receiveLoop() {
        var bytes = [UInt8](repeating: 0, count: 2048)
        while !lock.withLock({ stopping }) {
            let count = bytes.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { continue }
            let now = monotonicNanoseconds()
            guard let guid = Self.guid(in: Array(bytes[..<count])) else { continue }
            lock.withLock { received.append((guid, now)) }
        }
        done.signal()
    }

    static func guid(in bytes: [UInt8]) -> [UInt8]? {
        let pattern = petVarbind
        guard bytes.count > pattern.count + 18 else { return nil }
        for start in 0...(bytes.count - pattern.count) where bytes[start] == pattern[0] {
            guard Array(bytes[start..<(start + pattern.count)]) == pattern else { continue }
            // OCTET STRING, then its length (short or 0x81 form), then the PET.
            var offset = start + pattern.count
            guard offset + 2 < bytes.count, bytes[offset] == 0x04 else { return nil }
            offset += 1
            if bytes[offset] == 0x81 { offset += 1 }
            offset += 1
            guard offset + 16 <= bytes.count else { return nil }
            return Array(bytes[offset..<(offset + 16)])
        }
        return nil
    }
}

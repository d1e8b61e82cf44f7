#if canImport(Glibc)
import Glibc
#endif
import Foundation
import IPMICore

/// The alerting path end to end: Set Sensor Reading drives a threshold sensor that has no
/// source across its upper critical threshold; the BMC logs the event in the SEL, PEF's
/// default filter and policy pick it up, and the PET sender sends SNMPv1 traps to receivers
/// bound in this process on loopback. Measures event-to-trap latency, and the sustained trap
/// rate to four destinations, driven by several sessions at once (each on its own sensor, as
/// several sensors of a switch cross together), with Get Device ID latency on another session
/// meanwhile.
struct AlertPhase {
    static let assertRaw: UInt8 = 95
    static let deassertRaw: UInt8 = 50
    /// Crossings timed one at a time: half assertions, half deassertions.
    static let latencyCrossings = 2000
    static let warmUpCrossings = 20
    static let floodSeconds = 5.0
    /// Sessions driving the flood at once, each crossing its own sensor ping-pong: their SEL
    /// entries share fdatasyncs (group commit) as concurrent events on a switch do.
    static let floodDrivers = 4
    /// The target, 5,000 traps/s to 4 destinations, in crossings per second.
    static let pacedCrossingsPerSecond = 1250.0
    static let probeRequests = 2000

    struct Result {
        // Event-to-trap latency, one destination.
        var assertionLatency: LatencySummary
        var allLatency: LatencySummary
        var setReadingLatency: LatencySummary
        /// Trap arrival minus reply arrival, µs: negative when the trap came first.
        var trapAfterReplyMedianMicroseconds: Double
        /// 28 bytes appended and fdatasync'd, in the temporary directory the daemon's state is in.
        var fdatasyncFloor: LatencySummary
        var timedCrossings: Int
        var missedTraps: Int
        var nonTraps: Int
        // Flood to four destinations.
        var floodSeconds: Double
        var floodCrossings: Int
        var trapsInWindow: Int
        var trapsTotal: Int
        var drainSeconds: Double
        var perReceiver: [Int]
        var floodNonTraps: Int
        var idleProbe: LatencySummary
        var floodProbe: LatencySummary
        var floodProbeCount: Int
        /// The same drivers paced to the target rate (5,000 traps/s to 4 destinations).
        var pacedTrapsPerSecond: Double
        var pacedProbe: LatencySummary

        var trapsPerSecond: Double { Double(trapsInWindow) / floodSeconds }
        var crossingsPerSecond: Double { Double(floodCrossings) / floodSeconds }

        var text: String {
            func us(_ summary: LatencySummary) -> String {
                String(format: "p50 %.0f µs, p99 %.0f µs", summary.p50Microseconds, summary.p99Microseconds)
            }
            let delayed = floodProbe.p99Microseconds > max(2 * idleProbe.p99Microseconds, idleProbe.p99Microseconds + 500)
            let pacedDelayed = pacedProbe.p99Microseconds > max(2 * idleProbe.p99Microseconds, idleProbe.p99Microseconds + 500)
            return [
                "",
                "Alerting: threshold crossings driven by Set Sensor Reading, SNMPv1 traps to receivers on 127.0.0.1",
                "Event-to-trap latency, 1 destination, \(timedCrossings) crossings one at a time (from sending the request to the trap's arrival):",
                "  assertion traps (upper critical going high): " + us(assertionLatency),
                "  all traps (assertions and deassertions):     " + us(allLatency),
                "  Set Sensor Reading reply (SEL entry fdatasync'd before it): " + us(setReadingLatency),
                String(format: "  trap arrives %+.0f µs after the reply (median); an append + fdatasync of 28 bytes in the state directory's file system alone: ",
                       trapAfterReplyMedianMicroseconds) + us(fdatasyncFloor),
                "  traps missed \(missedTraps), datagrams that were not SNMPv1 traps \(nonTraps)",
                "  target p99 < 2 ms: " + (allLatency.p99Microseconds < 2000 && missedTraps == 0 ? "met" : "missed"),
                String(format: "Sustained alerts, 4 destinations, %d sessions each crossing its own sensor as fast as it can for %.1f s:",
                       floodDrivers, floodSeconds),
                String(format: "  %d crossings (%.0f/s), %d traps received in the window: %.0f traps/s",
                       floodCrossings, crossingsPerSecond, trapsInWindow, trapsPerSecond),
                String(format: "  %d of %d expected traps received in all (%.2f s to drain after the window); per receiver %@",
                       trapsTotal, floodCrossings * 4, drainSeconds, perReceiver.map(String.init).joined(separator: "/")),
                "  datagrams that were not SNMPv1 traps \(floodNonTraps)",
                "  Get Device ID on a second session: idle " + us(idleProbe) + "; during the flood " + us(floodProbe)
                    + " (\(floodProbeCount) requests)",
                "  target > 5,000 alerts/s: " + (trapsPerSecond > 5000 ? "met" : "missed")
                    + "; IPMI requests not delayed: " + (delayed ? "missed" : "met"),
                String(format: "Paced at the target, %.0f crossings/s (%.0f traps/s to 4 destinations), for %.1f s:",
                       pacedCrossingsPerSecond, 4 * pacedCrossingsPerSecond, floodSeconds),
                String(format: "  %.0f traps/s received; Get Device ID meanwhile ", pacedTrapsPerSecond) + us(pacedProbe),
                "  IPMI requests not delayed: " + (pacedDelayed ? "missed" : "met"),
            ].joined(separator: "\n")
        }
    }

    static func run(executable: String, progress: (String) -> Void) throws -> Result {
        let suite = CipherSuite.supported(id: 3)!

        // 1. Latency, one destination.
        let receiver = try TrapReceiver()
        defer { receiver.stop() }
        let first = try Daemon(executable: executable, suites: [3], extraConfig: config(ports: [receiver.port]))
        defer { first.stop() }
        progress("alerting: \(latencyCrossings) crossings one at a time, traps to 127.0.0.1:\(receiver.port)")
        var session = try ConsoleSession(suite: suite, socket: UDPSocket(port: first.port))
        var assertions: [UInt64] = []
        var all: [UInt64] = []
        var replies: [UInt64] = []
        var afterReply: [Double] = []
        var missed = 0
        var expected = receiver.count
        for crossing in 0..<(warmUpCrossings + latencyCrossings) {
            let asserting = crossing % 2 == 0
            let start = monotonicNanoseconds()
            try session.setSensorReading(sensor: 1, raw: asserting ? assertRaw : deassertRaw)
            let replied = monotonicNanoseconds()
            expected += 1
            guard let arrival = receiver.arrival(index: expected - 1, timeout: 2) else {
                missed += 1
                expected = receiver.count // resynchronise on what did arrive
                continue
            }
            guard crossing >= warmUpCrossings else { continue }
            let latency = arrival > start ? arrival - start : 0
            all.append(latency)
            replies.append(replied - start)
            afterReply.append((Double(arrival) - Double(replied)) / 1000)
            if asserting { assertions.append(latency) }
        }
        try session.close()
        first.stop()
        let nonTraps = receiver.nonTraps

        // 2. Flood, four destinations.
        let receivers = try (0..<4).map { _ in try TrapReceiver() }
        defer { receivers.forEach { $0.stop() } }
        let daemon = try Daemon(executable: executable, suites: [3], extraConfig: config(ports: receivers.map(\.port)))
        defer { daemon.stop() }
        var probe = try ConsoleSession(suite: suite, socket: UDPSocket(port: daemon.port))
        progress("alerting: Get Device ID × \(probeRequests) idle, for comparison")
        for _ in 0..<100 { try probe.getDeviceID() }
        var idle: [UInt64] = []
        for _ in 0..<probeRequests {
            let start = monotonicNanoseconds()
            try probe.getDeviceID()
            idle.append(monotonicNanoseconds() - start)
        }

        progress("alerting: \(floodDrivers) sessions crossing as fast as possible for \(floodSeconds) s to 4 destinations, Get Device ID meanwhile")
        let flood = try Flood.run(daemon: daemon, receivers: receivers, probe: probe, suite: suite, perSecond: nil)
        progress("alerting: the same, paced to \(Int(pacedCrossingsPerSecond)) crossings/s")
        let paced = try Flood.run(daemon: daemon, receivers: receivers, probe: flood.probe, suite: suite,
                                  perSecond: pacedCrossingsPerSecond)
        var closing = paced.probe
        try closing.close()

        return Result(assertionLatency: LatencySummary(nanoseconds: assertions), allLatency: LatencySummary(nanoseconds: all),
                      setReadingLatency: LatencySummary(nanoseconds: replies),
                      trapAfterReplyMedianMicroseconds: afterReply.sorted()[afterReply.count / 2],
                      fdatasyncFloor: try fdatasyncFloor(), timedCrossings: latencyCrossings,
                      missedTraps: missed, nonTraps: nonTraps,
                      floodSeconds: flood.seconds, floodCrossings: flood.crossings, trapsInWindow: flood.trapsInWindow,
                      trapsTotal: flood.perReceiver.reduce(0, +), drainSeconds: flood.drainSeconds,
                      perReceiver: flood.perReceiver, floodNonTraps: receivers.map(\.nonTraps).reduce(0, +),
                      idleProbe: LatencySummary(nanoseconds: idle), floodProbe: LatencySummary(nanoseconds: flood.probed),
                      floodProbeCount: flood.probed.count,
                      pacedTrapsPerSecond: Double(paced.trapsInWindow) / paced.seconds,
                      pacedProbe: LatencySummary(nanoseconds: paced.probed))
    }

    /// Sessions crossing their sensors for `floodSeconds`, as fast as they can or paced to
    /// `perSecond` crossings in all, with Get Device ID timed on `probe` meanwhile.
    struct Flood {
        var seconds: Double
        var crossings: Int
        var trapsInWindow: Int
        var perReceiver: [Int]
        var drainSeconds: Double
        var probed: [UInt64]
        var probe: ConsoleSession

        static func run(daemon: Daemon, receivers: [TrapReceiver], probe: ConsoleSession, suite: CipherSuite,
                        perSecond: Double?) throws -> Flood {
            let interval = perSecond.map { UInt64(1e9 * Double(floodDrivers) / $0) }
            let prober = SessionLoop(session: probe) { session, _ in try session.getDeviceID() }
            let drivers = try (1...floodDrivers).map { sensor in
                SessionLoop(session: try ConsoleSession(suite: suite, socket: UDPSocket(port: daemon.port)), interval: interval) {
                    session, iteration in
                    try session.setSensorReading(sensor: UInt8(sensor), raw: iteration % 2 == 0 ? assertRaw : deassertRaw)
                }
            }
            let baseline = receivers.map(\.count)
            let windowStart = monotonicNanoseconds()
            prober.start()
            drivers.forEach { $0.start() }
            usleep(UInt32(floodSeconds * 1e6))
            var crossings = 0
            for driver in drivers { crossings += try driver.stop().count }
            let windowStop = monotonicNanoseconds()
            let probed = try prober.stop()
            // Let the sender's queues drain: until all arrived or nothing arrives for 1 s.
            var last = receivers.map(\.count).reduce(0, +)
            var lastChange = monotonicNanoseconds()
            var drained = windowStop
            while monotonicNanoseconds() - lastChange < 1_000_000_000 {
                usleep(10_000)
                let now = receivers.map(\.count).reduce(0, +)
                if now != last { last = now; lastChange = monotonicNanoseconds(); drained = lastChange }
                if now - baseline.reduce(0, +) >= crossings * 4 { break }
            }
            let inWindow = receivers.map { $0.arrivals().filter { $0 >= windowStart && $0 <= windowStop }.count }.reduce(0, +)
            for driver in drivers {
                var closing = driver.session
                try closing.close()
            }
            return Flood(seconds: Double(windowStop - windowStart) / 1e9, crossings: crossings, trapsInWindow: inWindow,
                         perReceiver: zip(receivers, baseline).map { $0.count - $1 },
                         drainSeconds: Double(drained - windowStop) / 1e9, probed: probed, probe: prober.session)
        }
    }

    /// What one SEL append costs the file system alone: 28 bytes written and fdatasync'd, 500
    /// times, in a file in the temporary directory (where Daemon puts the state directory).
    static func fdatasyncFloor() throws -> LatencySummary {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ipmigod-bench-fsync-\(UUID().uuidString)").path
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        guard fd >= 0 else { throw UDPSocket.SocketError.system("open", errno) }
        defer { close(fd); unlink(path) }
        let record = [UInt8](repeating: 0xA5, count: 28)
        var samples: [UInt64] = []
        for index in 0..<520 {
            let start = monotonicNanoseconds()
            guard write(fd, record, record.count) == record.count, fdatasync(fd) == 0 else {
                throw UDPSocket.SocketError.system("write/fdatasync", errno)
            }
            if index >= 20 { samples.append(monotonicNanoseconds() - start) }
        }
        return LatencySummary(nanoseconds: samples)
    }

    /// Temperature sensors with no source (numbers 1, 2, ...), so only Set Sensor Reading moves
    /// them; a SEL that overwrites when full (every crossing logs an entry); a destination per
    /// receiver port.
    static func config(ports: [UInt16]) -> String {
        let destinations = ports.enumerated().map { index, port in
            "    - { selector: \(index + 1), address: 127.0.0.1, port: \(port), version: v1 }"
        }
        let sensors = (1...floodDrivers).map { number in
            "  - { name: Bench Temp \(number), number: \(number), type: temperature, thresholds: { uc: 90 }, hysteresis: { positive: 2, negative: 2 } }"
        }
        return """
            sel: { capacity: 4096, when_full: overwrite }
            sensors:

            """ + sensors.joined(separator: "\n") + """

            lan:
              ip_address: 127.0.0.9
              alert_destinations:

            """ + destinations.joined(separator: "\n") + "\n"
    }
}

/// One session's requests in a loop on its own thread, each timed, until stopped.
private final class SessionLoop: @unchecked Sendable {
    private(set) var session: ConsoleSession
    private let body: (inout ConsoleSession, Int) throws -> Void
    private let lock = NSLock()
    private var stopping = false
    private var latencies: [UInt64] = []
    private var failure: (any Error)?
    private let done = DispatchSemaphore(value: 0)

    /// Iterations start `interval` nanoseconds apart when given, else back to back.
    private let interval: UInt64?

    init(session: ConsoleSession, interval: UInt64? = nil, body: @escaping (inout ConsoleSession, Int) throws -> Void) {
        self.session = session
        self.interval = interval
        self.body = body
    }

    func start() {
        latencies.reserveCapacity(200_000)
        let thread = Thread { [self] in
            let first = monotonicNanoseconds()
            while !lock.withLock({ stopping }) {
                if let interval {
                    let due = first + UInt64(latencies.count) * interval
                    let now = monotonicNanoseconds()
                    if due > now { usleep(UInt32((due - now) / 1000)) }
                }
                let start = monotonicNanoseconds()
                do { try body(&session, latencies.count) } catch { failure = error; break }
                latencies.append(monotonicNanoseconds() - start)
            }
            done.signal()
        }
        thread.start()
    }

    func stop() throws -> [UInt64] {
        lock.withLock { stopping = true }
        done.wait()
        if let failure { throw failure }
        return latencies
    }
}

/// A UDP socket bound to a free port on 127.0.0.1, and a thread that timestamps every
/// datagram as it arrives and checks that it is an SNMPv1 trap.
final class TrapReceiver: @unchecked Sendable {
    let port: UInt16
    private let fd: Int32
    private let condition = NSCondition()
    private var times: [UInt64] = []
    private var others = 0
    private var stopping = false
    private var stopped = false
    private let done = DispatchSemaphore(value: 0)

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { throw UDPSocket.SocketError.system("socket", errno) }
        var size: Int32 = 8 << 20
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        var time = timeval(tv_sec: 0, tv_usec: 100_000)
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 ? getsockname(fd, pointer, &length) : -1
            }
        }
        guard bound == 0 else {
            let code = errno
            close(fd)
            throw UDPSocket.SocketError.system("bind", code)
        }
        self.fd = fd
        port = UInt16(bigEndian: address.sin_port)
        times.reserveCapacity(1 << 17)
        let thread = Thread { [self] in receiveLoop() }
        thread.start()
    }

    deinit { stop() }

    var count: Int { condition.withLock { times.count } }
    var nonTraps: Int { condition.withLock { others } }
    func arrivals() -> [UInt64] { condition.withLock { times } }

    /// The arrival time of the trap at `index`, waiting up to `timeout` seconds for it.
    func arrival(index: Int, timeout: Double) -> UInt64? {
        let deadline = Date(timeIntervalSinceNow: timeout)
        condition.lock()
        defer { condition.unlock() }
        while times.count <= index {
            guard condition.wait(until: deadline) else { return times.count > index ? times[index] : nil }
        }
        return times[index]
    }

    func stop() {
        condition.lock()
        let first = !stopped
        stopping = true
        stopped = true
        condition.unlock()
        guard first else { return }
        done.wait()
        close(fd)
    }

    private func receiveLoop() {
        var bytes = [UInt8](repeating: 0, count: 2048)
        while true {
            let received = bytes.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            let now = monotonicNanoseconds()
            condition.lock()
            if received > 0 {
                if bytes.withUnsafeBytes({ Self.isSNMPv1Trap(UnsafeRawBufferPointer(rebasing: $0[..<received])) }) {
                    times.append(now)
                } else {
                    others += 1
                }
                condition.broadcast()
            }
            let leaving = stopping
            condition.unlock()
            if leaving { break }
        }
        done.signal()
    }

    /// SEQUENCE { INTEGER version, OCTET STRING community, Trap-PDU [4] ... }: checks the
    /// outer tag, skips version and community, and looks for the Trap-PDU tag 0xA4.
    static func isSNMPv1Trap(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        func length() -> Int? {
            guard offset < bytes.count else { return nil }
            let first = bytes[offset]
            offset += 1
            if first < 0x80 { return Int(first) }
            let count = Int(first & 0x7F)
            guard count <= 2, offset + count <= bytes.count else { return nil }
            var value = 0
            for _ in 0..<count { value = value << 8 | Int(bytes[offset]); offset += 1 }
            return value
        }
        func skip(tag: UInt8) -> Bool {
            guard offset < bytes.count, bytes[offset] == tag else { return false }
            offset += 1
            guard let count = length() else { return false }
            offset += count
            return true
        }
        guard bytes.count > 2, bytes[0] == 0x30 else { return false }
        offset = 1
        guard length() != nil, skip(tag: 0x02), skip(tag: 0x04) else { return false }
        return offset < bytes.count && bytes[offset] == 0xA4
    }
}

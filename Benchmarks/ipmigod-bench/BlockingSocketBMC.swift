#if canImport(Glibc)
import Glibc
#endif
import Foundation
import IPMICore
import Logging
import NIOCore

/// ipmigod's request path without SwiftNIO: the daemon's BMC (IPMICore, where every request
/// is handled) answering on a blocking socket, recvfrom, `handleDatagram`, sendto, on one
/// thread, as the C echo does. Its CPU above the echo floor is the IPMI work alone, with an
/// event loop that costs the kernel's share and nothing more: the floor a server on SwiftNIO
/// cannot reach, measured rather than built into the daemon.
// @unchecked: `clock`, `statPath`, `port` and `failure` are written once, before `ready`
// signals; after that only the server thread touches the socket and its BMC.
final class BlockingSocketBMC: @unchecked Sendable {
    private(set) var port: UInt16 = 0
    private var clock = clockid_t()
    private var statPath = ""
    private var failure: (any Error)?
    private let stateDirectory: String

    /// Starts the server thread, pinned to `cpu` if there is one.
    init(cpu: Int?) throws {
        stateDirectory = FileManager.default.temporaryDirectory
            .appendingPathComponent("ipmigod-bench-blocking-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
        let ready = DispatchSemaphore(value: 0)
        Thread { [self] in
            do {
                if let cpu { try Affinity.pin(thread: 0, to: cpu) }
                pthread_getcpuclockid(pthread_self(), &clock)
                statPath = "/proc/" + EchoFloor.threadSelf() + "/stat"
                let bmc = try Self.makeBMC(stateDirectory: stateDirectory)
                let socket = try UDPSocket(boundTo: 0)
                port = try socket.localPort()
                ready.signal()
                Self.serve(bmc, on: socket)
            } catch {
                failure = error
                ready.signal()
            }
        }.start()
        ready.wait()
        if let failure { throw failure }
    }

    /// The server thread's CPU time.
    func cpuTime() throws -> ProcessStats.CPUTime {
        try ProcessStats.cpuTime(clock: clock, stat: statPath)
    }

    /// An empty datagram tells the server thread to return.
    func stop() {
        try? UDPSocket(port: port).send(ByteBuffer())
        try? FileManager.default.removeItem(atPath: stateDirectory)
    }

    /// The benchmark daemon's user, suites and session limit (Daemon.config).
    private static func makeBMC(stateDirectory: String) throws -> BMC {
        var channel = LANChannelConfiguration()
        channel.cipherSuites = [3, 17, 1].map { CipherSuitePolicy(id: $0, maximumPrivilege: .administrator) }
        var limits = SessionLimits()
        limits.maximumSessions = 32
        let configuration = BMCConfiguration(
            device: DeviceIdentity(), channel: channel,
            users: [UserConfiguration(id: 2, name: ConsoleSession.userName, password: Array(ConsoleSession.password.utf8),
                                      privilege: .administrator)],
            limits: limits, stateDirectory: stateDirectory)
        var logger = Logger(label: "ipmigod-bench")
        logger.logLevel = .critical
        return try BMC(configuration: configuration, logger: logger)
    }

    private static func serve(_ bmc: BMC, on socket: UDPSocket) {
        // Both buffers are reused: no allocation per request, as in the daemon.
        var request = ByteBuffer()
        request.reserveCapacity(2048)
        var answer = ByteBuffer()
        answer.reserveCapacity(2048)
        socket.serveUntilEmptyDatagram { bytes, peer, reply in
            request.clear()
            request.writeBytes(bytes)
            answer.clear()
            let remote = RemoteConsole(ipv4NetworkOrder: peer.sin_addr.s_addr, port: UInt16(bigEndian: peer.sin_port))
            if bmc.handleDatagram(request, from: remote, now: .now(), into: &answer) == .sendNow {
                answer.withUnsafeReadableBytes(reply)
            }
        }
    }
}

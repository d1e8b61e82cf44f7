#if canImport(Glibc)
import Glibc
#endif
import Foundation
import NIOCore

/// A blocking UDP echo thread in this process: the cheapest server there is for the same
/// ping-pong traffic. Its CPU time per request is what the kernel charges any UDP server for
/// a receive, a send and a wake-up on this machine, a floor under the daemon's figure.
// @unchecked: `clock`, `statPath` and `pinning` are written once, before `ready` signals, and only the
// echo thread touches `socket` once it runs.
final class EchoFloor: @unchecked Sendable {
    let port: UInt16
    private let socket: UDPSocket
    private var clock = clockid_t()
    private var statPath = ""
    private var pinning: Result<Void, any Error> = .success(())

    /// Starts the echo thread, pinned to `cpu` if there is one.
    init(cpu: Int?) throws {
        socket = try UDPSocket(boundTo: 0)
        port = try socket.localPort()
        let ready = DispatchSemaphore(value: 0)
        Thread { [self] in
            if let cpu { pinning = Result { try Affinity.pin(thread: 0, to: cpu) } }
            pthread_getcpuclockid(pthread_self(), &clock)
            statPath = "/proc/" + Self.threadSelf() + "/stat"
            ready.signal()
            socket.echoUntilEmptyDatagram()
        }.start()
        ready.wait()
        try pinning.get()
    }

    /// The echo thread's CPU time.
    func cpuTime() throws -> ProcessStats.CPUTime {
        try ProcessStats.cpuTime(clock: clock, stat: statPath)
    }

    /// "PID/task/TID" of the calling thread: the target of /proc/thread-self.
    static func threadSelf() -> String {
        var path = [UInt8](repeating: 0, count: 64)
        let count = path.withUnsafeMutableBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { readlink("/proc/thread-self", $0.baseAddress!, $0.count) }
        }
        return count > 0 ? String(decoding: path[..<count], as: UTF8.self) : "self"
    }

    /// An empty datagram tells the echo thread to return.
    func stop() {
        try? UDPSocket(port: port).send(ByteBuffer())
    }
}

/// Sends a datagram the size of a Get Device ID request under cipher suite 3, and waits for it to come back.
struct EchoClient: PingPongClient {
    private static let request = ByteBuffer(repeating: 0x06, count: 64)
    let socket: UDPSocket

    init(port: UInt16) throws {
        socket = try UDPSocket(port: port)
    }

    mutating func call() throws { _ = try socket.exchange(Self.request) }
    mutating func finish() throws {}
}

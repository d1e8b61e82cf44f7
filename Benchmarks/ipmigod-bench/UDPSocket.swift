#if canImport(Glibc)
import Glibc
#endif
import NIOCore

/// A blocking UDP socket connected to one loopback port. The benchmark drives the daemon
/// ping-pong from plain threads, so blocking calls are the cheapest client there is: the
/// client's own overhead stays small next to the daemon's.
final class UDPSocket {
    enum SocketError: Error, CustomStringConvertible {
        case system(String, Int32)
        case timedOut

        var description: String {
            switch self {
            case .system(let call, let code): "\(call): \(String(cString: strerror(code)))"
            case .timedOut: "no reply within the receive timeout"
            }
        }
    }

    private let fd: Int32
    /// Reused for every reply, so that receiving allocates nothing.
    private var receiveBuffer = ByteBuffer()

    /// Connects to 127.0.0.1:`port`; a receive that waits longer than `timeout` seconds fails.
    init(port: UInt16, timeout: Double = 1) throws(SocketError) {
        fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { throw .system("socket", errno) }
        var time = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - timeout.rounded(.down)) * 1_000_000))
        var address = Self.loopback(port: port)
        let ready = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size)) == 0
            && withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
                }
            }
        guard ready else {
            let code = errno
            close(fd)
            throw .system("connect", code)
        }
    }

    deinit { close(fd) }

    func send(_ datagram: ByteBuffer) throws(SocketError) {
        let sent = datagram.withUnsafeReadableBytes { Glibc.send(fd, $0.baseAddress, $0.count, 0) }
        guard sent == datagram.readableBytes else { throw .system("send", errno) }
    }

    /// The next datagram from the daemon. The buffer is valid until the next call.
    func receive() throws(SocketError) -> ByteBuffer {
        receiveBuffer.clear()
        let received = receiveBuffer.writeWithUnsafeMutableBytes(minimumWritableBytes: 2048) {
            max(0, recv(fd, $0.baseAddress, $0.count, 0))
        }
        guard received > 0 else { throw errno == EAGAIN || errno == EWOULDBLOCK ? .timedOut : .system("recv", errno) }
        return receiveBuffer
    }

    /// One request, one reply.
    func exchange(_ datagram: ByteBuffer) throws(SocketError) -> ByteBuffer {
        try send(datagram)
        return try receive()
    }

    /// A free loopback UDP port, found by binding port 0 and asking which one the kernel chose.
    static func freeLoopbackPort() throws(SocketError) -> UInt16 {
        let probe = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard probe >= 0 else { throw .system("socket", errno) }
        defer { close(probe) }
        var address = loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(probe, $0, length) == 0 && getsockname(probe, $0, &length) == 0
            }
        }
        guard ok else { throw .system("bind", errno) }
        return UInt16(bigEndian: address.sin_port)
    }

    private static func loopback(port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return address
    }
}

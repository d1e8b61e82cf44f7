#if canImport(Glibc)
import Glibc
#endif
import NIOCore

/// A blocking UDP socket on loopback. The benchmark drives the daemon ping-pong from plain
/// threads, so blocking calls are the cheapest client there is: the client's own overhead
/// stays small next to the daemon's.
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
    /// Reused for every datagram, so that receiving allocates nothing.
    private var receiveBuffer = ByteBuffer()

    /// Connected to 127.0.0.1:`port`; a receive that waits longer than `timeout` seconds fails.
    convenience init(port: UInt16, timeout: Double = 1) throws(SocketError) {
        try self.init()
        var time = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - timeout.rounded(.down)) * 1_000_000))
        guard setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size)) == 0 else {
            throw .system("setsockopt", errno)
        }
        try withAddress(port: port, "connect") { connect(fd, $0, $1) }
    }

    /// Bound to 127.0.0.1:`port`, to serve rather than call.
    convenience init(boundTo port: UInt16) throws(SocketError) {
        try self.init()
        try withAddress(port: port, "bind") { bind(fd, $0, $1) }
    }

    private init() throws(SocketError) {
        fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { throw .system("socket", errno) }
    }

    deinit { close(fd) }

    func send(_ datagram: ByteBuffer) throws(SocketError) {
        let sent = datagram.withUnsafeReadableBytes { Glibc.send(fd, $0.baseAddress, $0.count, 0) }
        guard sent == datagram.readableBytes else { throw .system("send", errno) }
    }

    /// The next datagram. The buffer stays valid until the next call.
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

    /// Sends every datagram back where it came from, until an empty one arrives.
    func echoUntilEmptyDatagram() {
        serveUntilEmptyDatagram { request, _, reply in reply(request) }
    }

    /// Receives datagrams until an empty one arrives, and hands each to `answer` with its
    /// sender and a `reply` that sends bytes back there (not called: no answer).
    func serveUntilEmptyDatagram(
        _ answer: (_ request: UnsafeRawBufferPointer, _ peer: sockaddr_in,
                   _ reply: (UnsafeRawBufferPointer) -> Void) -> Void
    ) {
        let bytes = UnsafeMutableRawBufferPointer.allocate(byteCount: 2048, alignment: 8)
        defer { bytes.deallocate() }
        var peer = sockaddr_in()
        while true {
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let count = withUnsafeMutablePointer(to: &peer) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { recvfrom(fd, bytes.baseAddress, bytes.count, 0, $0, &length) }
            }
            guard count > 0 else { return }
            answer(UnsafeRawBufferPointer(rebasing: bytes[..<count]), peer) { reply in
                _ = withUnsafePointer(to: &peer) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(fd, reply.baseAddress, reply.count, 0, $0, length) }
                }
            }
        }
    }

    /// The port the socket is bound to; port 0 binds to one the kernel chooses.
    func localPort() throws(SocketError) -> UInt16 {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { throw .system("getsockname", errno) }
        return UInt16(bigEndian: address.sin_port)
    }

    /// A free loopback port for the daemon: bound, read, and released for it to bind.
    static func freeLoopbackPort() throws(SocketError) -> UInt16 {
        try UDPSocket(boundTo: 0).localPort()
    }

    private func withAddress(port: UInt16, _ call: String,
                             _ body: (UnsafePointer<sockaddr>, socklen_t) -> Int32) throws(SocketError) {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else { throw .system(call, errno) }
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// The client side of the control socket, for `ipmigod status` and `ipmigod sim ...`: one
/// request, one response, blocking (a command-line tool has nothing else to do).
enum ControlClient {
    enum Failure: Error, CustomStringConvertible {
        /// No daemon listens there.
        case noDaemon(path: String)
        case io(String)

        var description: String {
            switch self {
            case .noDaemon(let path): "no daemon is running there (nothing listens on \(path))"
            case .io(let message): message
            }
        }
    }

    static func send(_ request: ControlRequest, to path: String, timeout seconds: Int = 30) throws(Failure) -> ControlResponse {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard path.utf8.count < capacity else { throw .io("\(path): longer than a socket path may be (\(capacity - 1) bytes)") }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: path.utf8)
            raw[path.utf8.count] = 0
        }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .io("socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var timeout = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else {
            if errno == ENOENT || errno == ECONNREFUSED { throw .noDaemon(path: path) }
            throw .io("\(path): \(String(cString: strerror(errno)))")
        }
        let line = ControlLine.encode(request)
        var sent = 0
        while sent < line.count {
            let count = line[sent...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard count > 0 else { throw .io("\(path): write: \(String(cString: strerror(errno)))") }
            sent += count
        }
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while !received.contains(UInt8(ascii: "\n")) {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else {
                throw .io(count == 0 ? "the daemon closed the connection without answering"
                                     : "\(path): no answer: \(String(cString: strerror(errno)))")
            }
            received += chunk[0..<count]
        }
        guard let response = ControlLine.decode(ControlResponse.self, from: received.prefix { $0 != UInt8(ascii: "\n") }) else {
            throw .io("the daemon's answer is not a response")
        }
        return response
    }
}

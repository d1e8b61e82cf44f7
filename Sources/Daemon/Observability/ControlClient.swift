#if canImport(Glibc)
import Glibc
#endif

/// `ipmigod status`'s side of the control socket: one HTTP GET over the Unix socket in the
/// daemon's state directory, answered from the snapshot the BMC last published.
enum ControlClient {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The body of a 200 answer to `GET path`.
    static func get(_ path: String, stateDirectory: String, timeoutSeconds: Int = 5) throws(Failure) -> String {
        let socketPath = stateDirectory + "/" + ObservabilityServer.controlSocket
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: errno \(errno)") }
        defer { close(fd) }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let pathBytes = Array(socketPath.utf8)
        guard pathBytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            throw Failure(description: "\(socketPath): path too long for a Unix socket")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: pathBytes)
            raw[pathBytes.count] = 0
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else {
            throw Failure(description: "cannot connect to \(socketPath) (errno \(errno)): is the daemon running?")
        }
        let request = Array("GET \(path) HTTP/1.1\r\nHost: ipmigod\r\nConnection: close\r\n\r\n".utf8)
        var sent = 0
        while sent < request.count {
            let count = request[sent...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard count > 0 else { throw Failure(description: "write: errno \(errno)") }
            sent += count
        }
        var response: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count == 0 { break }
            guard count > 0 else { throw Failure(description: "read: errno \(errno)") }
            response += chunk[0..<count]
        }
        let text = String(decoding: response, as: UTF8.self)
        guard let split = text.firstRange(of: "\r\n\r\n") else { throw Failure(description: "no answer from the daemon") }
        let statusLine = text[..<split.lowerBound].split(separator: "\r\n").first ?? ""
        let body = String(text[split.upperBound...])
        guard statusLine.split(separator: " ").dropFirst().first == "200" else {
            throw Failure(description: "\(statusLine): \(body)")
        }
        return body
    }
}

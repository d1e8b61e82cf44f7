#if canImport(Glibc)
import Glibc
#endif
import CInetFormat
import NIOCore
import XCTest

/// The IPv4 inet_ntop linked in place of glibc's (Sources/CInetFormat): the same text as
/// glibc's for every byte value in every position, ENOSPC when the text does not fit, and
/// SwiftNIO's socket addresses, which call it for every datagram, still naming their host.
final class InetFormatTests: XCTestCase {
    private func formatted(_ bytes: [UInt8], size: Int = Int(INET_ADDRSTRLEN)) -> String? {
        var text = [CChar](repeating: 0x7F, count: size)
        let result = bytes.withUnsafeBytes { ipmigod_format_ipv4($0.baseAddress, &text, socklen_t(size)) }
        return result.map { String(cString: $0) }
    }

    func testEveryByteValueInEveryPositionIsDottedDecimal() {
        for value in 0...255 {
            for position in 0..<4 {
                var bytes: [UInt8] = [10, 0, 255, 7]
                bytes[position] = UInt8(value)
                XCTAssertEqual(formatted(bytes), bytes.map(String.init).joined(separator: "."))
            }
        }
        XCTAssertEqual(formatted([255, 255, 255, 255]), "255.255.255.255")
        XCTAssertEqual(formatted([0, 0, 0, 0]), "0.0.0.0")
    }

    func testTextThatDoesNotFitIsRefusedWithENOSPC() {
        // "1.2.3.4" is 7 characters and its NUL: 8 bytes fit, 7 do not.
        XCTAssertEqual(formatted([1, 2, 3, 4], size: 8), "1.2.3.4")
        errno = 0
        XCTAssertNil(formatted([1, 2, 3, 4], size: 7))
        XCTAssertEqual(errno, ENOSPC)
        XCTAssertNil(formatted([255, 255, 255, 255], size: 15))
    }

    func testSwiftNIOAddressesGoThroughItAndKeepTheirHost() throws {
        // inet_ntop as the linked binary resolves it: the wrapper for IPv4, glibc's for IPv6.
        var address = in_addr(s_addr: UInt32(192 | 168 << 8 | 1 << 16 | 200 << 24))
        var text = [CChar](repeating: 0, count: Int(INET_ADDRSTRLEN))
        XCTAssertNotNil(inet_ntop(AF_INET, &address, &text, socklen_t(text.count)))
        XCTAssertEqual(String(cString: text), "192.168.1.200")

        for host in ["127.0.0.1", "10.20.30.40", "255.255.255.255", "0.0.0.0"] {
            let parsed = try SocketAddress(ipAddress: host, port: 40_000)
            guard case .v4(let v4) = parsed else { return XCTFail("\(host) is not IPv4") }
            // The host string NIO formats when it reads a datagram from this sockaddr.
            XCTAssertEqual(SocketAddress(v4.address).ipAddress, host)
        }
        let parsed = try SocketAddress(ipAddress: "fe80::1:2", port: 40_000)
        guard case .v6(let v6) = parsed else { return XCTFail("not IPv6") }
        XCTAssertEqual(SocketAddress(v6.address).ipAddress, "fe80::1:2")
    }
}

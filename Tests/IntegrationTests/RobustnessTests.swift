import IPMICore
import NIOCore
import XCTest

/// Hostile and broken datagrams over the wire: the daemon drops them, logs a bounded amount,
/// and keeps serving real clients.
final class RobustnessTests: XCTestCase {
    func testThousandsOfMalformedPacketsThenANormalSession() throws {
        let daemon = try Daemon()
        let socket = UDPSocket(port: daemon.port, receiveTimeout: 0.2)
        var console = RMCPPlusConsole(suite: CipherSuite.supported(id: 17)!, userName: "admin", password: "admin")
        let templates: [[UInt8]] = [
            Array(console.openSessionRequest().readableBytesView),
            Array(RMCPPlusConsole.sessionless(.app, 0x38, [0x8E, 0x04]).readableBytesView),
            // IPMI 1.5, MD5, in a session that does not exist.
            [0x06, 0x00, 0xFF, 0x07, 0x02, 1, 0, 0, 0, 0xEF, 0xBE, 0xAD, 0xDE] + [UInt8](repeating: 0x55, count: 16)
                + [0x07, 0x20, 0x18, 0xC8, 0x81, 0x04, 0x01, 0x7B],
            // RMCP+ authenticated and encrypted, in a session that does not exist.
            [0x06, 0x00, 0xFF, 0x07, 0x06, 0xC0, 0x78, 0x56, 0x34, 0x12, 1, 0, 0, 0, 0x20, 0x00]
                + [UInt8](repeating: 0xAB, count: 32) + [0xFF, 0xFF, 0x02, 0x07] + [UInt8](repeating: 0, count: 16),
            [0x06, 0x00, 0xFF, 0x06, 0x00, 0x00, 0x11, 0xBE, 0x80, 0x01, 0x00, 0x00],
        ]
        var random = SystemRandomNumberGenerator()
        for round in 0..<5000 {
            var bytes = templates[round % templates.count]
            switch round % 5 {
            case 0: // random bytes
                bytes = (0..<Int.random(in: 0...120, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            case 1: // cut off anywhere
                bytes = Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &random)))
            case 2: // one byte wrong: lengths, checksums, session IDs, flags
                bytes[Int.random(in: 0..<bytes.count, using: &random)] ^= UInt8.random(in: 1...255, using: &random)
            case 3: // length fields that lie
                if bytes.count > 15 { bytes[14] = UInt8.random(in: 0...255, using: &random) }
            default: // trailing garbage
                bytes += (0..<Int.random(in: 1...64, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            }
            socket.send(bytes)
            if round % 200 == 0 { socket.drain() }
        }
        socket.drain()

        XCTAssertTrue(daemon.isRunning, daemon.log)
        XCTAssertAnswered(try daemon.ipmitool(["mc", "info"]))
        XCTAssertAnswered(try daemon.ipmitool(["mc", "info"], interface: "lan"))
        let warnings = daemon.log.split(separator: "\n").filter { $0.contains("warning") }
        XCTAssertLessThan(warnings.count, 100, "drops are logged rate-limited:\n\(warnings.prefix(20).joined(separator: "\n"))")
    }
}

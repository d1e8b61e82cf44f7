import Foundation
import IPMICore
import Logging
import NIOCore
import NIOPosix
import XCTest
@testable import ipmigod

/// The BMC's UDP socket: a port another socket holds is refused, naming it, and a burst of
/// requests that arrive in one read batch each get their reply (the batch's replies go through
/// SwiftNIO's queue; a lone reply goes straight on the descriptor).
final class BMCSocketTests: XCTestCase {
    private var folder = ""
    private var group: MultiThreadedEventLoopGroup!
    private var bmc: NIOLoopBound<BMC>!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("ipmigod-socket-\(UUID().uuidString)").path
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        var configuration = try DaemonConfiguration.parse(EmbeddedConfiguration.simulate,
                                                          file: EmbeddedConfiguration.simulateFileName).bmc
        configuration.stateDirectory = folder
        bmc = try loop.submit { [configuration] in
            var logger = Logger(label: "test")
            logger.logLevel = .critical
            return NIOLoopBound(try BMC(configuration: configuration, logger: logger), eventLoop: loop)
        }.wait()
    }

    override func tearDown() {
        bmc = nil
        try? group.syncShutdownGracefully()
        try? FileManager.default.removeItem(atPath: folder)
    }

    func testAPortInUseIsRefusedNamingTheAddress() throws {
        let first = try BMCSocket.open(host: "127.0.0.1", port: 0, bmc: bmc).wait()
        defer { try? first.close().wait() }
        let port = try XCTUnwrap(first.localAddress?.port)
        XCTAssertThrowsError(try BMCSocket.open(host: "127.0.0.1", port: port, bmc: bmc).wait()) { error in
            XCTAssertTrue("\(error)".contains("bind 127.0.0.1:\(port): Address already in use"), "\(error)")
        }
    }

    func testEveryRequestOfABurstIsAnswered() throws {
        let channel = try BMCSocket.open(host: "127.0.0.1", port: 0, bmc: bmc).wait()
        defer { try? channel.close().wait() }
        let port = try XCTUnwrap(channel.localAddress?.port)

        let client = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(client) }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var server = sockaddr_in()
        server.sin_family = sa_family_t(AF_INET)
        server.sin_port = UInt16(port).bigEndian
        server.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        // ASF presence pings (RMCP class 6), each with its own message tag, all sent before any is read.
        let burst = 12
        for tag in 0..<burst {
            let ping: [UInt8] = [0x06, 0x00, 0xFF, 0x06, 0x00, 0x00, 0x11, 0xBE, 0x80, UInt8(tag), 0x00, 0x00]
            let sent = withUnsafePointer(to: &server) { address in
                address.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(client, ping, ping.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            XCTAssertEqual(sent, ping.count)
        }
        var tags: [UInt8] = []
        var reply = [UInt8](repeating: 0, count: 256)
        while tags.count < burst {
            let count = recv(client, &reply, reply.count, 0)
            guard count >= 12 else { break }
            XCTAssertEqual(reply[8], 0x40, "a presence pong")
            tags.append(reply[9])
        }
        XCTAssertEqual(tags.sorted(), (0..<burst).map(UInt8.init))
    }
}

import IPMICore
import NIOCore
import XCTest

final class CodecTests: XCTestCase {
    func testPresencePingGetsAPongAdvertisingIPMI() throws {
        let bmc = try TestBMC()
        let ping = ByteBuffer(bytes: [0x06, 0x00, 0xFF, 0x06, 0x00, 0x00, 0x11, 0xBE, 0x80, 0x2A, 0x00, 0x00])
        let pong = try XCTUnwrap(bmc.send(ping))
        XCTAssertEqual(Array(pong.readableBytesView), [
            0x06, 0x00, 0xFF, 0x06, 0x00, 0x00, 0x11, 0xBE, 0x40, 0x2A, 0x00, 0x10,
            0x00, 0x00, 0x11, 0xBE, 0, 0, 0, 0, 0x81, 0x00, 0, 0, 0, 0, 0, 0,
        ])
    }

    func testRMCPAcknowledgementOnlyWhenTheSequenceAsksForIt() {
        let withSequence = ByteBuffer(bytes: [0x06, 0x00, 0x07, 0x06, 0x00, 0x00, 0x11, 0xBE, 0x80, 0x2A, 0x00, 0x00])
        XCTAssertEqual(RMCPHeader.acknowledgement(for: withSequence).map { Array($0.readableBytesView) },
                       [0x06, 0x00, 0x07, 0x86])
        let ipmi = ByteBuffer(bytes: [0x06, 0x00, 0xFF, 0x07, 0x00])
        XCTAssertNil(RMCPHeader.acknowledgement(for: ipmi))
        XCTAssertNil(RMCPHeader.acknowledgement(for: ByteBuffer(bytes: [0x06, 0x00, 0x07, 0x86])), "an ACK is not acknowledged")
    }

    func testRequestRoundTripsAndChecksumsAreChecked() throws {
        var buffer = ByteBuffer()
        IPMIRequest(netFn: .app, requesterSequence: 5, command: 0x38, data: ByteBuffer(bytes: [0x8E, 0x04])).write(to: &buffer)
        XCTAssertEqual(Array(buffer.readableBytesView), [0x20, 0x18, 0xC8, 0x81, 0x14, 0x38, 0x8E, 0x04, 0xA1])
        let parsed = try IPMIRequest.parse(buffer)
        XCTAssertEqual(parsed.key, CommandKey(.app, 0x38))
        XCTAssertEqual(parsed.requesterSequence, 5)
        XCTAssertEqual(Array(parsed.data.readableBytesView), [0x8E, 0x04])

        var corrupt = buffer
        corrupt.setInteger(UInt8(0x05), at: 7)
        XCTAssertThrowsError(try IPMIRequest.parse(corrupt)) { XCTAssertEqual($0 as? FrameError, .badChecksum) }
    }

    func testOpenSessionRequestRoundTrips() {
        var buffer = ByteBuffer()
        let request = OpenSessionRequest(messageTag: 7, requestedPrivilege: 4, consoleSessionID: 0xA0A2A3A4,
                                         authentication: 1, integrity: 1, confidentiality: 1)
        request.write(to: &buffer)
        XCTAssertEqual(buffer.readableBytes, 32)
        XCTAssertEqual(OpenSessionRequest.parse(buffer), request)
    }

    func testTruncatedFramesAreRejected() {
        let full: [UInt8] = [0x06, 0x00, 0xFF, 0x07, 0x06, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0x20, 0x00]
        for length in 0..<full.count {
            XCTAssertThrowsError(try RMCPFrame.parse(ByteBuffer(bytes: full.prefix(length))), "length \(length)")
        }
    }
}

import Foundation
@testable import IPMICore
import Logging
import NIOCore
import XCTest

/// The console side of a line card's session to its management module: besides its own
/// requests, it takes the MM's requests in the session (integrity, replay window, decryption)
/// and answers them with its own next sequence number.
final class LineCardConsoleTests: XCTestCase {
    /// A packet as the MM sends it in the console's session: the console's session ID, the MM's
    /// outbound sequence number, protected with the session's keys (symmetric, so the
    /// console's own protection makes it).
    private func packetFromManagedSystem(_ console: RMCPPlusConsole, sequence: UInt32, message: ByteBuffer) -> ByteBuffer {
        RMCPPlusConsole.packet(message, protection: console.protection!, sessionID: console.consoleSessionID, sequence: sequence)
    }

    private func bridgedRequest(sequence rqSeq: UInt8 = 9) -> ByteBuffer {
        var message = ByteBuffer()
        let bridged = LinkBridgedRequest(privilege: .user, netFn: .app, lun: 0, command: 0x01, data: [])
        IPMIRequest(responderAddress: 0x81, netFn: ChassisLink.netFn, requesterAddress: 0x20, requesterSequence: rqSeq,
                    command: ChassisLink.Command.bridgedRequest.rawValue, data: ByteBuffer(bytes: bridged.linkData))
            .write(to: &message)
        return message
    }

    /// Opens what the MM would see of a packet the console sent: its sequence and IPMI message.
    private func openFromConsole(_ console: RMCPPlusConsole, _ datagram: ByteBuffer) throws -> (sequence: UInt32, message: ByteBuffer) {
        guard case .rmcpPlus(_, let packet) = try RMCPFrame.parse(datagram) else { throw NoAnswer() }
        XCTAssertEqual(packet.sessionID, console.managedSessionID)
        XCTAssertTrue(console.protection!.verify(packet))
        return (packet.sequence, try XCTUnwrap(console.protection!.decrypt(packet.payload)))
    }

    func testTakesTheManagedSystemsRequestAndAnswersWithItsOwnNextSequence() throws {
        for suite: UInt8 in [3, 17] {
            let bmc = try TestBMC()
            var console = try bmc.openSession(suite: suite)
            // Two requests of its own first: the console's sequence is at 2.
            XCTAssertEqual(try bmc.call(&console, .app, 0x01).completionCode, .ok)
            XCTAssertEqual(try bmc.call(&console, .app, 0x01).completionCode, .ok)

            guard case .request(let request) = try console.receive(packetFromManagedSystem(console, sequence: 5, message: bridgedRequest()))
            else { return XCTFail("suite \(suite): not a request") }
            XCTAssertEqual(request.netFn, ChassisLink.netFn)
            XCTAssertEqual(request.command, ChassisLink.Command.bridgedRequest.rawValue)
            XCTAssertEqual(request.requesterAddress, 0x20)
            XCTAssertEqual(request.requesterSequence, 9)
            var reader = RequestReader(request.data)
            XCTAssertEqual(try LinkBridgedRequest(from: &reader),
                           LinkBridgedRequest(privilege: .user, netFn: .app, lun: 0, command: 0x01, data: []))

            let answer = LinkBridgedResponse(completionCode: 0x00, data: [0x20, 0x01])
            let (sequence, message) = try openFromConsole(console, try console.respond(to: request, completionCode: .ok, data: answer.linkData))
            XCTAssertEqual(sequence, 3, "suite \(suite): the console's next session sequence number")
            let response = try IPMIResponse.parse(message)
            XCTAssertEqual(response.netFn, ChassisLink.netFn.responseCode)
            XCTAssertEqual(response.command, ChassisLink.Command.bridgedRequest.rawValue)
            XCTAssertEqual(response.requesterSequence, 9)
            XCTAssertEqual(response.completionCode, .ok)
            XCTAssertEqual(LinkBridgedResponse.parse(response.data), answer)
            XCTAssertEqual(message.getInteger(at: message.readerIndex, as: UInt8.self), 0x20, "to the MM's requester address")

            // The console's own requests go on after it, and the BMC still takes them.
            XCTAssertEqual(try bmc.call(&console, .app, 0x01).completionCode, .ok)
        }
    }

    func testAFailedAnswerCarriesNoData() throws {
        let bmc = try TestBMC()
        var console = try bmc.openSession(suite: 17)
        guard case .request(let request) = try console.receive(packetFromManagedSystem(console, sequence: 1, message: bridgedRequest()))
        else { return XCTFail("not a request") }
        let (_, message) = try openFromConsole(console, try console.respond(to: request, completionCode: .invalidCommand, data: [1, 2]))
        let response = try IPMIResponse.parse(message)
        XCTAssertEqual(response.completionCode, .invalidCommand)
        XCTAssertEqual(response.data.readableBytes, 0)
    }

    func testReplaysAndNumbersOutsideTheWindowAreRefused() throws {
        let bmc = try TestBMC()
        var console = try bmc.openSession(suite: 17)
        let first = packetFromManagedSystem(console, sequence: 10, message: bridgedRequest())
        XCTAssertNoThrow(try console.receive(first))
        XCTAssertThrowsError(try console.receive(first)) { XCTAssertEqual($0 as? RMCPPlusConsole.ConsoleError, .replayed) }
        XCTAssertThrowsError(try console.receive(packetFromManagedSystem(console, sequence: 10 + 33, message: bridgedRequest()))) {
            XCTAssertEqual($0 as? RMCPPlusConsole.ConsoleError, .replayed, "too far ahead")
        }
        XCTAssertNoThrow(try console.receive(packetFromManagedSystem(console, sequence: 8, message: bridgedRequest())), "late, not seen")
        XCTAssertThrowsError(try console.receive(packetFromManagedSystem(console, sequence: 0, message: bridgedRequest())))
    }

    func testAForgedPacketIsRefusedWithoutMovingTheWindow() throws {
        let bmc = try TestBMC()
        var console = try bmc.openSession(suite: 17)
        let genuine = packetFromManagedSystem(console, sequence: 3, message: bridgedRequest())
        var forged = genuine
        let last = forged.writerIndex - 1
        forged.setInteger(forged.getInteger(at: last, as: UInt8.self)! ^ 0x01, at: last)
        XCTAssertThrowsError(try console.receive(forged)) { XCTAssertEqual($0 as? RMCPPlusConsole.ConsoleError, .badAuthCode) }
        XCTAssertNoThrow(try console.receive(genuine), "the forgery did not use up the genuine packet's number")

        // Another session's packet, or one outside any session, is not this session's.
        var other = try bmc.openSession(suite: 17)
        XCTAssertThrowsError(try console.receive(packetFromManagedSystem(other, sequence: 4, message: bridgedRequest())))
        XCTAssertThrowsError(try other.receive(RMCPPlusConsole.sessionless(.app, 0x01)))
    }

    func testTheManagedSystemsResponsesComeThroughReceive() throws {
        let bmc = try TestBMC()
        var console = try bmc.openSession(suite: 17)
        let answer = try XCTUnwrapAnswer(bmc.send(try console.request(.app, 0x01)))
        guard case .response(let response) = try console.receive(answer) else { return XCTFail("not a response") }
        XCTAssertEqual(response.command, 0x01)
        XCTAssertEqual(response.completionCode, .ok)
        XCTAssertThrowsError(try console.receive(answer)) { XCTAssertEqual($0 as? RMCPPlusConsole.ConsoleError, .replayed) }
    }

    func testARetransmissionKeepsItsRequesterSequenceUnderANewSessionSequence() throws {
        let bmc = try TestBMC()
        var console = try bmc.openSession(suite: 17)
        let number = console.nextRequesterSequence()
        for _ in 0..<2 {
            let answer = try XCTUnwrapAnswer(bmc.send(try console.request(.app, 0x01, [], requesterSequence: number)))
            guard case .response(let response) = try console.receive(answer) else { return XCTFail("not a response") }
            XCTAssertEqual(response.requesterSequence, number)
        }
    }

    func testANotEstablishedConsoleReceivesNothing() {
        var console = RMCPPlusConsole(suite: CipherSuite.supported(id: 17)!, userName: Array("admin".utf8), password: Array("admin".utf8))
        XCTAssertThrowsError(try console.receive(RMCPPlusConsole.sessionless(.app, 0x01))) {
            XCTAssertEqual($0 as? RMCPPlusConsole.ConsoleError, .notEstablished)
        }
    }
}

/// A line card's SEL numbers: 1, 2, 3 ..., the same for the same entry after a restart, never
/// reused after a clear.
final class LineCardSELNumberingTests: XCTestCase {
    private var directory = ""

    override func setUp() {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("ipmigod-lcsel-\(UUID().uuidString)").path
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func openSEL() throws -> SELStore {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return try SELStore(directory: directory, configuration: SELConfiguration(capacity: 64, overwritesWhenFull: true),
                            logger: logger, systemTime: { 1_700_000_000 })
    }

    private func event(_ sensor: UInt8) -> PlatformEvent {
        PlatformEvent(sensorType: 0x01, sensorNumber: sensor, isDeassertion: false, eventReadingType: 0x01,
                      eventData1: 0x57, eventData2: sensor, eventData3: 0x40)
    }

    private func numbers(_ sel: SELStore, confirmed: UInt32 = 0) throws -> [UInt32] {
        var numbering = try LineCardSELNumbering(store: StateStore(directory: directory))
        return try numbering.unconfirmed(sel.latestEntries(sel.entryCount), lastAssignedRecordID: sel.lastAssignedRecordID,
                                         confirmed: confirmed).map(\.sequence)
    }

    func testNumbersAreStableAcrossRestartsAndNeverReusedAfterAClear() throws {
        var sel = try openSEL()
        XCTAssertEqual(try numbers(sel), [])
        for sensor: UInt8 in 1...3 { _ = try sel.add(event(sensor)) }
        XCTAssertEqual(try numbers(sel), [1, 2, 3])
        XCTAssertEqual(try numbers(sel, confirmed: 2), [3])

        sel = try openSEL() // a restart
        XCTAssertEqual(try numbers(sel), [1, 2, 3])
        try sel.clear()
        XCTAssertEqual(try numbers(sel), [])
        _ = try sel.add(event(4))
        sel = try openSEL()
        XCTAssertEqual(try numbers(sel, confirmed: 3), [4], "after a clear and a restart, on from where it was")
        _ = try sel.delete(0xFFFF)
        _ = try sel.add(event(5))
        XCTAssertEqual(try numbers(sel, confirmed: 4), [5], "a deleted entry's number is not reused")
    }

    func testAManagementModuleThatKnowsMoreNumbersWhatComesNextAboveIt() throws {
        let sel = try openSEL()
        _ = try sel.add(event(1))
        XCTAssertEqual(try numbers(sel), [1])
        // The card's state was wiped, the MM remembers 40 entries: the next one is 41, not 2.
        XCTAssertEqual(try numbers(sel, confirmed: 40), [])
        _ = try sel.add(event(2))
        XCTAssertEqual(try numbers(sel, confirmed: 40), [41])
    }

    func testSerialDistanceAcrossTheRecordIDWrap() {
        XCTAssertEqual(LineCardSELNumbering.distance(from: 0xFFFE, to: 1), 1)
        XCTAssertEqual(LineCardSELNumbering.distance(from: 1, to: 0xFFFE), -1)
        XCTAssertEqual(LineCardSELNumbering.distance(from: 100, to: 90), -10)
        XCTAssertEqual(LineCardSELNumbering.distance(from: 0xFFF0, to: 0x0010), 30, "14 to FFFEh, 16 on to 0010h")
    }
}

import IPMICore
import NIOCore
import XCTest

/// The BMC's session handling, driven in-process by the console-side client.
final class SessionTests: XCTestCase {
    func testEveryConfiguredCipherSuiteOpensASessionAndAnswers() throws {
        let bmc = try TestBMC(maximumSessions: 16)
        for suite in CipherSuite.supported where suite.id != 0 {
            var console = try bmc.openSession(suite: suite.id)
            let response = try bmc.call(&console, .app, 0x01)
            XCTAssertEqual(response.completionCode, .ok, "suite \(suite.id)")
            XCTAssertEqual(response.data.getInteger(at: response.data.readerIndex + 9, endianness: .little, as: UInt16.self),
                           0x1234, "product ID, suite \(suite.id)")
        }
    }

    func testTwentyBytePasswordsWork() throws {
        let bmc = try TestBMC()
        var console = try bmc.openSession(suite: 17, user: "watcher", password: "watcher-password-20b", privilege: .user)
        XCTAssertEqual(try bmc.call(&console, .app, 0x01).completionCode, .ok)
    }

    func testReplayedAndTamperedPacketsAreDropped() throws {
        let bmc = try TestBMC()
        var console = try bmc.openSession(suite: 3)
        let request = try console.request(.app, 0x01)
        XCTAssertNotNil(bmc.send(request))
        XCTAssertNil(bmc.send(request), "the same sequence number twice is a replay")

        var tampered = try console.request(.app, 0x01)
        tampered.setInteger(tampered.getInteger(at: 20, as: UInt8.self)! ^ 0x01, at: 20)
        XCTAssertNil(bmc.send(tampered), "a flipped bit fails the integrity check")
        XCTAssertEqual(try bmc.call(&console, .app, 0x01).completionCode, .ok, "the session goes on")
    }

    func testUnauthenticatedPacketInAnAuthenticatedSessionIsDropped() throws {
        let bmc = try TestBMC()
        let console = try bmc.openSession(suite: 3)
        var plain = ByteBuffer()
        var message = ByteBuffer()
        IPMIRequest(netFn: .app, requesterSequence: 1, command: 0x01, data: ByteBuffer()).write(to: &message)
        var writer = RMCPPlusPacketWriter(buffer: &plain, payloadType: .ipmi, encrypted: false, authenticated: false,
                                          sessionID: console.managedSessionID, sequence: 1)
        plain.writeBuffer(&message)
        _ = writer.endPayload(buffer: &plain)
        XCTAssertNil(bmc.send(plain))
    }

    func testWrongPasswordUnknownUserAndDisabledUserAreRefused() throws {
        let bmc = try TestBMC()
        XCTAssertThrowsError(try bmc.openSession(password: "wrong")) {
            XCTAssertEqual($0 as? RMCPPlusConsole.ConsoleError, .badKeyExchangeCode)
        }
        XCTAssertThrowsError(try bmc.openSession(user: "nobody")) {
            XCTAssertEqual($0 as? RMCPPlusConsole.ConsoleError, .refused(.unauthorizedName))
        }
        XCTAssertThrowsError(try bmc.openSession(user: "off", password: "off", privilege: .user)) {
            XCTAssertEqual($0 as? RMCPPlusConsole.ConsoleError, .refused(.unauthorizedName))
        }
        XCTAssertThrowsError(try bmc.openSession(user: "watcher", password: "watcher-password-20b", privilege: .administrator)) {
            XCTAssertEqual($0 as? RMCPPlusConsole.ConsoleError, .refused(.unauthorizedRole), "above the user's limit")
        }
        _ = try bmc.openSession()
    }

    func testDisabledCipherSuiteGetsNoCipherSuiteMatch() throws {
        let bmc = try TestBMC(suites: [3, 17])
        XCTAssertThrowsError(try bmc.openSession(suite: 1)) {
            XCTAssertEqual($0 as? RMCPPlusConsole.ConsoleError, .refused(.noCipherSuiteMatch))
        }
        XCTAssertThrowsError(try bmc.openSession(suite: 0)) {
            XCTAssertEqual($0 as? RMCPPlusConsole.ConsoleError, .refused(.noCipherSuiteMatch), "suite 0 only when configured")
        }
    }

    func testSessionLimitAndIdleTimeout() throws {
        let bmc = try TestBMC(maximumSessions: 2)
        var first = try bmc.openSession()
        _ = try bmc.openSession()
        XCTAssertThrowsError(try bmc.openSession()) {
            XCTAssertEqual($0 as? RMCPPlusConsole.ConsoleError, .refused(.insufficientResources))
        }
        bmc.now = bmc.now + .seconds(61)
        bmc.bmc.tick(now: bmc.now)
        XCTAssertNil(bmc.send(try first.request(.app, 0x01)), "an idle session is gone")
        _ = try bmc.openSession()
    }

    func testCloseSessionEndsTheSession() throws {
        let bmc = try TestBMC()
        var console = try bmc.openSession()
        let id = console.managedSessionID
        let close = try bmc.call(&console, .app, 0x3C, [UInt8(id & 0xFF), UInt8(id >> 8 & 0xFF), UInt8(id >> 16 & 0xFF), UInt8(id >> 24)])
        XCTAssertEqual(close.completionCode, .ok)
        XCTAssertNil(bmc.send(try console.request(.app, 0x01)))
    }

    func testSessionlessRequestsAreLimitedToPreSessionCommands() throws {
        let bmc = try TestBMC()
        let deviceID = try RMCPPlusConsole.sessionlessResponse(try XCTUnwrapAnswer(bmc.send(RMCPPlusConsole.sessionless(.app, 0x01))))
        XCTAssertEqual(deviceID.completionCode, .insufficientPrivilege)
        let ciphers = try RMCPPlusConsole.sessionlessResponse(
            try XCTUnwrapAnswer(bmc.send(RMCPPlusConsole.sessionless(.app, 0x54, [0x0E, 0x00, 0x80]))))
        XCTAssertEqual(ciphers.completionCode, .ok)
        XCTAssertEqual(Array(ciphers.data.readableBytesView.prefix(6)), [0x01, 0xC0, 0x01, 0x01, 0x40, 0x80])
    }

    func testCompletionCodesForBadRequests() throws {
        let bmc = try TestBMC()
        var console = try bmc.openSession()
        XCTAssertEqual(try bmc.call(&console, .app, 0xEE).completionCode, .invalidCommand)
        XCTAssertEqual(try bmc.call(&console, NetFn(0x30), 0x01).completionCode, .invalidCommand)
        XCTAssertEqual(try bmc.call(&console, .app, 0x01, [0x00]).completionCode, .requestDataLengthInvalid)
        XCTAssertEqual(try bmc.call(&console, .app, 0x41, [0x01, 0x00]).completionCode, .invalidDataField)
        XCTAssertEqual(try bmc.call(&console, .app, 0x46, [0x3F]).completionCode, .invalidDataField)

        var user = try bmc.openSession(suite: 3, user: "watcher", password: "watcher-password-20b", privilege: .user)
        XCTAssertEqual(try bmc.call(&user, .app, 0x45, [0x05] + Array(repeating: 0x41, count: 16)).completionCode,
                       .insufficientPrivilege)
    }

    func testUserChangesSurviveARestart() throws {
        let first = try TestBMC()
        var console = try first.openSession()
        let name = Array("carol".utf8) + [UInt8](repeating: 0, count: 11)
        XCTAssertEqual(try first.call(&console, .app, 0x45, [0x06] + name).completionCode, .ok)
        XCTAssertEqual(try first.call(&console, .app, 0x47, [0x06, 0x02] + Array("pw".utf8) + [UInt8](repeating: 0, count: 14)).completionCode, .ok)
        XCTAssertEqual(try first.call(&console, .app, 0x43, [0x01, 0x06, 0x03]).completionCode, .ok)
        XCTAssertEqual(try first.call(&console, .app, 0x47, [0x06, 0x01]).completionCode, .ok)

        let second = try TestBMC(stateDirectory: first.stateDirectory)
        var carol = try second.openSession(user: "carol", password: "pw", privilege: .operator)
        XCTAssertEqual(try second.call(&carol, .app, 0x01).completionCode, .ok)
    }

    func testHostileDatagramsNeverCrash() throws {
        let bmc = try TestBMC()
        var console = try bmc.openSession(suite: 17)
        let valid = [try console.request(.app, 0x01), RMCPPlusConsole.sessionless(.app, 0x38, [0x8E, 0x04]),
                     console.openSessionRequest()]
        var generator = SystemRandomNumberGenerator()
        for round in 0..<20_000 {
            var bytes = Array(valid[round % valid.count].readableBytesView)
            switch round % 4 {
            case 0: bytes = (0..<Int.random(in: 0...80, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            case 1: bytes = Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &generator)))
            case 2: bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            default: bytes.append(contentsOf: (0..<Int.random(in: 1...40, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) })
            }
            _ = bmc.send(ByteBuffer(bytes: bytes))
        }
        XCTAssertEqual(try bmc.call(&console, .app, 0x01).completionCode, .ok)
    }
}

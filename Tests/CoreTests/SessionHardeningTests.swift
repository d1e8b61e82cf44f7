@testable import IPMICore
import NIOCore
import XCTest

/// Session setup under attack: half-open floods, session slots, bad passwords, settings
/// that must be enforced, users whose access changes under an open session.
final class SessionHardeningTests: XCTestCase {
    let attacker = RemoteConsole(ipv4: [10, 0, 0, 66], port: 50000)

    // MARK: Half-open setups

    func testOpenSessionFloodFromOneAddressLeavesRoomForAnother() throws {
        let bmc = try TestBMC()
        for index in 0..<200 {
            var flooder = RMCPPlusConsole(suite: CipherSuite.supported(id: 3)!, userName: "admin", password: "x")
            let reply = bmc.send(flooder.openSessionRequest(), from: RemoteConsole(ipv4: [10, 0, 0, 66], port: UInt16(1000 + index)))
            XCTAssertNotNil(reply)
        }
        XCTAssertLessThanOrEqual(bmc.bmc.sessions.handshakes.count, bmc.bmc.sessions.handshakes.sharePerSource,
                                 "one address holds its share, whatever its ports")
        var console = try bmc.openSession()
        XCTAssertEqual(try bmc.call(&console, .app, 0x01).completionCode, .ok)
    }

    func testHandshakeInProgressSurvivesAFloodFromAnotherAddress() throws {
        let bmc = try TestBMC()
        var console = RMCPPlusConsole(suite: CipherSuite.supported(id: 17)!, userName: "admin", password: "admin")
        let rakp1 = try console.rakp1(after: XCTUnwrapAnswer(bmc.send(console.openSessionRequest())))
        for _ in 0..<200 {
            var flooder = RMCPPlusConsole(suite: CipherSuite.supported(id: 3)!, userName: "admin", password: "x")
            _ = bmc.send(flooder.openSessionRequest(), from: attacker)
        }
        let rakp3 = try console.rakp3(after: XCTUnwrapAnswer(bmc.send(rakp1)))
        try console.establish(after: XCTUnwrapAnswer(bmc.send(rakp3)))
    }

    func testFullTableEvictsTheOldestSetupOfTheBusiestAddress() throws {
        let bmc = try TestBMC(maximumSessions: 2) // 8 half-open setups, 2 per address
        for index in 0..<4 {
            var flooder = RMCPPlusConsole(suite: CipherSuite.supported(id: 3)!, userName: "admin", password: "x")
            for _ in 0..<2 { _ = bmc.send(flooder.openSessionRequest(), from: RemoteConsole(ipv4: [10, 0, 1, UInt8(index)], port: 1)) }
        }
        XCTAssertEqual(bmc.bmc.sessions.handshakes.count, 8)
        var console = try bmc.openSession()
        XCTAssertEqual(try bmc.call(&console, .app, 0x01).completionCode, .ok, "the table was full, yet there is room")
    }

    func testGetSessionChallengeFloodFromOneAddressLeavesRoomForAnother() throws {
        let bmc = try TestBMC()
        for _ in 0..<200 {
            let answer = try XCTUnwrapAnswer(bmc.send(legacyGetSessionChallenge(user: "admin"), from: attacker))
            XCTAssertEqual(try legacyCompletionCode(answer), .ok)
        }
        XCTAssertLessThanOrEqual(bmc.bmc.sessions.challenges.count, bmc.bmc.sessions.challenges.sharePerSource)
        let answer = try XCTUnwrapAnswer(bmc.send(legacyGetSessionChallenge(user: "admin")))
        XCTAssertEqual(try legacyCompletionCode(answer), .ok)
        XCTAssertEqual(bmc.bmc.sessions.challenges.entries.values.count { $0.remote == bmc.remote }, 1)
    }

    // MARK: Session slots

    func testPerUserSessionLimitOfSetUserAccess() throws {
        let bmc = try TestBMC()
        var admin = try bmc.openSession()
        // Channel 1 (this channel), user 3, privilege User, at most one session.
        XCTAssertEqual(try bmc.call(&admin, .app, 0x43, [0x0E, 0x03, 0x02, 0x01]).completionCode, .ok)
        XCTAssertEqual(bmc.bmc.users[3]?.sessionLimit, 1)
        _ = try bmc.openSession(suite: 17, user: "watcher", password: "watcher-password-20b", privilege: .user)
        XCTAssertThrowsError(try bmc.openSession(suite: 17, user: "watcher", password: "watcher-password-20b", privilege: .user)) {
            XCTAssertEqual($0 as? RMCPPlusConsole.ConsoleError, .refused(.insufficientResourcesForRole))
        }
        XCTAssertEqual(try bmc.call(&admin, .app, 0x43, [0x0E, 0x03, 0x02, 0x09]).completionCode, .invalidDataField,
                       "more than the BMC's slots")
    }

    func testUserAccountCannotTakeTheLastSlotFromTheAdministrator() throws {
        let bmc = try TestBMC(maximumSessions: 4)
        for _ in 0..<3 {
            _ = try bmc.openSession(suite: 17, user: "watcher", password: "watcher-password-20b", privilege: .user)
        }
        XCTAssertThrowsError(try bmc.openSession(suite: 17, user: "watcher", password: "watcher-password-20b", privilege: .user)) {
            XCTAssertEqual($0 as? RMCPPlusConsole.ConsoleError, .refused(.insufficientResourcesForRole))
        }
        var admin = try bmc.openSession()
        XCTAssertEqual(try bmc.call(&admin, .app, 0x01).completionCode, .ok)
    }

    // MARK: Bad passwords

    func testBadPasswordThresholdLocksTheUserOutForTheLockoutInterval() throws {
        let bmc = try TestBMC()
        var admin = try bmc.openSession()
        // Event on, threshold 3, no reset interval, lockout 6 x 10 s.
        XCTAssertEqual(try bmc.call(&admin, .transport, 0x01, [0x01, 26, 0x01, 3, 0, 0, 6, 0]).completionCode, .ok)
        let selBefore = bmc.bmc.sel.entryCount
        for _ in 0..<3 { try sendWrongPassword(bmc, user: "watcher") }
        XCTAssertThrowsError(try bmc.openSession(suite: 17, user: "watcher", password: "watcher-password-20b", privilege: .user)) {
            XCTAssertEqual($0 as? RMCPPlusConsole.ConsoleError, .refused(.unauthorizedName), "the right password, refused")
        }
        _ = try bmc.openSession() // another user logs in
        XCTAssertEqual(bmc.bmc.sel.entryCount, selBefore + 1, "the session audit event")
        bmc.now = bmc.now + .seconds(61)
        _ = try bmc.openSession(suite: 17, user: "watcher", password: "watcher-password-20b", privilege: .user)
    }

    func testWrongRAKP3CodeCountsAndResetIntervalForgetsOldFailures() throws {
        let bmc = try TestBMC()
        var admin = try bmc.openSession()
        // Threshold 2, reset after 10 s, lockout 10 s.
        XCTAssertEqual(try bmc.call(&admin, .transport, 0x01, [0x01, 26, 0x00, 2, 1, 0, 1, 0]).completionCode, .ok)
        try sendWrongPassword(bmc, user: "watcher", asWrongCode: true)
        bmc.now = bmc.now + .seconds(11)
        try sendWrongPassword(bmc, user: "watcher", asWrongCode: true)
        _ = try bmc.openSession(suite: 17, user: "watcher", password: "watcher-password-20b", privilege: .user)
    }

    func testHandshakesAbandonedAfterRAKP2CountAsBadPasswords() throws {
        let bmc = try TestBMC()
        var admin = try bmc.openSession()
        // Threshold 2, no reset interval, lockout 10 s.
        XCTAssertEqual(try bmc.call(&admin, .transport, 0x01, [0x01, 26, 0x00, 2, 0, 0, 1, 0]).completionCode, .ok)
        // As ipmitool does with a wrong password: RAKP 1, then nothing after RAKP 2.
        for _ in 0..<2 {
            var console = RMCPPlusConsole(suite: CipherSuite.supported(id: 17)!, userName: "watcher", password: "wrong", privilege: .user)
            let rakp1 = try console.rakp1(after: XCTUnwrapAnswer(bmc.send(console.openSessionRequest())))
            XCTAssertThrowsError(try console.rakp3(after: XCTUnwrapAnswer(bmc.send(rakp1))))
        }
        let right = { try bmc.openSession(suite: 17, user: "watcher", password: "watcher-password-20b", privilege: .user) }
        XCTAssertThrowsError(try right(), "two attempts in flight: the threshold is reached")
        bmc.now = bmc.now + .seconds(11)
        bmc.bmc.tick(now: bmc.now) // the two expire: bad passwords, and the lockout starts
        bmc.now = bmc.now + .seconds(5)
        XCTAssertThrowsError(try right(), "locked out")
        bmc.now = bmc.now + .seconds(6)
        _ = try right()
    }

    func testSuccessfulLoginForgivesEarlierAttempts() throws {
        let bmc = try TestBMC()
        var admin = try bmc.openSession()
        XCTAssertEqual(try bmc.call(&admin, .transport, 0x01, [0x01, 26, 0x00, 2, 0, 0, 1, 0]).completionCode, .ok)
        var typo = RMCPPlusConsole(suite: CipherSuite.supported(id: 17)!, userName: "watcher", password: "typo", privilege: .user)
        let rakp1 = try typo.rakp1(after: XCTUnwrapAnswer(bmc.send(typo.openSessionRequest())))
        XCTAssertThrowsError(try typo.rakp3(after: XCTUnwrapAnswer(bmc.send(rakp1))))
        _ = try bmc.openSession(suite: 17, user: "watcher", password: "watcher-password-20b", privilege: .user)
        bmc.now = bmc.now + .seconds(11)
        bmc.bmc.tick(now: bmc.now)
        XCTAssertEqual(bmc.bmc.sessions.badPasswords.failures(3, policy: bmc.bmc.badPasswordPolicy, now: bmc.now), 0)
    }

    func testRAKP1IsThrottledPerAddressWhenHandshakesAreNotFinished() throws {
        let bmc = try TestBMC()
        var refused = 0
        for _ in 0..<40 {
            var harvester = RMCPPlusConsole(suite: CipherSuite.supported(id: 3)!, userName: "admin", password: "x")
            guard let open = bmc.send(harvester.openSessionRequest(), from: attacker),
                  let rakp1 = try? harvester.rakp1(after: open),
                  let rakp2 = bmc.send(rakp1, from: attacker)
            else { continue }
            do {
                _ = try harvester.rakp3(after: rakp2)
            } catch .refused(.insufficientResources) {
                refused += 1
            } catch {}
        }
        XCTAssertGreaterThanOrEqual(refused, 20, "a burst of 16, then nothing while the clock stands still")
        var console = try bmc.openSession() // another address is not held back
        XCTAssertEqual(try bmc.call(&console, .app, 0x01).completionCode, .ok)
    }

    // MARK: Settings enforced

    func testDisabledUsersOpenSessionIsRefusedAtItsNextRequest() throws {
        let bmc = try TestBMC()
        var admin = try bmc.openSession()
        var watcher = try bmc.openSession(suite: 17, user: "watcher", password: "watcher-password-20b", privilege: .user)
        XCTAssertEqual(try bmc.call(&watcher, .app, 0x01).completionCode, .ok)
        XCTAssertEqual(try bmc.call(&admin, .app, 0x47, [0x03, 0x00]).completionCode, .ok) // disable user 3
        XCTAssertNil(bmc.send(try watcher.request(.app, 0x01)))
    }

    func testNoAccessAndNewPasswordEndOpenSessionsButNotTheChangersOwn() throws {
        let bmc = try TestBMC()
        var admin = try bmc.openSession()
        var watcher = try bmc.openSession(suite: 17, user: "watcher", password: "watcher-password-20b", privilege: .user)
        XCTAssertEqual(try bmc.call(&admin, .app, 0x43, [0x0E, 0x03, 0x0F]).completionCode, .ok) // no access
        XCTAssertNil(bmc.send(try watcher.request(.app, 0x01)))

        var adminElsewhere = try bmc.openSession()
        let newPassword = Array("admin2".utf8) + [UInt8](repeating: 0, count: 10)
        XCTAssertEqual(try bmc.call(&admin, .app, 0x47, [0x02, 0x02] + newPassword).completionCode, .ok)
        XCTAssertNil(bmc.send(try adminElsewhere.request(.app, 0x01)), "the admin's other session ends")
        XCTAssertEqual(try bmc.call(&admin, .app, 0x01).completionCode, .ok, "the session that made the change goes on")
    }

    func testLowerPrivilegeLimitLowersOpenSessions() throws {
        let bmc = try TestBMC()
        var admin = try bmc.openSession()
        var operatorSession = try bmc.openSession(privilege: .operator)
        XCTAssertEqual(try bmc.call(&operatorSession, .app, 0x44, [0x0E, 0x02]).completionCode, .ok) // Get User Access: Operator
        XCTAssertEqual(try bmc.call(&admin, .app, 0x43, [0x0E, 0x02, 0x02]).completionCode, .ok) // user 2 now User
        XCTAssertEqual(try bmc.call(&operatorSession, .app, 0x44, [0x0E, 0x02]).completionCode, .insufficientPrivilege)
        XCTAssertEqual(try bmc.call(&operatorSession, .app, 0x3B, [0x03]).completionCode, CompletionCode(0x81),
                       "cannot climb back over the new limit")
        XCTAssertEqual(try bmc.call(&admin, .app, 0x44, [0x0E, 0x02]).completionCode, .insufficientPrivilege,
                       "the session that made the change is the user's too")
    }

    func testEmptyPasswordIsRefused() throws {
        let bmc = try TestBMC()
        var admin = try bmc.openSession()
        XCTAssertEqual(try bmc.call(&admin, .app, 0x47, [0x03, 0x02] + [UInt8](repeating: 0, count: 16)).completionCode,
                       .invalidDataField)
        XCTAssertEqual(bmc.bmc.users[3]?.password, Array("watcher-password-20b".utf8))
    }

    func testLANParameter2DisablesIPMI15AndCapabilitiesSaySo() throws {
        let bmc = try TestBMC()
        var admin = try bmc.openSession()
        var capabilities = try RMCPPlusConsole.sessionlessResponse(XCTUnwrapAnswer(bmc.send(RMCPPlusConsole.sessionless(.app, 0x38, [0x8E, 0x02]))))
        XCTAssertEqual(capabilities.data.getInteger(at: capabilities.data.readerIndex + 1, as: UInt8.self)! & 0x3F, 0x14)
        XCTAssertEqual(try bmc.call(&admin, .transport, 0x01, [0x01, 2, 0, 0, 0, 0, 0]).completionCode, .ok)
        capabilities = try RMCPPlusConsole.sessionlessResponse(XCTUnwrapAnswer(bmc.send(RMCPPlusConsole.sessionless(.app, 0x38, [0x8E, 0x02]))))
        XCTAssertEqual(capabilities.data.getInteger(at: capabilities.data.readerIndex + 1, as: UInt8.self)! & 0x3F, 0x00,
                       "no IPMI 1.5 type advertised")
        let answer = try XCTUnwrapAnswer(bmc.send(legacyGetSessionChallenge(user: "admin")))
        XCTAssertEqual(try legacyCompletionCode(answer), .invalidDataField)
    }

    func testDisabledChannelRefusesIPMI15() throws {
        let bmc = try TestBMC()
        var admin = try bmc.openSession()
        XCTAssertEqual(try bmc.call(&admin, .app, 0x40, [0x01, 0x80, 0x00]).completionCode, .ok) // volatile: disabled
        let answer = try XCTUnwrapAnswer(bmc.send(legacyGetSessionChallenge(user: "admin")))
        XCTAssertEqual(try legacyCompletionCode(answer), CompletionCode(0xD5))
    }

    // MARK: Datagram sizes

    func testLongRequestIsAnsweredAndOversizedDatagramDropped() throws {
        let bmc = try TestBMC()
        var admin = try bmc.openSession(suite: 17)
        let request = try admin.request(.storage, 0x12, [0, 0, 0] + [UInt8](repeating: 0xA5, count: 330))
        XCTAssertGreaterThan(request.readableBytes, 400)
        let response = try admin.response(XCTUnwrapAnswer(bmc.send(request)))
        XCTAssertEqual(response.completionCode, CompletionCode(0xC8), "over Write FRU Data's limit, and said so")
        XCTAssertNil(bmc.send(ByteBuffer(bytes: [UInt8](repeating: 0x06, count: DatagramLimits.maximumSize + 1))))
        XCTAssertEqual(bmc.bmc.drops.counts["oversized datagram"], 1)
    }

    // MARK: Helpers

    /// A bad password as ipmitool reports it (RAKP 3 saying our RAKP 2 code was wrong), or
    /// as a client that skips the check would send it (RAKP 3 with a wrong code).
    private func sendWrongPassword(_ bmc: TestBMC, user: String, asWrongCode: Bool = false) throws {
        var console = RMCPPlusConsole(suite: CipherSuite.supported(id: 17)!, userName: user, password: "wrong", privilege: .user)
        let rakp1 = try console.rakp1(after: XCTUnwrapAnswer(bmc.send(console.openSessionRequest())))
        _ = try XCTUnwrapAnswer(bmc.send(rakp1))
        var payload = ByteBuffer()
        RAKPMessage3(messageTag: 9, status: asWrongCode ? .ok : .invalidIntegrityCheckValue,
                     managedSessionID: console.managedSessionID,
                     keyExchangeAuthCode: asWrongCode ? [UInt8](repeating: 7, count: 32) : []).write(to: &payload)
        var packet = ByteBuffer()
        var writer = RMCPPlusPacketWriter(buffer: &packet, payloadType: .rakp3, encrypted: false, authenticated: false,
                                          sessionID: 0, sequence: 0)
        packet.writeBuffer(&payload)
        _ = writer.endPayload(buffer: &packet)
        _ = bmc.send(packet)
    }

    private func legacyGetSessionChallenge(user: String) -> ByteBuffer {
        let name = Array(user.utf8) + [UInt8](repeating: 0, count: 16 - user.utf8.count)
        var message = ByteBuffer()
        IPMIRequest(netFn: .app, requesterSequence: 1, command: 0x39, data: ByteBuffer(bytes: [0x02] + name)).write(to: &message)
        var packet = ByteBuffer()
        IPMI15Packet.write(authType: .none, sequence: 0, sessionID: 0, authCode: nil, message: message, to: &packet)
        return packet
    }

    private func legacyCompletionCode(_ answer: ByteBuffer) throws -> CompletionCode {
        guard case .ipmi15(_, let packet) = try RMCPFrame.parse(answer) else { throw NoAnswer() }
        return try IPMIResponse.parse(packet.message).completionCode
    }
}

extension TestBMC {
    /// Sends one datagram from another console; returns the answer, or nil.
    func send(_ datagram: ByteBuffer, from remote: RemoteConsole) -> ByteBuffer? {
        var output = ByteBuffer()
        return bmc.handleDatagram(datagram, from: remote, now: now, into: &output) != .none ? output : nil
    }
}

@testable import IPMICore
import NIOCore
import XCTest

/// The bookkeeping behind the login defences, on its own: the lockout of LAN parameter 26,
/// the RAKP 1 budget per address, and the half-open table's fair share.
final class LoginLimitTests: XCTestCase {
    let start = NIODeadline.uptimeNanoseconds(1_000_000_000_000)

    func testParameter26Decoding() {
        let policy = BadPasswordPolicy(parameter: [0x01, 5, 0x0C, 0x00, 0x2C, 0x01])
        XCTAssertTrue(policy.generatesEvent)
        XCTAssertEqual(policy.threshold, 5)
        XCTAssertEqual(policy.resetInterval, .seconds(120))
        XCTAssertEqual(policy.lockoutInterval, .seconds(3000))
        XCTAssertNil(BadPasswordPolicy(parameter: [0, 3, 0, 0, 0, 0]).lockoutInterval)
        XCTAssertEqual(BadPasswordPolicy(parameter: []).threshold, 0, "nothing set: no lockout")
    }

    func testLockoutWithoutIntervalLastsUntilCleared() {
        var lockout = BadPasswordLockout()
        let policy = BadPasswordPolicy(parameter: [0, 2, 0, 0, 0, 0])
        XCTAssertFalse(lockout.recordFailure(3, policy: policy, now: start))
        XCTAssertTrue(lockout.recordFailure(3, policy: policy, now: start))
        XCTAssertTrue(lockout.isLockedOut(3, now: start + .hours(24)))
        XCTAssertFalse(lockout.isLockedOut(4, now: start), "other users are not touched")
        lockout.clear(3) // re-enabled, or a new password
        XCTAssertFalse(lockout.isLockedOut(3, now: start + .hours(24)))
    }

    func testThresholdZeroNeverLocks() {
        var lockout = BadPasswordLockout()
        let off = BadPasswordPolicy(parameter: [0, 0, 0, 0, 0, 0])
        for _ in 0..<100 { XCTAssertFalse(lockout.recordFailure(3, policy: off, now: start)) }
        XCTAssertFalse(lockout.isLockedOut(3, now: start))
    }

    func testRateLimiterBurstRefillAndRefundPerAddress() {
        var limiter = SourceRateLimiter(burst: 3, perSecond: 1)
        let one = RemoteConsole(ipv4: [10, 0, 0, 1], port: 1000)
        let samePortLater = RemoteConsole(ipv4: [10, 0, 0, 1], port: 2000)
        let other = RemoteConsole(ipv4: [10, 0, 0, 2], port: 1000)
        XCTAssertEqual((0..<5).map { _ in limiter.allow(one, now: start) }, [true, true, true, false, false])
        XCTAssertFalse(limiter.allow(samePortLater, now: start), "counted by address, not port")
        XCTAssertTrue(limiter.allow(other, now: start))
        XCTAssertTrue(limiter.allow(one, now: start + .seconds(1)))
        XCTAssertFalse(limiter.allow(one, now: start + .seconds(1)))
        limiter.refund(one)
        XCTAssertTrue(limiter.allow(one, now: start + .seconds(1)))
    }

    func testRateLimiterForgetsTheStalestAddressWhenFull() {
        var limiter = SourceRateLimiter(burst: 1, perSecond: 1, maximumSources: 2)
        let first = RemoteConsole(ipv4: [10, 0, 0, 1], port: 1)
        XCTAssertTrue(limiter.allow(first, now: start))
        XCTAssertTrue(limiter.allow(RemoteConsole(ipv4: [10, 0, 0, 2], port: 1), now: start + .milliseconds(1)))
        XCTAssertTrue(limiter.allow(RemoteConsole(ipv4: [10, 0, 0, 3], port: 1), now: start + .milliseconds(2)))
        XCTAssertTrue(limiter.allow(first, now: start + .milliseconds(3)), "forgotten: a full bucket again")
    }

    func testHalfOpenShareAndEviction() {
        var table = HalfOpenSetups<PendingChallenge>(capacity: 16) // 2 per address
        func challenge(_ host: UInt8, _ age: Int64) -> PendingChallenge {
            PendingChallenge(temporarySessionID: 0, challenge: [], authType: .md5, userID: 2,
                             remote: RemoteConsole(ipv4: [10, 0, 0, host], port: UInt16(age)), created: start + .seconds(age))
        }
        XCTAssertNil(table.insert(challenge(1, 0), id: 1))
        XCTAssertNil(table.insert(challenge(1, 1), id: 2))
        XCTAssertEqual(table.insert(challenge(1, 2), id: 3)?.created, start, "its own oldest goes")
        for host in 2...8 {
            XCTAssertNil(table.insert(challenge(UInt8(host), 10), id: UInt32(host) * 10))
            XCTAssertNil(table.insert(challenge(UInt8(host), 11), id: UInt32(host) * 10 + 1))
        }
        XCTAssertEqual(table.count, 16)
        let evicted = table.insert(challenge(9, 20), id: 90)
        XCTAssertEqual(evicted?.remote.ipv4, [10, 0, 0, 1], "the oldest of the busiest addresses")
        XCTAssertEqual(table.expire(now: start + .seconds(25), timeout: .seconds(10)).count, 15)
        XCTAssertEqual(table.count, 1)
    }
}

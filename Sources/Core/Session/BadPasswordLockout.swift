import NIOCore

/// LAN parameter 26 (IPMI 2.0 table 23-4), decoded: after `threshold` bad passwords in a row
/// a user is locked out for `lockoutInterval` (nil: until an administrator re-enables the user
/// or sets its password); the count of bad passwords is forgotten `resetInterval` after the
/// first one (nil: kept until a successful login).
public struct BadPasswordPolicy: Equatable, Sendable {
    public var generatesEvent: Bool
    /// Zero disables the lockout.
    public var threshold: UInt8
    public var resetInterval: TimeAmount?
    public var lockoutInterval: TimeAmount?

    /// From the parameter's six bytes: event flag, threshold, then the two intervals in tens
    /// of seconds, least significant byte first.
    public init(parameter data: [UInt8]) {
        func interval(_ at: Int) -> TimeAmount? {
            guard data.count >= at + 2 else { return nil }
            let tens = Int64(data[at]) | Int64(data[at + 1]) << 8
            return tens == 0 ? nil : .seconds(tens * 10)
        }
        generatesEvent = (data.first ?? 0) & 0x01 != 0
        threshold = data.count > 1 ? data[1] : 0
        resetInterval = interval(2)
        lockoutInterval = interval(4)
    }
}

/// Bad passwords per user and the lockouts they earn. Counted as bad passwords: IPMI 1.5
/// Activate Session with a wrong auth code; RAKP 3 with a wrong key exchange code, or saying
/// our RAKP 2 code was wrong; and an RMCP+ handshake that got its RAKP 2 and never finished
/// (ipmitool 1.8.19 and freeipmi find a wrong password by checking RAKP 2 and just stop, so
/// the BMC hears of it no other way; a hash harvester stops there too). Such a handshake
/// counts from its RAKP 1 (`PendingHandshake.isAttempt`): attempts in flight and failures
/// together may not pass the threshold, so a harvester gets at most `threshold` RAKP 2 codes
/// of a user per lockout. A successful login forgives them all. Not counted: RAKP 1 for an
/// unknown name (no user to count against; the RAKP 1 budget per address bounds it).
/// In memory only: a restart forgets it.
public struct BadPasswordLockout {
    private struct Record {
        var failures = 0
        var firstFailure: NIODeadline
        /// Set once locked; `.distantFuture` when the lockout has no interval.
        var lockedUntil: NIODeadline?
    }

    /// Bounded by the user table: one record per user ID.
    private var records: [UInt8: Record] = [:]

    public init() {}

    /// Bad passwords counted for the user and not yet forgotten by the reset interval.
    public func failures(_ userID: UInt8, policy: BadPasswordPolicy, now: NIODeadline) -> Int {
        guard let record = records[userID] else { return 0 }
        if let until = record.lockedUntil {
            return now < until ? record.failures : 0 // a lockout served starts the count again
        }
        if let reset = policy.resetInterval, now - record.firstFailure > reset { return 0 }
        return record.failures
    }

    public func isLockedOut(_ userID: UInt8, now: NIODeadline) -> Bool {
        guard let until = records[userID]?.lockedUntil else { return false }
        return now < until
    }

    /// Counts a bad password; returns true when it locks the user out.
    public mutating func recordFailure(_ userID: UInt8, policy: BadPasswordPolicy, now: NIODeadline) -> Bool {
        guard policy.threshold > 0 else { return false }
        var record = records[userID] ?? Record(firstFailure: now)
        if let until = record.lockedUntil {
            guard now >= until else { return false } // already locked
            record = Record(firstFailure: now)
        }
        if let reset = policy.resetInterval, now - record.firstFailure > reset {
            record = Record(firstFailure: now)
        }
        record.failures += 1
        var locked = false
        if record.failures >= Int(policy.threshold) {
            record.lockedUntil = policy.lockoutInterval.map { now + $0 } ?? .distantFuture
            locked = true
        }
        records[userID] = record
        return locked
    }

    /// A successful login, or an administrator re-enabling the user or setting its password.
    public mutating func clear(_ userID: UInt8) {
        records[userID] = nil
    }
}

import NIOCore

/// All sessions of the BMC: active ones, and those being set up, with their limits.
public struct SessionTable {
    public let capacity: Int
    public let idleTimeout: TimeAmount
    /// Half-open sessions expire fast, so a flood of Open Session requests cannot hold slots.
    public let setupTimeout: TimeAmount = .seconds(10)

    public private(set) var active: [UInt32: Session] = [:]
    var challenges: HalfOpenSetups<PendingChallenge>
    var handshakes: HalfOpenSetups<PendingHandshake>
    /// Bad passwords per user, and the lockout LAN parameter 26 asks for.
    public internal(set) var badPasswords = BadPasswordLockout()
    /// RAKP 1 per source address: each answer is an HMAC of the user's password that can be
    /// cracked offline (CVE-2013-4786), so they come slowly: 16 at once, then 2 a second.
    /// A handshake whose RAKP 3 proves the password gives its token back, so clients that log
    /// in (a script running ipmitool in a loop) never run short; a harvester, who never
    /// finishes one, does.
    var rakp1Budget = SourceRateLimiter(burst: 16, perSecond: 2)
    /// Login attempts that expired after RAKP 2 without RAKP 3: bad passwords, once settled.
    var abandonedHandshakes: [PendingHandshake] = []
    /// The BMC's random numbers: session IDs, RAKP random numbers, challenges, IV salts.
    var random = SecureRandom()

    public init(capacity: Int, idleTimeout: TimeAmount) {
        self.capacity = capacity
        self.idleTimeout = idleTimeout
        challenges = HalfOpenSetups(capacity: capacity * 4)
        handshakes = HalfOpenSetups(capacity: capacity * 4)
    }

    public var isFull: Bool { active.count >= capacity }

    public func session(id: UInt32) -> Session? { active[id] }

    /// Active sessions in handle order, as Get Session Info counts them.
    public var byHandle: [Session] { active.values.sorted { $0.handle < $1.handle } }

    /// A fresh session ID: random, nonzero, and in use by no session of either kind.
    mutating func newSessionID() -> UInt32 {
        while true {
            let id = UInt32.random(in: 1...UInt32.max, using: &random)
            if active[id] == nil && challenges[id] == nil && handshakes[id] == nil { return id }
        }
    }

    private func freeHandle() -> UInt8? {
        let used = Set(active.values.map(\.handle))
        return (1...UInt8(min(capacity, 63))).first { !used.contains($0) }
    }

    /// Why a session could not be activated.
    public enum Refusal: Error, Equatable {
        /// Every slot is taken.
        case full
        /// The user holds as many sessions as Set User Access allows.
        case userLimit
        /// The last free slot is kept for a user whose privilege limit is Administrator.
        case reservedForAdministrator
    }

    /// Adds an active session for `user`, or refuses: when every slot is taken, when the user
    /// is at the session limit Set User Access gave it, or when only one slot is left and the
    /// user's privilege limit is below Administrator (so no other account can lock the
    /// administrator out by holding every session).
    mutating func activate(
        id: UInt32, kind: Session.Kind, user: UserRecord, remote: RemoteConsole, maximumPrivilege: PrivilegeLevel,
        privilege: PrivilegeLevel, inbound: SequenceWindow, outboundSequence: UInt32, now: NIODeadline
    ) throws(Refusal) -> Session {
        guard !isFull, let handle = freeHandle() else { throw .full }
        if user.sessionLimit != 0, active.values.count(where: { $0.userID == user.id }) >= Int(user.sessionLimit) {
            throw .userLimit
        }
        if capacity >= 2, active.count == capacity - 1, (user.privilegeLimit ?? .none) < .administrator {
            throw .reservedForAdministrator
        }
        let userID = user.id
        let session = Session(id: id, handle: handle, kind: kind, userID: userID, remote: remote,
                              maximumPrivilege: maximumPrivilege, privilege: privilege, inbound: inbound,
                              outboundSequence: outboundSequence, now: now)
        active[id] = session
        return session
    }

    mutating func close(id: UInt32) {
        active[id] = nil
    }

    /// Closes every session of a user but `keeping`; returns those closed.
    @discardableResult
    mutating func close(sessionsOf userID: UInt8, keeping: Session? = nil) -> [Session] {
        let closing = active.values.filter { $0.userID == userID && $0 !== keeping }
        for session in closing { active[session.id] = nil }
        return closing
    }

    /// Closes idle sessions and drops stale setups. Returns the sessions closed.
    @discardableResult
    mutating func expire(now: NIODeadline) -> [Session] {
        let idle = active.values.filter { now - $0.lastActivity > idleTimeout }
        for session in idle { active[session.id] = nil }
        challenges.expire(now: now, timeout: setupTimeout)
        abandonedHandshakes += handshakes.expire(now: now, timeout: setupTimeout).filter(\.isAttempt)
        return idle
    }
}

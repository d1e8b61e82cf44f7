import NIOCore

/// All sessions of the BMC: active ones, and those being set up, with their limits.
public struct SessionTable {
    public let capacity: Int
    public let idleTimeout: TimeAmount
    /// Half-open sessions expire fast, so a flood of Open Session requests cannot hold slots.
    public let setupTimeout: TimeAmount = .seconds(10)

    public private(set) var active: [UInt32: Session] = [:]
    var challenges: [UInt32: PendingChallenge] = [:]
    var handshakes: [UInt32: PendingHandshake] = [:]
    private var random = SystemRandomNumberGenerator()

    public init(capacity: Int, idleTimeout: TimeAmount) {
        self.capacity = capacity
        self.idleTimeout = idleTimeout
    }

    public var isFull: Bool { active.count >= capacity }
    var pendingCapacity: Int { capacity * 4 }

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

    /// Random bytes, eight per call to the system's generator.
    mutating func randomBytes(_ count: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count + 7)
        while bytes.count < count {
            withUnsafeBytes(of: random.next() as UInt64) { bytes.append(contentsOf: $0) }
        }
        return Array(bytes.prefix(count))
    }

    private func freeHandle() -> UInt8? {
        let used = Set(active.values.map(\.handle))
        return (1...UInt8(min(capacity, 63))).first { !used.contains($0) }
    }

    /// Adds an active session, or returns nil when every slot is taken.
    mutating func activate(
        id: UInt32, kind: Session.Kind, userID: UInt8, remote: RemoteConsole, maximumPrivilege: PrivilegeLevel,
        privilege: PrivilegeLevel, inbound: SequenceWindow, outboundSequence: UInt32, now: NIODeadline
    ) -> Session? {
        guard !isFull, let handle = freeHandle() else { return nil }
        let session = Session(id: id, handle: handle, kind: kind, userID: userID, remote: remote,
                              maximumPrivilege: maximumPrivilege, privilege: privilege, inbound: inbound,
                              outboundSequence: outboundSequence, now: now)
        active[id] = session
        return session
    }

    mutating func close(id: UInt32) {
        active[id] = nil
    }

    /// Closes idle sessions and drops stale setups. Returns the sessions closed.
    @discardableResult
    mutating func expire(now: NIODeadline) -> [Session] {
        let idle = active.values.filter { now - $0.lastActivity > idleTimeout }
        for session in idle { active[session.id] = nil }
        challenges = challenges.filter { now - $0.value.created <= setupTimeout }
        handshakes = handshakes.filter { now - $0.value.created <= setupTimeout }
        return idle
    }
}

import NIOCore

/// A session setup between its first message and activation: an IPMI 1.5 challenge or an
/// RMCP+ handshake.
protocol HalfOpenSetup {
    var remote: RemoteConsole { get }
    var created: NIODeadline { get }
}

extension PendingChallenge: HalfOpenSetup {}
extension PendingHandshake: HalfOpenSetup {}

/// The half-open setups of one kind, bounded in total and per source address, so a flood
/// from one address (or a few) cannot keep an operator from logging in:
/// - one address holds at most `sharePerSource` setups; its next one evicts its own oldest;
/// - when the table is full, the next setup evicts the oldest setup of the addresses holding
///   the most (the flooder's, while one address floods).
/// Sources are counted by address, not port: a client picks a new port for every login. An
/// attacker who spoofs many source addresses still fills the table, but only evicts: a
/// legitimate handshake survives as long as `capacity` setups take to arrive after it.
struct HalfOpenSetups<Setup: HalfOpenSetup> {
    let capacity: Int
    let sharePerSource: Int
    private(set) var entries: [UInt32: Setup] = [:]

    init(capacity: Int) {
        self.capacity = max(capacity, 1)
        sharePerSource = max(2, capacity / 8)
    }

    var count: Int { entries.count }

    subscript(id: UInt32) -> Setup? {
        get { entries[id] }
        set { entries[id] = newValue }
    }

    /// Adds a setup, evicting one if its source or the table is at its limit. Returns the
    /// evicted setup, so the caller can log it.
    @discardableResult
    mutating func insert(_ setup: Setup, id: UInt32) -> Setup? {
        let host = setup.remote.host
        var evicted: (id: UInt32, setup: Setup)?
        if ownedCount(by: host) >= sharePerSource {
            evicted = oldest(from: host)
        } else if entries.count >= capacity {
            evicted = oldestOfBusiestHosts()
        }
        if let evicted { entries[evicted.id] = nil }
        entries[id] = setup
        return evicted?.setup
    }

    /// Drops setups older than `timeout`; returns them.
    @discardableResult
    /// Forgets every setup (Warm Reset).
    mutating func removeAll() { entries.removeAll() }

    mutating func expire(now: NIODeadline, timeout: TimeAmount) -> [Setup] {
        let stale = entries.filter { now - $0.value.created > timeout }
        for id in stale.keys { entries[id] = nil }
        return Array(stale.values)
    }

    /// Changes every setup that `matches`.
    mutating func update(where matches: (Setup) -> Bool, _ change: (inout Setup) -> Void) {
        for (id, var setup) in entries where matches(setup) {
            change(&setup)
            entries[id] = setup
        }
    }

    private func ownedCount(by host: RemoteConsole) -> Int {
        entries.values.count { $0.remote.host == host }
    }

    private func oldest(from host: RemoteConsole) -> (id: UInt32, setup: Setup)? {
        oldest { $0.remote.host == host }
    }

    /// The oldest setup of the addresses holding the most (of all, when each holds one).
    private func oldestOfBusiestHosts() -> (id: UInt32, setup: Setup)? {
        var counts: [RemoteConsole: Int] = [:]
        for setup in entries.values { counts[setup.remote.host, default: 0] += 1 }
        let most = counts.values.max() ?? 0
        return oldest { counts[$0.remote.host] == most }
    }

    private func oldest(where matches: (Setup) -> Bool) -> (id: UInt32, setup: Setup)? {
        var found: (id: UInt32, setup: Setup)?
        for (id, setup) in entries where matches(setup) {
            if let oldest = found, oldest.setup.created <= setup.created { continue }
            found = (id, setup)
        }
        return found
    }
}

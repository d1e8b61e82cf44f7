/// The BMC's own counters since start, for the metrics: owned by the BMC and changed on its
/// event loop only; the published snapshot carries a copy. Counters per user are fixed
/// arrays indexed by user ID (0: a name no user has), so a hostile client cannot grow them.
public struct BMCCounters: Sendable {
    public static let userSlots = 64

    /// Requests answered, by netfn, command and completion code.
    public var requests = RequestCounts()
    /// Failed logins, by user ID: a wrong password (RAKP 3, Activate Session, or a setup
    /// abandoned after our RAKP 2, as ipmitool does on a wrong password) or an unknown name
    /// (RAKP 1).
    public private(set) var authenticationFailures = Array(repeating: 0, count: userSlots)
    /// Users locked out after repeated failures, by user ID.
    public private(set) var lockouts = Array(repeating: 0, count: userSlots)
    /// Platform hooks run and failed, by hook name (few, fixed by the config).
    public private(set) var hookRuns: [String: Int] = [:]
    public private(set) var hookFailures: [String: Int] = [:]

    public init() {}

    public mutating func noteAuthenticationFailure(user: UInt8?) {
        authenticationFailures[Self.slot(user)] += 1
    }

    public mutating func noteLockout(user: UInt8?) {
        lockouts[Self.slot(user)] += 1
    }

    public mutating func noteHook(_ name: String, succeeded: Bool) {
        hookRuns[name, default: 0] += 1
        if !succeeded { hookFailures[name, default: 0] += 1 }
    }

    private static func slot(_ user: UInt8?) -> Int {
        guard let user, Int(user) < userSlots else { return 0 }
        return Int(user)
    }
}

import NIOCore

/// IPMI 1.5: a challenge handed out by Get Session Challenge, awaiting Activate Session.
public struct PendingChallenge: Sendable {
    public var temporarySessionID: UInt32
    public var challenge: [UInt8]
    public var authType: AuthenticationType
    public var userID: UInt8
    public var remote: RemoteConsole
    public var created: NIODeadline
}

/// RMCP+: a session between Open Session and RAKP 3.
public struct PendingHandshake {
    public var managedSessionID: UInt32
    public var consoleSessionID: UInt32
    public var suite: CipherSuite
    public var suiteMaximumPrivilege: PrivilegeLevel
    /// What Open Session asked for; zero means the highest the suite and user allow.
    public var requestedPrivilege: UInt8
    public var remote: RemoteConsole
    public var created: NIODeadline
    /// Filled in by RAKP 1.
    public var exchange: RAKPExchange?
    public var userID: UInt8 = 0
    public var grantedPrivilege: PrivilegeLevel = .none
    /// A login attempt for `userID`: RAKP 2 went out with an HMAC of the password. Until it
    /// ends in a session it counts against the bad-password threshold (see `BadPasswordLockout`).
    public var isAttempt = false
    /// The user's key (K_UID) keyed for HMAC by RAKP 1, for RAKP 2, RAKP 3 and (without a BMC
    /// key) the SIK, with the password it was made from: RAKP 3 keys it again if that changed.
    var keyedUserKey: (password: [UInt8], hmac: KeyedAuthentication)?
}

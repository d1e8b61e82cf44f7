import NIOCore

/// What decides whether a login may proceed, shared by the IPMI 1.5 and RMCP+ paths: the
/// authentication types LAN parameter 2 enables, the bad-password lockout of LAN parameter
/// 26, the session slot rules, and ending a user's sessions when its access changes.
extension BMC {
    /// The session audit sensor (type 2Ah) the lockout event names. The BMC has no SDR for
    /// it; the number is outside what the sensor configs use.
    public static let sessionAuditSensorNumber: UInt8 = 0xF0

    // MARK: IPMI 1.5 authentication types

    /// The IPMI 1.5 authentication types enabled at `level` (bits as in LAN parameter 2):
    /// parameter 2 as a client set it (or the config's, until one does), within parameter 1's
    /// support, which is the config's.
    func legacyAuthTypeBits(at level: PrivilegeLevel) -> UInt8 {
        let index: Int
        switch level {
        case .callback: index = 0
        case .user: index = 1
        case .operator: index = 2
        case .administrator: index = 3
        case .oem: index = 4
        default: return 0
        }
        let enables = (try? lan.get(.authTypeEnables, selector: 0, channel: configuration.channel)) ?? []
        guard enables.count > index else { return 0 }
        return enables[index] & configuration.channel.authTypeSupport
    }

    func legacyAuthTypeEnabled(_ type: AuthenticationType, at level: PrivilegeLevel) -> Bool {
        type.supportBit != 0 && legacyAuthTypeBits(at: level) & type.supportBit != 0
    }

    /// Whether any privilege level may use `type`.
    func legacyAuthTypeEnabledAtAnyLevel(_ type: AuthenticationType) -> Bool {
        [PrivilegeLevel.callback, .user, .operator, .administrator].contains { legacyAuthTypeEnabled(type, at: $0) }
    }

    // MARK: Bad passwords

    var badPasswordPolicy: BadPasswordPolicy {
        BadPasswordPolicy(parameter: (try? lan.get(.badPasswordThreshold, selector: 0, channel: configuration.channel)) ?? [])
    }

    /// Whether a login attempt for `user` may go ahead: the user is not locked out, and its
    /// bad passwords and RMCP+ attempts in flight are fewer than the threshold.
    func mayAttemptLogin(_ user: UserRecord, now: NIODeadline) -> Bool {
        guard !sessions.badPasswords.isLockedOut(user.id, now: now) else { return false }
        let policy = badPasswordPolicy
        guard policy.threshold > 0 else { return true }
        let inFlight = sessions.handshakes.entries.values.count { $0.isAttempt && $0.userID == user.id }
        return sessions.badPasswords.failures(user.id, policy: policy, now: now) + inFlight < Int(policy.threshold)
    }

    /// An RMCP+ handshake ended without a session: if it was a login attempt, a bad password.
    func settle(_ handshake: PendingHandshake, _ how: String, now: NIODeadline) {
        guard handshake.isAttempt, let user = users[handshake.userID] else { return }
        noteBadPassword(user, how, from: handshake.remote, now: now)
    }

    /// Handshakes that expired after RAKP 2: bad passwords (see `BadPasswordLockout`).
    func settleAbandonedHandshakes(now: NIODeadline) {
        let abandoned = sessions.abandonedHandshakes
        sessions.abandonedHandshakes.removeAll()
        for handshake in abandoned { settle(handshake, "RMCP+ handshake abandoned after RAKP 2", now: now) }
    }

    /// Counts a bad password for `user`; at the threshold, locks the user out, logs it and, if
    /// parameter 26 asks, logs the session audit event "invalid password disable".
    func noteBadPassword(_ user: UserRecord, _ how: String, from remote: RemoteConsole, now: NIODeadline) {
        drop("bad password", "\(how) for user \(user.id)", from: remote, now: now)
        counters.noteAuthenticationFailure(user: user.id)
        let policy = badPasswordPolicy
        guard sessions.badPasswords.recordFailure(user.id, policy: policy, now: now) else { return }
        counters.noteLockout(user: user.id)
        let interval = policy.lockoutInterval.map { "\($0.nanoseconds / 1_000_000_000) s" } ?? "until re-enabled"
        logger.warning("user locked out after bad passwords", metadata: [
            "user": "\(user.id)", "threshold": "\(policy.threshold)", "lockout": "\(interval)", "remote": "\(remote)",
        ])
        if policy.generatesEvent {
            logEvent(PlatformEvent(
                sensorType: 0x2A, sensorNumber: BMC.sessionAuditSensorNumber, isDeassertion: false, eventReadingType: 0x6F,
                eventData1: 0xF0 | 0x03, // offset 03h, invalid password disable; data 2 and 3 sensor-specific
                eventData2: user.id & 0x3F, eventData3: configuration.channel.number & 0x0F
            ), source: "bad password lockout")
        }
    }

    /// A successful login: the user's bad passwords and other attempts in flight are forgiven.
    func noteLogin(_ user: UserRecord) {
        sessions.badPasswords.clear(user.id)
        sessions.handshakes.update(where: { $0.userID == user.id }) { $0.isAttempt = false }
    }

    // MARK: Sessions

    /// Logs why a session could not be activated.
    func noteRefusal(_ refusal: SessionTable.Refusal, user: UserRecord, from remote: RemoteConsole, now: NIODeadline) {
        let reason = switch refusal {
        case .full: "every session slot taken"
        case .userLimit: "user \(user.id) at its session limit"
        case .reservedForAdministrator: "last slot kept for an administrator, user \(user.id)"
        }
        drop("session refused", reason, from: remote, now: now)
    }

    /// After a change to a user: if the user may no longer log in (disabled, no access, IPMI
    /// messaging off) or has a new password, its open sessions end, except `keeping` (the
    /// session making the change, when it is the user's own: an administrator who changes
    /// their own password keeps the session they did it in). The spec is silent on this;
    /// a session opened with a password that is no longer valid should not outlive it.
    /// A new password or re-enabling the user also lifts a bad-password lockout; a lower
    /// privilege limit lowers the ceiling (and the level) of all the user's open sessions,
    /// `keeping` included.
    func userChanged(from previous: UserRecord, to user: UserRecord, keeping: Session?) {
        let newPassword = previous.password != user.password
        if newPassword || (!previous.enabled && user.enabled) { sessions.badPasswords.clear(user.id) }
        if let limit = user.privilegeLimit, limit < previous.privilegeLimit ?? .none {
            for session in sessions.active.values where session.userID == user.id {
                session.maximumPrivilege = min(session.maximumPrivilege, limit)
                session.privilege = min(session.privilege, limit)
            }
        }
        guard newPassword || (previous.canLogIn && !user.canLogIn) else { return }
        for session in sessions.close(sessionsOf: user.id, keeping: keeping) {
            logger.info("session closed: its user changed", metadata: ["session": "\(session.handle)", "user": "\(user.id)"])
        }
    }
}

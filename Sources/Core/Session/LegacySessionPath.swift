import NIOCore

/// IPMI 1.5 packets: sessionless requests, Activate Session, and requests inside a session.
extension BMC {
    static let activateSessionCommand = CommandKey(.app, 0x3A)

    func handleLegacy(_ packet: IPMI15Packet, from remote: RemoteConsole, now: NIODeadline,
                      into output: inout ByteBuffer) -> Bool {
        let request: IPMIRequest
        do {
            request = try IPMIRequest.parse(packet.message)
        } catch {
            drop("malformed IPMI 1.5 message", "\(error)", from: remote, now: now)
            return false
        }

        if packet.sessionID == 0 {
            guard packet.authType == .none else {
                drop("bad authentication", "sessionless packet with auth type \(packet.authType)", from: remote, now: now)
                return false
            }
            return respond(to: request, context: RequestContext(privilege: .none, session: nil, remote: remote, now: now),
                           wrapping: .sessionless15, into: &output)
        }

        if let session = sessions.session(id: packet.sessionID), case .legacy(let authType) = session.kind {
            return handleInSession(packet, request, session: session, authType: authType, now: now, into: &output)
        }

        if let challenge = sessions.challenges[packet.sessionID], request.key == BMC.activateSessionCommand {
            return handleActivation(packet, request, challenge: challenge, now: now, into: &output)
        }
        drop("unknown session", "IPMI 1.5 session 0x\(String(packet.sessionID, radix: 16))", from: remote, now: now)
        return false
    }

    private func handleInSession(_ packet: IPMI15Packet, _ request: IPMIRequest, session: Session,
                                 authType: AuthenticationType, now: NIODeadline, into output: inout ByteBuffer) -> Bool {
        guard let user = users[session.userID] else { return false }
        let password = user.legacyPassword
        // Disabled or denied access since the session opened: the session ends here.
        guard user.canLogIn else {
            sessions.close(id: session.id)
            drop("session of a user no longer allowed", "session \(session.handle), user \(user.id)", from: session.remote, now: now)
            return false
        }
        // With per-message authentication disabled, packets after activation may be unauthenticated.
        let unauthenticatedAllowed = channelAccess.volatile.perMessageAuthenticationDisabled && packet.authType == .none
        guard packet.authType == authType || unauthenticatedAllowed else {
            drop("bad authentication", "auth type \(packet.authType) in a \(authType) session", from: session.remote, now: now)
            return false
        }
        if packet.authType != .none {
            let expected = LegacyAuthCode.compute(authType, password: password, sessionID: packet.sessionID,
                                                  sequence: packet.sequence, message: packet.message.readableBytesView)
            guard let expected, let received = packet.authCode, constantTimeEquals(expected, received) else {
                drop("bad authentication", "wrong auth code in session \(session.handle)", from: session.remote, now: now)
                return false
            }
        }
        guard session.inbound.accept(packet.sequence) else {
            drop("replayed or stale packet", "sequence \(packet.sequence) in session \(session.handle)", from: session.remote, now: now)
            return false
        }
        session.lastActivity = now
        return respond(to: request, context: RequestContext(privilege: session.privilege, session: session, remote: session.remote, now: now),
                       wrapping: .session15(session, packet.authType, password: password), into: &output)
    }

    private func handleActivation(_ packet: IPMI15Packet, _ request: IPMIRequest, challenge: PendingChallenge,
                                  now: NIODeadline, into output: inout ByteBuffer) -> Bool {
        guard let user = users[challenge.userID], packet.authType == challenge.authType else {
            drop("bad authentication", "Activate Session with auth type \(packet.authType)", from: challenge.remote, now: now)
            return false
        }
        let password = user.legacyPassword
        // Type none (only when the config allows it, which Get Session Challenge checked) has no code.
        if packet.authType != .none {
            let expected = LegacyAuthCode.compute(packet.authType, password: password, sessionID: packet.sessionID,
                                                  sequence: packet.sequence, message: packet.message.readableBytesView)
            guard let expected, let received = packet.authCode, constantTimeEquals(expected, received) else {
                // A wrong password: the spec has the BMC stay silent.
                sessions.challenges[packet.sessionID] = nil
                noteBadPassword(user, "IPMI 1.5 Activate Session", from: challenge.remote, now: now)
                return false
            }
        }
        // Locked out after bad passwords: silent, as for a wrong password, so the lockout
        // tells a guesser nothing about this one.
        guard mayAttemptLogin(user, now: now) else {
            sessions.challenges[packet.sessionID] = nil
            drop("session refused", "user \(user.id) locked out after bad passwords", from: challenge.remote, now: now)
            return false
        }
        if packet.authType != .none { noteLogin(user) } // the password is proven
        respond(to: request, context: RequestContext(privilege: .none, session: nil, remote: challenge.remote,
                                                     challenge: challenge, now: now))
        if let session = sessions.session(id: packet.sessionID) {
            sessions.challenges[packet.sessionID] = nil
            writeLegacy(authType: packet.authType, session: session, password: password, into: &output)
        } else {
            // Refused (completion code in the answer): answer under the temporary session.
            let code = LegacyAuthCode.compute(packet.authType, password: password, sessionID: packet.sessionID,
                                              sequence: 0, message: scratch.readableBytesView)
            IPMI15Packet.write(authType: packet.authType, sequence: 0, sessionID: packet.sessionID, authCode: code,
                               message: scratch, to: &output)
        }
        return true
    }
}

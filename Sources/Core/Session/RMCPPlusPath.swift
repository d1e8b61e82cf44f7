import NIOCore

/// IPMI 2.0 packets: the RMCP+ handshake (Open Session, RAKP 1 to 4), sessionless
/// requests, and requests inside an RMCP+ session.
extension BMC {
    func handleRMCPPlus(_ packet: RMCPPlusPacket, from remote: RemoteConsole, now: NIODeadline,
                        into output: inout ByteBuffer) -> Bool {
        switch packet.payloadType {
        case .ipmi where packet.sessionID == 0:
            return handleSessionless(packet, from: remote, now: now, into: &output)
        case .ipmi:
            return handleInSession(packet, from: remote, now: now, into: &output)
        case .openSessionRequest, .rakp1, .rakp3:
            guard packet.sessionID == 0, !packet.isAuthenticated, !packet.isEncrypted else {
                drop("malformed session setup", "setup payload inside a session", from: remote, now: now)
                return false
            }
            // Each answer is written in place after its packet header; one that is not sent is taken back.
            let start = output.writerIndex
            let answerType: PayloadType = switch packet.payloadType {
            case .openSessionRequest: .openSessionResponse
            case .rakp1: .rakp2
            default: .rakp4
            }
            var writer = RMCPPlusPacketWriter(buffer: &output, payloadType: answerType, encrypted: false,
                                              authenticated: false, sessionID: 0, sequence: 0)
            let answered = switch packet.payloadType {
            case .openSessionRequest: openSession(packet.payload, from: remote, now: now, into: &output)
            case .rakp1: rakp1(packet.payload, from: remote, now: now, into: &output)
            default: rakp3(packet.payload, from: remote, now: now, into: &output)
            }
            guard answered else {
                output.moveWriterIndex(to: start)
                return false
            }
            _ = writer.endPayload(buffer: &output)
            return true
        default:
            drop("unsupported payload type", "0x\(String(packet.rawPayloadType, radix: 16))", from: remote, now: now)
            return false
        }
    }

    // MARK: Requests

    private func handleSessionless(_ packet: RMCPPlusPacket, from remote: RemoteConsole, now: NIODeadline,
                                   into output: inout ByteBuffer) -> Bool {
        guard !packet.isAuthenticated, !packet.isEncrypted, let request = try? IPMIRequest.parse(packet.payload) else {
            drop("malformed sessionless request", "", from: remote, now: now)
            return false
        }
        return respond(to: request, context: RequestContext(privilege: .none, session: nil, remote: remote, now: now),
                       wrapping: .sessionless20, into: &output)
    }

    private func handleInSession(_ packet: RMCPPlusPacket, from remote: RemoteConsole, now: NIODeadline,
                                 into output: inout ByteBuffer) -> Bool {
        guard let session = sessions.session(id: packet.sessionID),
              case .rmcpPlus(let protection, let consoleSessionID) = session.kind
        else {
            drop("unknown session", "RMCP+ session 0x\(String(packet.sessionID, radix: 16))", from: remote, now: now)
            return false
        }
        // A session negotiated with integrity or confidentiality accepts nothing less.
        guard packet.isAuthenticated == protection.isAuthenticated, packet.isEncrypted == protection.isEncrypted else {
            drop("bad authentication", "protection flags do not match session \(session.handle)", from: remote, now: now)
            return false
        }
        if protection.isAuthenticated && !protection.verify(packet) {
            drop("bad authentication", "integrity check failed in session \(session.handle)", from: remote, now: now)
            return false
        }
        // Disabled or denied access since the session opened: the session ends here.
        guard users.canLogIn(session.userID) else {
            sessions.close(id: session.id)
            drop("session of a user no longer allowed", "session \(session.handle), user \(session.userID)", from: remote, now: now)
            return false
        }
        guard session.inbound.accept(packet.sequence) else {
            drop("replayed or stale packet", "sequence \(packet.sequence) in session \(session.handle)", from: remote, now: now)
            return false
        }
        guard let message = protection.decrypt(packet.payload, reusing: &plaintext),
              let request = try? IPMIRequest.parse(message)
        else {
            drop("malformed request", "cannot decrypt or parse in session \(session.handle)", from: remote, now: now)
            return false
        }
        session.lastActivity = now
        // A line card's answer to its management module's request (bridging), not a request.
        if BMC.isResponse(message) { return takeSessionResponse(message, in: session, now: now) }
        return respond(to: request, context: RequestContext(privilege: session.privilege, session: session, remote: session.remote, now: now),
                       wrapping: .session20(session, protection, consoleSessionID: consoleSessionID), into: &output)
    }

    // MARK: Handshake

    private func openSession(_ payload: ByteBuffer, from remote: RemoteConsole, now: NIODeadline,
                             into output: inout ByteBuffer) -> Bool {
        guard let request = OpenSessionRequest.parse(payload) else {
            drop("malformed session setup", "Open Session request", from: remote, now: now)
            return false
        }
        func answer(_ status: RMCPPlusStatus, _ handshake: PendingHandshake? = nil, privilege: PrivilegeLevel = .none) -> Bool {
            let suite = handshake?.suite
            OpenSessionResponse(
                messageTag: request.messageTag, status: status, maximumPrivilege: privilege.rawValue,
                consoleSessionID: request.consoleSessionID, managedSessionID: handshake?.managedSessionID ?? 0,
                authentication: suite?.authentication.rawValue ?? 0, integrity: suite?.integrity.rawValue ?? 0,
                confidentiality: suite?.confidentiality.rawValue ?? 0
            ).write(to: &output)
            if status != .ok {
                drop("session refused", "Open Session: \(status)", from: remote, now: now)
            }
            return true
        }

        guard !request.authentication.isWildcard, !request.integrity.isWildcard, !request.confidentiality.isWildcard,
              let suite = CipherSuite.matching(request.authentication.algorithm, request.integrity.algorithm,
                                               request.confidentiality.algorithm),
              let policy = configuration.channel.policy(forSuite: suite.id)
        else { return answer(.noCipherSuiteMatch) }
        guard request.consoleSessionID != 0 else { return answer(.invalidSessionID) }
        let suiteMaximum = lan.maximumPrivilege(for: policy)
        let ceiling = min(suiteMaximum, channelAccess.volatile.privilegeLimit)
        let requested = request.requestedPrivilege
        guard requested <= PrivilegeLevel.oem.rawValue else { return answer(.invalidRole) }
        if let level = PrivilegeLevel(rawValue: requested), requested != 0, level > ceiling {
            return answer(.unauthorizedRole)
        }
        guard channelAccess.volatile.isEnabled else { return answer(.insufficientResources) }
        guard !sessions.isFull else { return answer(.insufficientResources) }

        let handshake = PendingHandshake(
            managedSessionID: sessions.newSessionID(), consoleSessionID: request.consoleSessionID, suite: suite,
            suiteMaximumPrivilege: suiteMaximum, requestedPrivilege: requested, remote: remote, created: now)
        if let evicted = sessions.handshakes.insert(handshake, id: handshake.managedSessionID) {
            drop("half-open session evicted", "RMCP+ handshake of \(evicted.remote)", from: remote, now: now)
            settle(evicted, "RMCP+ handshake evicted after RAKP 2", now: now)
        }
        return answer(.ok, handshake, privilege: requested == 0 ? ceiling : PrivilegeLevel(rawValue: requested)!)
    }

    private func rakp1(_ payload: ByteBuffer, from remote: RemoteConsole, now: NIODeadline,
                       into output: inout ByteBuffer) -> Bool {
        let message: RAKPMessage1
        var consoleSessionID: UInt32 = 0
        func answer(_ status: RMCPPlusStatus, tag: UInt8, _ body: RAKPMessage2? = nil) -> Bool {
            (body ?? RAKPMessage2(messageTag: tag, status: status, consoleSessionID: consoleSessionID)).write(to: &output)
            if status != .ok { drop("session refused", "RAKP 1: \(status)", from: remote, now: now) }
            return true
        }
        do throws(RMCPPlusStatus) {
            guard let parsed = try RAKPMessage1.parse(payload) else {
                drop("malformed session setup", "RAKP 1", from: remote, now: now)
                return false
            }
            message = parsed
        } catch {
            return answer(error, tag: payload.getInteger(at: payload.readerIndex) ?? 0)
        }
        guard var handshake = sessions.handshakes[message.managedSessionID] else {
            drop("unknown session", "RAKP 1 for session 0x\(String(message.managedSessionID, radix: 16))", from: remote, now: now)
            return false
        }
        consoleSessionID = handshake.consoleSessionID
        // Each RAKP 2 carries an HMAC of the password (CVE-2013-4786): a few per address.
        guard sessions.rakp1Budget.allow(remote, now: now) else {
            drop("RAKP 1 throttled", "too many from one address", from: remote, now: now)
            return answer(.insufficientResources, tag: message.messageTag)
        }
        guard let privilege = PrivilegeLevel(rawValue: message.requestedPrivilege), privilege != .none else {
            return answer(.invalidRole, tag: message.messageTag)
        }
        guard let user = users.lookUp(name: message.userName, privilege: privilege, nameOnly: message.isNameOnlyLookup),
              let userLimit = user.privilegeLimit
        else {
            sessions.handshakes[message.managedSessionID] = nil
            counters.noteAuthenticationFailure(user: nil)
            return answer(.unauthorizedName, tag: message.messageTag)
        }
        // Locked out, or as many attempts in flight as bad passwords left: no RAKP 2, so no
        // HMAC to collect while the lockout lasts.
        guard handshake.isAttempt || mayAttemptLogin(user, now: now) else {
            sessions.handshakes[message.managedSessionID] = nil
            drop("session refused", "user \(user.id) locked out after bad passwords", from: remote, now: now)
            return answer(.unauthorizedName, tag: message.messageTag)
        }
        var ceiling = min(userLimit, handshake.suiteMaximumPrivilege, channelAccess.volatile.privilegeLimit)
        if handshake.requestedPrivilege != 0, let asked = PrivilegeLevel(rawValue: handshake.requestedPrivilege) {
            ceiling = min(ceiling, asked)
        }
        guard privilege <= ceiling else {
            sessions.handshakes[message.managedSessionID] = nil
            return answer(.unauthorizedRole, tag: message.messageTag)
        }
        let exchange = RAKPExchange(
            authentication: handshake.suite.authentication, consoleSessionID: handshake.consoleSessionID,
            managedSessionID: handshake.managedSessionID, consoleRandom: message.consoleRandom,
            managedRandom: sessions.random.bytes(16), managedGUID: configuration.device.systemGUID, role: message.role,
            userName: message.userName)
        let keyedUserKey = handshake.suite.authentication.keyed(user.key)
        handshake.exchange = exchange
        handshake.keyedUserKey = (user.password, keyedUserKey)
        handshake.userID = user.id
        handshake.grantedPrivilege = privilege
        handshake.isAttempt = true
        sessions.handshakes[message.managedSessionID] = handshake
        return answer(.ok, tag: message.messageTag, RAKPMessage2(
            messageTag: message.messageTag, status: .ok, consoleSessionID: handshake.consoleSessionID,
            managedRandom: exchange.managedRandom, managedGUID: exchange.managedGUID,
            keyExchangeAuthCode: exchange.rakp2AuthCode(userKey: keyedUserKey)))
    }

    private func rakp3(_ payload: ByteBuffer, from remote: RemoteConsole, now: NIODeadline,
                       into output: inout ByteBuffer) -> Bool {
        guard let message = RAKPMessage3.parse(payload),
              let handshake = sessions.handshakes[message.managedSessionID],
              let exchange = handshake.exchange,
              let user = users[handshake.userID]
        else {
            drop("malformed session setup", "RAKP 3 without RAKP 1", from: remote, now: now)
            return false
        }
        sessions.handshakes[message.managedSessionID] = nil
        func answer(_ status: RMCPPlusStatus, icv: [UInt8] = []) -> Bool {
            RAKPMessage4(messageTag: message.messageTag, status: status, consoleSessionID: handshake.consoleSessionID,
                         integrityCheckValue: icv).write(to: &output)
            if status != .ok { drop("session refused", "RAKP 3: \(status)", from: remote, now: now) }
            return true
        }
        // The console gave up: forget the handshake, say nothing. If it found our RAKP 2 code
        // wrong, its password is not the user's: that is how ipmitool reports a bad password.
        guard message.status == .ok else {
            if message.status == .invalidIntegrityCheckValue {
                settle(handshake, "RAKP 2 code refused by the console", now: now)
            } else {
                drop("session refused", "console aborted at RAKP 3 with \(message.status)", from: remote, now: now)
            }
            return false
        }
        let userKey = user.key
        let keyedUserKey = handshake.keyedUserKey.flatMap { $0.password == user.password ? $0.hmac : nil }
            ?? handshake.suite.authentication.keyed(userKey)
        guard constantTimeEquals(message.keyExchangeAuthCode, exchange.rakp3AuthCode(userKey: keyedUserKey)) else {
            settle(handshake, "RAKP 3 with a wrong code", now: now)
            return answer(.invalidIntegrityCheckValue)
        }
        // The console knows the password: its RAKP 2 was no harvest, and its user's bad
        // passwords are forgiven, whether or not a slot is free.
        sessions.rakp1Budget.refund(remote)
        noteLogin(user)
        let bmcKey = settings.securityKeys.kg.map { handshake.suite.authentication.keyed($0) } ?? keyedUserKey
        let sik = handshake.suite.authentication.keyed(exchange.sessionIntegrityKey(bmcKey: bmcKey))
        let protection = PacketProtection(suite: handshake.suite, sessionIntegrityKey: sik, password: userKey,
                                          ivSalt: sessions.random.next())
        let session: Session
        do throws(SessionTable.Refusal) {
            session = try sessions.activate(
                id: handshake.managedSessionID,
                kind: .rmcpPlus(protection, consoleSessionID: handshake.consoleSessionID),
                user: user, remote: remote, maximumPrivilege: handshake.grantedPrivilege,
                privilege: handshake.grantedPrivilege,
                inbound: SequenceWindow(initial: nil, ahead: 16, behind: 16), outboundSequence: 0, now: now)
        } catch {
            noteRefusal(error, user: user, from: remote, now: now)
            return answer(error == .full ? .insufficientResources : .insufficientResourcesForRole)
        }
        logger.info("session opened", metadata: [
            "session": "\(session.handle)", "user": "\(user.id)", "cipher_suite": "\(handshake.suite.id)",
            "privilege": "\(session.privilege.name)", "remote": "\(remote)",
        ])
        return answer(.ok, icv: exchange.rakp4IntegrityCheckValue(sessionIntegrityKey: sik))
    }
}

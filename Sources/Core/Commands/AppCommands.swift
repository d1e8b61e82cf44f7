import NIOCore

/// The App network function (netfn 0x06): device identity, sessions, channels and users.
public enum AppCommands {
    public static let table: [CommandSpec] = settingsCommands + payloadCommands + [
        CommandSpec(0x01, "Get Device ID", .user, getDeviceID),
        CommandSpec(0x02, "Cold Reset", .administrator, coldReset),
        CommandSpec(0x03, "Warm Reset", .administrator, warmReset),
        CommandSpec(0x04, "Get Self Test Results", .user, getSelfTestResults),
        CommandSpec(0x05, "Manufacturing Test On", .administrator, manufacturingTestOn),
        CommandSpec(0x06, "Set ACPI Power State", .administrator, setACPIPowerState),
        CommandSpec(0x07, "Get ACPI Power State", .user, getACPIPowerState),
        CommandSpec(0x08, "Get Device GUID", .user, getDeviceGUID),
        CommandSpec(0x22, "Reset Watchdog Timer", .operator, resetWatchdogTimer),
        CommandSpec(0x24, "Set Watchdog Timer", .operator, setWatchdogTimer),
        CommandSpec(0x25, "Get Watchdog Timer", .user, getWatchdogTimer),
        CommandSpec(0x37, "Get System GUID", .none, getSystemGUID),
        CommandSpec(0x38, "Get Channel Authentication Capabilities", .none, getChannelAuthCapabilities),
        CommandSpec(0x39, "Get Session Challenge", .none, getSessionChallenge),
        CommandSpec(0x3A, "Activate Session", .none, activateSession),
        CommandSpec(0x3B, "Set Session Privilege Level", .callback, setSessionPrivilege),
        CommandSpec(0x3C, "Close Session", .callback, closeSession),
        CommandSpec(0x3D, "Get Session Info", .user, getSessionInfo),
        CommandSpec(0x40, "Set Channel Access", .administrator, setChannelAccess),
        CommandSpec(0x41, "Get Channel Access", .user, getChannelAccess),
        CommandSpec(0x42, "Get Channel Info", .user, getChannelInfo),
        CommandSpec(0x43, "Set User Access", .administrator, setUserAccess),
        CommandSpec(0x44, "Get User Access", .operator, getUserAccess),
        CommandSpec(0x45, "Set User Name", .administrator, setUserName),
        CommandSpec(0x46, "Get User Name", .operator, getUserName),
        CommandSpec(0x47, "Set User Password", .administrator, setUserPassword),
        CommandSpec(0x4E, "Get Channel Payload Support", .user, getChannelPayloadSupport),
        CommandSpec(0x54, "Get Channel Cipher Suites", .none, getChannelCipherSuites),
        sendMessageCommand,
    ]

    // MARK: Device

    static func getDeviceID(_ bmc: BMC, _: EmptyRequest, _: RequestContext) -> GetDeviceIDResponse {
        GetDeviceIDResponse(identity: bmc.configuration.device, additionalDeviceSupport: bmc.additionalDeviceSupport)
    }

    static func getSelfTestResults(_: BMC, _: EmptyRequest, _: RequestContext) -> RawResponse {
        RawResponse([0x55, 0x00]) // no error
    }

    static func getDeviceGUID(_ bmc: BMC, _: EmptyRequest, _: RequestContext) -> RawResponse {
        RawResponse(bmc.configuration.device.deviceGUID)
    }

    static func getSystemGUID(_ bmc: BMC, _: EmptyRequest, _: RequestContext) -> RawResponse {
        RawResponse(bmc.configuration.device.systemGUID)
    }

    // MARK: Sessions

    static func getChannelAuthCapabilities(
        _ bmc: BMC, _ request: GetChannelAuthCapabilitiesRequest, _: RequestContext
    ) throws(CompletionCode) -> GetChannelAuthCapabilitiesResponse {
        let channel = try bmc.resolveLANChannel(request.channel)
        let access = bmc.channelAccess.volatile
        // What LAN parameter 2 enables, and nothing while the channel is disabled.
        let legacyBits = access.isEnabled ? bmc.legacyAuthTypeBits(at: request.privilege) : 0
        let anyLegacy = access.isEnabled && [PrivilegeLevel.callback, .user, .operator, .administrator]
            .contains { bmc.legacyAuthTypeBits(at: $0) != 0 }
        return GetChannelAuthCapabilitiesResponse(
            channel: channel,
            includesIPMI20Data: request.wantsIPMI20Data,
            authTypes: legacyBits,
            perMessageAuthenticationDisabled: access.perMessageAuthenticationDisabled,
            userLevelAuthenticationDisabled: access.userLevelAuthenticationDisabled,
            nonNullUserNames: bmc.users.slots.contains { !$0.name.isEmpty && $0.canLogIn },
            nullUserNames: bmc.users.slots.contains { $0.name.isEmpty && $0.canLogIn && !$0.password.isEmpty },
            anonymousLogin: bmc.users.slots.contains { $0.name.isEmpty && $0.canLogIn && $0.password.isEmpty },
            supportsIPMI15: anyLegacy,
            supportsIPMI20: !bmc.configuration.channel.cipherSuites.isEmpty,
            kgIsSet: bmc.settings.securityKeys.kg != nil)
    }

    static func getSessionChallenge(
        _ bmc: BMC, _ request: GetSessionChallengeRequest, context: RequestContext
    ) throws(CompletionCode) -> GetSessionChallengeResponse {
        guard bmc.channelAccess.volatile.isEnabled else {
            bmc.drop("session refused", "Get Session Challenge on a disabled channel", from: context.remote, now: context.now)
            throw CompletionCode(0xD5) // not supported in present state
        }
        guard let authType = AuthenticationType(rawValue: request.authType), bmc.legacyAuthTypeEnabledAtAnyLevel(authType) else {
            throw .invalidDataField
        }
        let name = Array(request.userName.prefix { $0 != 0 })
        guard let user = bmc.users.lookUp(name: name, privilege: nil, nameOnly: true) else {
            throw CompletionCode(name.isEmpty ? 0x82 : 0x81) // null user names disabled / invalid user name
        }
        let challenge = PendingChallenge(
            temporarySessionID: bmc.sessions.newSessionID(), challenge: bmc.sessions.random.bytes(16),
            authType: authType, userID: user.id, remote: context.remote, created: context.now)
        if let evicted = bmc.sessions.challenges.insert(challenge, id: challenge.temporarySessionID) {
            bmc.drop("half-open session evicted", "IPMI 1.5 challenge of \(evicted.remote)", from: context.remote, now: context.now)
        }
        return GetSessionChallengeResponse(temporarySessionID: challenge.temporarySessionID, challenge: challenge.challenge)
    }

    static func activateSession(
        _ bmc: BMC, _ request: ActivateSessionRequest, context: RequestContext
    ) throws(CompletionCode) -> ActivateSessionResponse {
        // Reachable only through the 1.5 packet path, which has checked the challenge's auth code.
        guard let challenge = context.challenge, let user = bmc.users[challenge.userID] else {
            throw .insufficientPrivilege
        }
        guard request.authType == challenge.authType.rawValue,
              constantTimeEquals(request.challenge, challenge.challenge)
        else { throw .invalidDataField }
        guard let requested = PrivilegeLevel(rawValue: request.maximumPrivilege), requested != .none,
              let userLimit = user.privilegeLimit,
              requested <= min(userLimit, bmc.channelAccess.volatile.privilegeLimit)
        else { throw CompletionCode(0x86) } // requested maximum privilege exceeds user or channel limit
        guard bmc.channelAccess.volatile.isEnabled, bmc.legacyAuthTypeEnabled(challenge.authType, at: requested) else {
            throw CompletionCode(0x86)
        }
        let inbound = UInt32.random(in: 1...0x7FFF_FFFF, using: &bmc.sessions.random)
        // A session starts at User level (or Callback if that is all it may have): IPMI 2.0 section 22.18.
        let session: Session
        do throws(SessionTable.Refusal) {
            session = try bmc.sessions.activate(
                id: challenge.temporarySessionID, kind: .legacy(challenge.authType), user: user,
                remote: challenge.remote, maximumPrivilege: requested, privilege: min(requested, .user),
                inbound: SequenceWindow(initial: inbound &- 1, ahead: 8, behind: 8),
                outboundSequence: request.initialOutboundSequence &- 1, now: context.now)
        } catch {
            bmc.noteRefusal(error, user: user, from: challenge.remote, now: context.now)
            switch error {
            case .full: throw CompletionCode(0x81) // no session slot available
            case .userLimit: throw CompletionCode(0x82) // no slot available for given user
            case .reservedForAdministrator: throw CompletionCode(0x83) // no slot for the user's privilege
            }
        }
        bmc.logger.info("session opened", metadata: [
            "session": "\(session.handle)", "user": "\(user.id)", "auth_type": "\(challenge.authType)",
            "remote": "\(challenge.remote)",
        ])
        return ActivateSessionResponse(authType: challenge.authType, sessionID: session.id,
                                       initialInboundSequence: inbound, maximumPrivilege: requested)
    }

    static func setSessionPrivilege(
        _ bmc: BMC, _ request: SetSessionPrivilegeRequest, context: RequestContext
    ) throws(CompletionCode) -> RawResponse {
        guard let session = context.session else { throw .insufficientPrivilege }
        if request.privilege != 0 {
            guard let level = PrivilegeLevel(rawValue: request.privilege), level != .none else {
                throw .invalidDataField
            }
            guard level <= session.maximumPrivilege else { throw CompletionCode(0x81) } // exceeds user/channel limit
            if case .legacy(let authType) = session.kind, !bmc.legacyAuthTypeEnabled(authType, at: level) {
                throw CompletionCode(0x80) // level not available with this session's authentication
            }
            session.privilege = level
        }
        return RawResponse([session.privilege.rawValue])
    }

    static func closeSession(_ bmc: BMC, _ request: CloseSessionRequest, context: RequestContext) throws(CompletionCode) -> EmptyResponse {
        guard let own = context.session else { throw .insufficientPrivilege }
        let target: Session?
        if let handle = request.handle {
            target = bmc.sessions.active.values.first { $0.handle == handle }
            guard target != nil else { throw CompletionCode(0x88) } // invalid session handle
        } else {
            target = bmc.sessions.session(id: request.sessionID)
            guard target != nil else { throw CompletionCode(0x87) } // invalid session ID
        }
        guard let target else { throw .unspecified }
        if target === own {
            own.isClosing = true
        } else {
            guard own.privilege >= .administrator else { throw .insufficientPrivilege }
            bmc.sessions.close(id: target.id)
        }
        return EmptyResponse()
    }

    static func getSessionInfo(_ bmc: BMC, _ request: GetSessionInfoRequest, context: RequestContext) throws(CompletionCode) -> GetSessionInfoResponse {
        let sessions = bmc.sessions.byHandle
        let found: Session?
        switch request.selector {
        case .current: found = context.session
        case .index(let index):
            // An empty slot is no error: ipmitool's "session info all" walks every slot.
            guard Int(index) <= sessions.count else {
                return GetSessionInfoResponse(handle: 0, possibleSessions: UInt8(bmc.sessions.capacity),
                                              activeSessions: UInt8(sessions.count), session: nil,
                                              channel: bmc.configuration.channel.number)
            }
            found = sessions[Int(index) - 1]
        case .handle(let handle): found = sessions.first { $0.handle == handle }
        case .sessionID(let id): found = bmc.sessions.session(id: id)
        }
        guard let found else { throw .invalidDataField }
        return GetSessionInfoResponse(
            handle: found.handle, possibleSessions: UInt8(bmc.sessions.capacity),
            activeSessions: UInt8(sessions.count), session: found, channel: bmc.configuration.channel.number)
    }

    // MARK: Channels

    static func getChannelAccess(_ bmc: BMC, _ request: GetChannelAccessRequest, context: RequestContext) throws(CompletionCode) -> ChannelAccessResponse {
        _ = try bmc.resolveLANChannel(request.channel)
        return ChannelAccessResponse(access: request.nonVolatile ? bmc.channelAccess.nonVolatile : bmc.channelAccess.volatile)
    }

    static func setChannelAccess(_ bmc: BMC, _ request: SetChannelAccessRequest, context: RequestContext) throws(CompletionCode) -> EmptyResponse {
        _ = try bmc.resolveLANChannel(request.channel)
        guard request.accessTarget != 3, request.privilegeTarget != 3, request.accessMode <= 3 else {
            throw .invalidDataField
        }
        var privilege: PrivilegeLevel?
        if request.privilegeTarget != 0 {
            guard let level = PrivilegeLevel(rawValue: request.privilegeLimit), level != .none else {
                throw .invalidDataField
            }
            privilege = level
        }
        func apply(_ access: inout ChannelAccess, accessChanges: Bool, privilegeChanges: Bool) {
            if accessChanges {
                access.accessMode = request.accessMode
                access.alertingDisabled = request.alertingDisabled
                access.perMessageAuthenticationDisabled = request.perMessageAuthenticationDisabled
                access.userLevelAuthenticationDisabled = request.userLevelAuthenticationDisabled
            }
            if privilegeChanges, let privilege { access.privilegeLimit = privilege }
        }
        let saved = bmc.channelAccess.nonVolatile
        // Only the non-volatile settings are on disk: a volatile change needs no save.
        try bmc.saveThenApply(\.channelAccess, as: BMC.channelFile, saving: { $0.nonVolatile == saved ? nil : $0 }) { state in
            apply(&state.nonVolatile, accessChanges: request.accessTarget == 1, privilegeChanges: request.privilegeTarget == 1)
            apply(&state.volatile, accessChanges: request.accessTarget == 2, privilegeChanges: request.privilegeTarget == 2)
        }
        return EmptyResponse()
    }

    static func getChannelInfo(_ bmc: BMC, _ request: ChannelRequest, context: RequestContext) throws(CompletionCode) -> RawResponse {
        let channel = try bmc.resolveLANChannel(request.channel)
        let sessionSupport: UInt8 = 0x80 | UInt8(bmc.sessions.active.count & 0x3F) // multi-session
        return RawResponse([
            channel,
            0x04, // medium: 802.3 LAN
            0x01, // protocol: IPMB-1.0, as IPMI over LAN reports
            sessionSupport,
            0xF2, 0x1B, 0x00, // IPMI's IANA number, least significant byte first
            0x00, 0x00,
        ])
    }

    static func getChannelPayloadSupport(_ bmc: BMC, _ request: ChannelRequest, context: RequestContext) throws(CompletionCode) -> RawResponse {
        _ = try bmc.resolveLANChannel(request.channel)
        // IPMI messages; Open Session request/response and RAKP 1 to 4.
        return RawResponse([0x01, 0x00, 0x3F, 0x00, 0x00, 0x00, 0x00, 0x00])
    }

    static func getChannelCipherSuites(_ bmc: BMC, _ request: GetChannelCipherSuitesRequest, context: RequestContext) throws(CompletionCode) -> GetChannelCipherSuitesResponse {
        let channel = try bmc.resolveLANChannel(request.channel)
        guard request.payloadType == PayloadType.ipmi.rawValue || request.payloadType == PayloadType.sol.rawValue else {
            throw .invalidDataField
        }
        let records = request.listsSuites ? bmc.cipherSuiteRecords : bmc.supportedAlgorithmRecords
        let start = min(Int(request.index) * 16, records.count)
        return GetChannelCipherSuitesResponse(channel: channel, records: records[start..<min(start + 16, records.count)])
    }

    // MARK: Users

    static func getUserAccess(_ bmc: BMC, _ request: UserAccessRequest, context: RequestContext) throws(CompletionCode) -> GetUserAccessResponse {
        _ = try bmc.resolveLANChannel(request.channel)
        guard let user = bmc.users[request.userID] else { throw .invalidDataField }
        return GetUserAccessResponse(maximumUsers: UserTable.capacity, enabledUsers: UInt8(bmc.users.enabledCount),
                                     fixedNameUsers: UserTable.fixedNameCount, user: user)
    }

    static func setUserAccess(_ bmc: BMC, _ request: SetUserAccessRequest, context: RequestContext) throws(CompletionCode) -> EmptyResponse {
        _ = try bmc.resolveLANChannel(request.channel)
        guard var user = bmc.users[request.userID] else { throw .invalidDataField }
        let previous = user
        if request.privilegeLimit == PrivilegeLevel.noAccessRawValue {
            user.privilegeLimit = nil
        } else {
            guard let level = PrivilegeLevel(rawValue: request.privilegeLimit), level != .none else {
                throw .invalidDataField
            }
            user.privilegeLimit = level
        }
        if request.changesFlags {
            user.callbackOnly = request.callbackOnly
            user.linkAuthentication = request.linkAuthentication
            user.ipmiMessaging = request.ipmiMessaging
        }
        if let limit = request.sessionLimit {
            guard Int(limit) <= bmc.sessions.capacity else { throw .invalidDataField }
            user.sessionLimit = limit
        }
        try bmc.updateUser(user)
        bmc.userChanged(from: previous, to: user, keeping: context.session)
        return EmptyResponse()
    }

    static func getUserName(_ bmc: BMC, _ request: UserIDRequest, context: RequestContext) throws(CompletionCode) -> RawResponse {
        guard let user = bmc.users[request.userID] else { throw .invalidDataField }
        let name = user.nameBytes
        return RawResponse(name + [UInt8](repeating: 0, count: 16 - name.count))
    }

    static func setUserName(_ bmc: BMC, _ request: SetUserNameRequest, context: RequestContext) throws(CompletionCode) -> EmptyResponse {
        guard var user = bmc.users[request.userID], request.userID > UserTable.fixedNameCount else {
            throw .invalidDataField
        }
        let name = request.name.prefix { $0 != 0 }
        // Names are printable ASCII, so they survive the config file, the logs and every client.
        guard name.allSatisfy({ $0 >= 0x21 && $0 < 0x7F }),
              request.name[name.count...].allSatisfy({ $0 == 0 })
        else { throw .invalidDataField }
        user.name = String(decoding: name, as: UTF8.self)
        try bmc.updateUser(user)
        return EmptyResponse()
    }

    static func setUserPassword(_ bmc: BMC, _ request: SetUserPasswordRequest, context: RequestContext) throws(CompletionCode) -> EmptyResponse {
        guard var user = bmc.users[request.userID] else { throw .invalidDataField }
        let previous = user
        defer { bmc.userChanged(from: previous, to: bmc.users[request.userID] ?? previous, keeping: context.session) }
        switch request.operation {
        case .disable, .enable:
            user.enabled = request.operation == .enable
        case .setPassword:
            guard let password = request.password else { throw .requestDataLengthInvalid }
            user.password = Array(password.reversed().drop { $0 == 0 }.reversed())
            // As the config refuses them: an empty password lets anyone who knows the name in.
            guard !user.password.isEmpty else { throw .invalidDataField }
        case .testPassword:
            guard let password = request.password else { throw .requestDataLengthInvalid }
            guard request.isTwentyByteForm || user.password.count <= 16 else {
                throw CompletionCode(0x81) // wrong password size
            }
            let stored = user.password + [UInt8](repeating: 0, count: password.count - user.password.count)
            guard constantTimeEquals(stored, password) else { throw CompletionCode(0x80) } // test failed
            return EmptyResponse()
        }
        try bmc.updateUser(user)
        return EmptyResponse()
    }
}

extension BMC {
    /// The LAN channel's number, for a request naming it or "this channel" (0x0E); anything else is 0xCC.
    func resolveLANChannel(_ requested: UInt8) throws(CompletionCode) -> UInt8 {
        let number = configuration.channel.number
        guard requested == ChannelSelector.current || requested == number else { throw .invalidDataField }
        return number
    }

    /// Get Device ID's additional device support: sensor device, SDR repository, SEL, FRU inventory.
    var additionalDeviceSupport: UInt8 { 0x0F }

    /// Get Channel Cipher Suites records, by suite: C0h, ID, then the three algorithms tagged.
    var cipherSuiteRecords: [UInt8] {
        configuration.channel.cipherSuites.compactMap { CipherSuite.supported(id: $0.id) }.flatMap {
            [0xC0, $0.id, $0.authentication.rawValue, 0x40 | $0.integrity.rawValue, 0x80 | $0.confidentiality.rawValue]
        }
    }

    /// Get Channel Cipher Suites records, by algorithm: each algorithm in use, tagged, once.
    var supportedAlgorithmRecords: [UInt8] {
        let suites = configuration.channel.cipherSuites.compactMap { CipherSuite.supported(id: $0.id) }
        var records: [UInt8] = []
        for tag in suites.map(\.authentication.rawValue) where !records.contains(tag) { records.append(tag) }
        for tag in suites.map({ 0x40 | $0.integrity.rawValue }) where !records.contains(tag) { records.append(tag) }
        for tag in suites.map({ 0x80 | $0.confidentiality.rawValue }) where !records.contains(tag) { records.append(tag) }
        return records
    }

    /// Replaces a user slot and makes it durable before the change is acknowledged.
    func updateUser(_ user: UserRecord) throws(CompletionCode) {
        try saveThenApply(\.users, as: BMC.usersFile) { $0[user.id] = user }
    }
}

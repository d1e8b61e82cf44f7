/// The access settings of a channel (Get/Set Channel Access, IPMI 2.0 section 22.22).
public struct ChannelAccess: Codable, Sendable, Equatable {
    /// 0 disabled, 1 pre-boot only, 2 always available, 3 shared.
    public var accessMode: UInt8 = 2
    public var privilegeLimit: PrivilegeLevel = .administrator
    public var perMessageAuthenticationDisabled = false
    public var userLevelAuthenticationDisabled = false
    public var alertingDisabled = false

    public init(privilegeLimit: PrivilegeLevel = .administrator) {
        self.privilegeLimit = privilegeLimit
    }

    public var isEnabled: Bool { accessMode != 0 }
}

/// The channel's non-volatile settings (persisted) and the volatile ones in force now.
public struct ChannelAccessState: Codable, Sendable, Equatable {
    public var nonVolatile: ChannelAccess
    public var volatile: ChannelAccess

    public init(privilegeLimit: PrivilegeLevel) {
        nonVolatile = ChannelAccess(privilegeLimit: privilegeLimit)
        volatile = nonVolatile
    }
}

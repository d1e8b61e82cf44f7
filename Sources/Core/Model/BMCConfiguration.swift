/// Everything the daemon is configured with, already validated. The daemon builds it from
/// the config file; tests and the benchmark build it directly.
public struct BMCConfiguration: Sendable {
    public var device: DeviceIdentity
    public var channel: LANChannelConfiguration
    public var users: [UserConfiguration]
    public var limits: SessionLimits
    /// Sensor numbers and names are unique; the daemon's config reader checks it.
    public var sensors: [SensorDefinition] = []
    public var sel: SELConfiguration = SELConfiguration()
    public var fru: FRUConfiguration = FRUConfiguration()
    public var lan: LANConfiguration = LANConfiguration()
    public var pef: PEFConfiguration = PEFConfiguration()
    public var chassis: ChassisConfiguration = ChassisConfiguration()
    /// Management module, line card or neither (a standalone switch).
    public var chassisRole: ChassisRole = .standalone
    /// This controller's IPMB slave address: the owner ID of its SDRs and the generator ID of
    /// its own events. 20h, the BMC's, except on a line card (its slot's address).
    public var ipmbAddress: UInt8 {
        chassisRole.lineCard?.ipmbAddress ?? 0x20
    }
    /// The only directory the daemon writes to.
    public var stateDirectory: String

    public init(device: DeviceIdentity = DeviceIdentity(), channel: LANChannelConfiguration = LANChannelConfiguration(),
                users: [UserConfiguration] = [], limits: SessionLimits = SessionLimits(), stateDirectory: String) {
        self.device = device
        self.channel = channel
        self.users = users
        self.limits = limits
        self.stateDirectory = stateDirectory
    }
}

/// What Get Device ID, Get Device GUID and Get System GUID report.
public struct DeviceIdentity: Sendable, Equatable {
    public var deviceID: UInt8 = 0x20
    public var deviceRevision: UInt8 = 0x01
    public var firmwareMajor: UInt8 = 0
    /// Minor firmware revision as a plain number (0..99); it goes on the wire as BCD.
    public var firmwareMinor: UInt8 = 1
    /// IANA enterprise number, 20 bits.
    public var manufacturerID: UInt32 = 0
    public var productID: UInt16 = 0
    public var auxiliaryFirmware: [UInt8] = [0, 0, 0, 0]
    /// 16 bytes, in the order they go on the wire.
    public var systemGUID: [UInt8] = [UInt8](repeating: 0, count: 16)
    public var deviceGUID: [UInt8] = [UInt8](repeating: 0, count: 16)

    public init() {}
}

/// The LAN channel: its number, limits and which authentication it accepts.
public struct LANChannelConfiguration: Sendable, Equatable {
    public var number: UInt8 = 1
    public var privilegeLimit: PrivilegeLevel = .administrator
    /// IPMI 1.5 authentication types allowed at each privilege level.
    public var legacyAuthTypes: [PrivilegeLevel: Set<AuthenticationType>] = [
        .callback: [.md5], .user: [.md5], .operator: [.md5], .administrator: [.md5],
    ]
    /// Enabled RMCP+ cipher suites, each with the highest privilege a session under it may have.
    public var cipherSuites: [CipherSuitePolicy] = [3, 17].map { CipherSuitePolicy(id: $0, maximumPrivilege: .administrator) }

    public init() {}

    public func policy(forSuite id: UInt8) -> CipherSuitePolicy? {
        cipherSuites.first { $0.id == id }
    }
}

public struct CipherSuitePolicy: Sendable, Equatable {
    public var id: UInt8
    public var maximumPrivilege: PrivilegeLevel
    public init(id: UInt8, maximumPrivilege: PrivilegeLevel) {
        self.id = id
        self.maximumPrivilege = maximumPrivilege
    }
}

/// A user as the config file declares it; the persisted user table takes over once it exists.
public struct UserConfiguration: Sendable, Equatable {
    public var id: UInt8
    public var name: String
    public var password: [UInt8]
    public var privilege: PrivilegeLevel
    public var enabled: Bool

    public init(id: UInt8, name: String, password: [UInt8], privilege: PrivilegeLevel, enabled: Bool = true) {
        self.id = id
        self.name = name
        self.password = password
        self.privilege = privilege
        self.enabled = enabled
    }
}

public struct SessionLimits: Sendable, Equatable {
    public var maximumSessions: Int = 8
    /// Seconds without a valid packet after which a session is closed.
    public var idleTimeout: Double = 60
    public init() {}
}

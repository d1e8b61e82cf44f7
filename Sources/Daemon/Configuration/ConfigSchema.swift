import FoundationEssentials
import IPMICore

/// The config file's layout: every section and key, its type and its default.
/// conf/ipmigod.yaml documents the same keys for people.
struct ConfigSchema {
    let root: ConfigNode

    func read() throws(ConfigError) -> DaemonConfiguration {
        let listen = try readListen()
        let stateDirectory = try root.required("state_directory").string()
        let (device, generatesGUID) = try readDevice(root.child("device"))
        let limits = try readLimits(root.child("limits"))
        let channel = try readChannel(root.child("lan_channel"))
        let users = try readUsers(root.child("users"))
        let sensors = try readSensors(root.child("sensors"))
        let sel = try readSEL(root.child("sel"))
        let fru = try readFRU(root.child("fru"))
        let lan = try readLAN(root.child("lan"))
        let pef = try readPEF(root.child("pef"))
        let http = try readHTTP(root.child("http"))
        let simulation = try readSimulation(root.child("simulate"), sensors: sensors)
        let platform = try readHooks(root.child("hooks"))
        let chassisNode = try root.child("chassis")
        let chassisRole = try readChassisRole(chassisNode, limits: limits)
        let chassis = try readChassis(chassisNode)
        try root.rejectUnknownKeys()
        var bmc = BMCConfiguration(device: device, channel: channel, users: users, limits: limits,
                                   stateDirectory: stateDirectory)
        bmc.sensors = sensors
        bmc.sel = sel
        bmc.fru = fru
        bmc.lan = lan
        bmc.pef = pef
        bmc.chassis = chassis
        bmc.chassisRole = chassisRole
        bmc.limits.maximumSessions += chassisRole.linkSessions
        var configuration = DaemonConfiguration(listen: listen, bmc: bmc, generatesSystemGUID: generatesGUID)
        configuration.http = http
        configuration.warnings = try ConfigWarnings(root: root).all()
        configuration.simulation = simulation
        configuration.platform = platform
        return configuration
    }

    private func readListen() throws(ConfigError) -> [ListenAddress] {
        guard let node = try root.child("listen") else {
            return [ListenAddress("0.0.0.0:623")!, ListenAddress("[::]:623")!]
        }
        var addresses: [ListenAddress] = []
        for element in try node.elements() {
            let text = try element.string()
            guard let address = ListenAddress(text) else {
                throw element.error("expected ADDRESS:PORT or [IPV6]:PORT, not \"\(text)\"")
            }
            addresses.append(address)
        }
        guard !addresses.isEmpty else { throw node.error("needs at least one address") }
        return addresses
    }

    private func readDevice(_ node: ConfigNode?) throws(ConfigError) -> (DeviceIdentity, generatesGUID: Bool) {
        var device = DeviceIdentity()
        guard let node else { return (device, true) }
        if let value = try node.child("device_id") { device.deviceID = try value.integer(in: 0...255) }
        if let value = try node.child("device_revision") { device.deviceRevision = try value.integer(in: 0...15) }
        if let value = try node.child("firmware_revision") {
            let text = try value.string()
            let parts = text.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 2, let major = UInt8(parts[0]), major <= 127, let minor = UInt8(parts[1]), minor <= 99 else {
                throw value.error("expected MAJOR.MINOR with major 0 to 127 and minor 0 to 99, not \"\(text)\"")
            }
            device.firmwareMajor = major
            device.firmwareMinor = minor
        }
        if let value = try node.child("manufacturer_id") { device.manufacturerID = try value.integer(in: 0...0xF_FFFF) }
        if let value = try node.child("product_id") { device.productID = try value.integer(in: 0...0xFFFF) }
        var generatesGUID = true
        if let value = try node.child("system_guid") {
            device.systemGUID = try readGUID(value)
            generatesGUID = false
        }
        device.deviceGUID = device.systemGUID
        if let value = try node.child("device_guid") { device.deviceGUID = try readGUID(value) }
        try node.rejectUnknownKeys()
        return (device, generatesGUID)
    }

    private func readGUID(_ node: ConfigNode) throws(ConfigError) -> [UInt8] {
        let text = try node.string()
        guard let uuid = UUID(uuidString: text) else {
            throw node.error("expected a GUID like 4c4c4544-0042-3510-8052-b2c04f4a4d32, not \"\(text)\"")
        }
        return SystemGUID.wireBytes(of: uuid)
    }

    private func readLimits(_ node: ConfigNode?) throws(ConfigError) -> SessionLimits {
        var limits = SessionLimits()
        guard let node else { return limits }
        if let value = try node.child("max_sessions") { limits.maximumSessions = try value.integer(in: 1...63) }
        if let value = try node.child("idle_timeout") { limits.idleTimeout = try value.number(in: 1...3600) }
        try node.rejectUnknownKeys()
        return limits
    }

    private func readChannel(_ node: ConfigNode?) throws(ConfigError) -> LANChannelConfiguration {
        var channel = LANChannelConfiguration()
        guard let node else { return channel }
        if let value = try node.child("number") { channel.number = try value.integer(in: 1...11) }
        if let value = try node.child("privilege_limit") { channel.privilegeLimit = try value.privilege() }
        if let value = try node.child("auth_types") {
            var types: [PrivilegeLevel: Set<AuthenticationType>] = [:]
            for (name, list) in try value.entries() {
                guard let level = PrivilegeLevel(name: name) else {
                    throw list.error("expected a privilege level (callback, user, operator, administrator)")
                }
                var set = Set<AuthenticationType>()
                for element in try list.elements() {
                    let text = try element.string()
                    guard let type = AuthenticationType(name: text) else {
                        throw element.error("expected md5, password or none, not \"\(text)\"")
                    }
                    set.insert(type)
                }
                types[level] = set
            }
            channel.legacyAuthTypes = types
        }
        if let value = try node.child("cipher_suites") {
            var policies: [CipherSuitePolicy] = []
            for element in try value.elements() {
                let idNode = try element.required("id")
                let id: UInt8 = try idNode.integer(in: 0...255)
                guard CipherSuite.supported(id: id) != nil else {
                    let ids = CipherSuite.supported.map { String($0.id) }.joined(separator: ", ")
                    throw idNode.error("cipher suite \(id) is not supported (supported: \(ids))")
                }
                guard !policies.contains(where: { $0.id == id }) else { throw idNode.error("cipher suite \(id) is listed twice") }
                let maximum = try element.child("max_privilege")?.privilege() ?? .administrator
                try element.rejectUnknownKeys()
                policies.append(CipherSuitePolicy(id: id, maximumPrivilege: maximum))
            }
            channel.cipherSuites = policies
        }
        try node.rejectUnknownKeys()
        return channel
    }

    private func readUsers(_ node: ConfigNode?) throws(ConfigError) -> [UserConfiguration] {
        guard let node else { return [] }
        var users: [UserConfiguration] = []
        for element in try node.elements() {
            let idNode = try element.required("id")
            let id: UInt8 = try idNode.integer(in: 1...UserTable.capacity)
            guard !users.contains(where: { $0.id == id }) else { throw idNode.error("user \(id) is declared twice") }
            let nameNode = try element.child("name")
            let name = try nameNode?.string() ?? ""
            if let nameNode {
                guard name.utf8.count <= 16, name.utf8.allSatisfy({ $0 >= 0x21 && $0 < 0x7F }) else {
                    throw nameNode.error("a user name is 1 to 16 printable ASCII characters without spaces")
                }
                guard id != 1 || name.isEmpty else { throw nameNode.error("user 1 is the null user and has no name") }
            }
            let password = try readPassword(element)
            let enabled = try element.child("enabled")?.bool() ?? true
            let privilege = try element.child("privilege")?.privilege() ?? .user
            try element.rejectUnknownKeys()
            guard id == 1 || !name.isEmpty else {
                throw ConfigError(file: element.file, line: element.line, field: "\(element.field).name", message: "is required")
            }
            if enabled && password.isEmpty {
                throw ConfigError(file: element.file, line: element.line, field: "\(element.field).password",
                                  message: "an enabled user needs a password (there is no default password)")
            }
            users.append(UserConfiguration(id: id, name: name, password: password, privilege: privilege, enabled: enabled))
        }
        return users
    }

    func readPassword(_ element: ConfigNode) throws(ConfigError) -> [UInt8] {
        let inline = try element.child("password")
        let file = try element.child("password_file")
        if inline != nil && file != nil {
            throw element.error("give password or password_file, not both")
        }
        var password: [UInt8] = []
        var source = inline
        if let inline {
            password = Array(try inline.string().utf8)
        } else if let file {
            source = file
            password = try PasswordFile.firstLine(of: try file.string(), node: file)
        }
        if let source, password.count > 20 { throw source.error("a password is at most 20 bytes") }
        return password
    }
}

/// IPMI carries a GUID as one 16-byte number, least significant byte first (IPMI 2.0
/// section 20.8): the RFC 4122 byte string reversed. freeipmi and ipmitool decode it so.
enum SystemGUID {
    static func wireBytes(of uuid: UUID) -> [UInt8] {
        withUnsafeBytes(of: uuid.uuid) { Array($0.reversed()) }
    }

    /// The GUID of a config that names none: generated at first start and kept in the state directory.
    static func persisted(in store: StateStore) throws -> [UInt8] {
        struct Identity: Codable { var systemGUID: String }
        if let identity = try store.load(Identity.self, from: "identity.json"), let uuid = UUID(uuidString: identity.systemGUID) {
            return wireBytes(of: uuid)
        }
        let uuid = UUID()
        try store.save(Identity(systemGUID: uuid.uuidString.lowercased()), as: "identity.json")
        return wireBytes(of: uuid)
    }
}

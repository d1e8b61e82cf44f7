import IPMICore

extension ConfigSchema {
    /// The `lan:` section: the LAN channel's network identity, SNMP community and alert
    /// destinations. They seed the LAN configuration parameters; values a client sets over
    /// IPMI are persisted and win from then on.
    ///
    ///     lan:
    ///       ip_address: 192.0.2.10
    ///       ip_source: static           # static, dhcp, bios or other
    ///       subnet_mask: 255.255.255.0
    ///       gateway: 192.0.2.1
    ///       gateway_mac: "02:00:00:00:00:fe"
    ///       backup_gateway: 192.0.2.2
    ///       backup_gateway_mac: "02:00:00:00:00:fd"
    ///       mac: "02:00:00:00:00:01"
    ///       vlan_id: 100                # 1..4094; absent = no VLAN
    ///       vlan_priority: 0            # 0..7
    ///       community: public           # at most 18 bytes
    ///       alert_destinations:
    ///         - { selector: 1, address: 127.0.0.2, port: 162, version: v1, acknowledged: false, ack_timeout: 3, retries: 3 }
    ///         - { selector: 3, address: 127.0.0.4, version: v3, v3: { user: u, auth_passphrase: "...", priv_passphrase: "..." } }
    func readLAN(_ node: ConfigNode?) throws(ConfigError) -> LANConfiguration {
        var lan = LANConfiguration()
        guard let node else { return lan }
        if let value = try node.child("interface") {
            lan.interface = try value.string()
            for key in ["ip_address", "subnet_mask", "gateway", "gateway_mac", "mac"] where try node.child(key) != nil {
                throw value.error("give interface or \(key), not both: the interface's own \(key) is used")
            }
        }
        if let value = try node.child("ip_address") { lan.ipAddress = try value.ipv4Address() }
        if let value = try node.child("ip_source") {
            switch try value.string() {
            case "static": lan.addressSource = .static
            case "dhcp": lan.addressSource = .dhcp
            case "bios": lan.addressSource = .bios
            case "other": lan.addressSource = .other
            case let other: throw value.error("expected static, dhcp, bios or other, not \"\(other)\"")
            }
        }
        if let value = try node.child("subnet_mask") { lan.subnetMask = try value.ipv4Address() }
        if let value = try node.child("gateway") { lan.defaultGateway = try value.ipv4Address() }
        if let value = try node.child("gateway_mac") { lan.defaultGatewayMAC = try value.macAddress() }
        if let value = try node.child("backup_gateway") { lan.backupGateway = try value.ipv4Address() }
        if let value = try node.child("backup_gateway_mac") { lan.backupGatewayMAC = try value.macAddress() }
        if let value = try node.child("mac") { lan.macAddress = try value.macAddress() }
        if let value = try node.child("vlan_id") { lan.vlanID = try value.integer(in: 1...4094) }
        if let value = try node.child("vlan_priority") { lan.vlanPriority = try value.integer(in: 0...7) }
        if let value = try node.child("community") { lan.communityString = try value.community() }
        if let list = try node.child("alert_destinations") {
            for element in try list.elements() {
                let destination = try readAlertDestination(element)
                guard !lan.destinations.contains(where: { $0.selector == destination.selector }) else {
                    throw element.error("selector \(destination.selector) is given twice")
                }
                lan.destinations.append(destination)
            }
        }
        try node.rejectUnknownKeys()
        return lan
    }

    private func readAlertDestination(_ node: ConfigNode) throws(ConfigError) -> AlertDestination {
        let selector: UInt8 = try node.required("selector").integer(in: 1...LANParameter.highestDestination)
        var destination = AlertDestination(selector: selector, address: try node.required("address").ipv4Address())
        if let value = try node.child("port") { destination.port = try value.integer(in: 1...65535) }
        if let value = try node.child("version") {
            let text = try value.string()
            guard let version = AlertDestination.SNMPVersion(rawValue: text) else {
                throw value.error("expected v1, v2c or v3, not \"\(text)\"")
            }
            destination.version = version
        }
        if let value = try node.child("community") { destination.community = try value.community() }
        if let value = try node.child("acknowledged") { destination.isAcknowledged = try value.bool() }
        if let value = try node.child("ack_timeout") { destination.ackTimeout = try value.integer(in: 0...255) }
        if let value = try node.child("retries") { destination.retries = try value.integer(in: 0...7) }
        let v3 = try node.child("v3")
        if let v3 {
            destination.v3 = AlertDestination.V3Credentials(
                user: try v3.required("user").string(),
                authPassphrase: try v3.required("auth_passphrase").passphrase(),
                privPassphrase: try v3.required("priv_passphrase").passphrase())
            try v3.rejectUnknownKeys()
        }
        if destination.version == .v3 {
            guard v3 != nil else { throw node.error("version v3 needs v3: { user, auth_passphrase, priv_passphrase }") }
            guard destination.community == nil else { throw node.error("community is for v1 and v2c destinations") }
        } else if v3 != nil {
            throw node.error("v3 credentials need version: v3")
        }
        try node.rejectUnknownKeys()
        return destination
    }
}

extension ConfigNode {
    /// A dotted-quad IPv4 address, in network order.
    func ipv4Address() throws(ConfigError) -> [UInt8] {
        let text = try string()
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        let bytes = parts.compactMap { $0.count <= 3 && $0.allSatisfy(\.isASCII) ? UInt8($0) : nil }
        guard parts.count == 4, bytes.count == 4 else { throw error("expected an IPv4 address like 192.0.2.10, not \"\(text)\"") }
        return bytes
    }

    /// A MAC address as six hex bytes separated by colons (or dashes).
    func macAddress() throws(ConfigError) -> [UInt8] {
        let text = try string()
        let parts = text.split(omittingEmptySubsequences: false) { $0 == ":" || $0 == "-" }
        let bytes = parts.compactMap { $0.count == 2 ? UInt8($0, radix: 16) : nil }
        guard parts.count == 6, bytes.count == 6 else { throw error("expected a MAC address like 02:00:00:00:00:01, not \"\(text)\"") }
        return bytes
    }

    /// An SNMP community: what fits LAN parameter 16 (1 to 18 bytes, no NUL).
    func community() throws(ConfigError) -> String {
        let text = try string()
        guard (1...18).contains(text.utf8.count), !text.utf8.contains(0) else {
            throw error("expected a community of 1 to 18 bytes")
        }
        return text
    }

    /// An SNMPv3 passphrase: net-snmp refuses ones shorter than 8 characters.
    func passphrase() throws(ConfigError) -> String {
        let text = try string()
        guard text.utf8.count >= 8 else { throw error("expected a passphrase of at least 8 characters") }
        return text
    }
}

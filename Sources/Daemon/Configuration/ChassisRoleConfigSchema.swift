import IPMICore
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The `chassis:` section's keys for a chassis of BMCs (docs/design.md, "Chassis of BMCs").
/// Without `role` the BMC is a standalone switch and none of these keys may appear.
///
///     chassis:
///       role: mm                  # the management module
///       slots: 4                  # its line cards are in slots 1 to 4
///       reading_max_age: 10       # seconds before a line card's pushed reading reads unavailable
///       link_timeout: 8           # seconds of silence before a line card's link is lost
///
///     chassis:
///       role: lc                  # a line card
///       slot: 2                   # its IPMB address is the slot's, 2 × (40h + slot): 84h
///       management_module: 10.0.0.1:623   # ADDR[:PORT] or [V6ADDR]:PORT of the MM's LAN
///       user: linecard            # the MM's user it logs in as (administrator privilege)
///       password_file: /etc/ipmigod/linecard.password   # or password: (a warning)
///       cipher_suite: 17          # with integrity: the link carries administrator requests
///       heartbeat_interval: 2     # seconds between heartbeats when nothing else is sent
extension ConfigSchema {
    private static let managementModuleKeys = ["slots", "reading_max_age", "link_timeout"]
    private static let lineCardKeys = ["slot", "management_module", "user", "password", "password_file",
                                       "cipher_suite", "heartbeat_interval"]

    /// The role, checked against the session limit: an MM keeps one session per slot on top
    /// of `limits.max_sessions`, and a BMC has at most 63 session handles.
    func readChassisRole(_ node: ConfigNode?, limits: SessionLimits) throws(ConfigError) -> ChassisRole {
        guard let node else { return .standalone }
        guard let roleNode = try node.child("role") else {
            for key in Self.managementModuleKeys + Self.lineCardKeys {
                if let value = try node.child(key) { throw value.error("needs chassis.role: mm or lc") }
            }
            return .standalone
        }
        switch try roleNode.string() {
        case "mm":
            try refuse(Self.lineCardKeys, in: node, role: "lc")
            return .managementModule(try readManagementModule(node, limits: limits))
        case "lc":
            try refuse(Self.managementModuleKeys, in: node, role: "mm")
            return .lineCard(try readLineCard(node))
        case let other:
            throw roleNode.error("expected mm (management module) or lc (line card), not \"\(other)\"")
        }
    }

    private func refuse(_ keys: [String], in node: ConfigNode, role: String) throws(ConfigError) {
        for key in keys {
            if let value = try node.child(key) { throw value.error("applies to role: \(role) only") }
        }
    }

    private func readManagementModule(_ node: ConfigNode, limits: SessionLimits) throws(ConfigError) -> ManagementModuleSettings {
        let slotsNode = try node.required("slots")
        var settings = ManagementModuleSettings(slotCount: try slotsNode.integer(in: 1...SlotAddress.slots.upperBound))
        let sessions = limits.maximumSessions + Int(settings.slotCount)
        guard sessions <= 63 else {
            throw slotsNode.error("\(settings.slotCount) line cards need a session each on top of limits.max_sessions "
                + "(\(limits.maximumSessions)): \(sessions) is more than the 63 a BMC can hold")
        }
        if let value = try node.child("reading_max_age") { settings.readingMaximumAge = try value.number(in: 1...3600) }
        if let value = try node.child("link_timeout") { settings.linkTimeout = try value.number(in: 1...3600) }
        return settings
    }

    private func readLineCard(_ node: ConfigNode) throws(ConfigError) -> LineCardSettings {
        let slot: UInt8 = try node.required("slot").integer(in: SlotAddress.slots)
        let (host, port) = try readManagementModuleAddress(try node.required("management_module"))
        let userNode = try node.required("user")
        let user = try userNode.string()
        guard (1...16).contains(user.utf8.count), user.utf8.allSatisfy({ $0 >= 0x21 && $0 < 0x7F }) else {
            throw userNode.error("a user name is 1 to 16 printable ASCII characters without spaces")
        }
        let password = try readPassword(node)
        guard !password.isEmpty else {
            throw ConfigError(file: node.file, line: node.line, field: "\(node.field).password_file",
                              message: "a line card needs the password of its user on the management module")
        }
        var settings = LineCardSettings(slot: slot, managementModuleHost: host, managementModulePort: port,
                                        userName: user, password: password)
        if let value = try node.child("cipher_suite") {
            let id: UInt8 = try value.integer(in: 0...255)
            guard let suite = CipherSuite.supported(id: id) else {
                let ids = CipherSuite.supported.map { String($0.id) }.joined(separator: ", ")
                throw value.error("cipher suite \(id) is not supported (supported: \(ids))")
            }
            // The link carries administrator requests and the chassis's events: unsigned
            // packets would let anyone on the management network forge them.
            guard suite.integrity != .none else {
                throw value.error("cipher suite \(id) has no integrity algorithm; the link needs one that has (3, 17, ...)")
            }
            settings.cipherSuite = id
        }
        if let value = try node.child("heartbeat_interval") { settings.heartbeatInterval = try value.number(in: 0.1...60) }
        return settings
    }

    /// ADDR[:PORT] or [V6ADDR][:PORT], the address a numeric IP: the link starts at boot,
    /// before any resolver can be trusted, and must not hang on one.
    private func readManagementModuleAddress(_ node: ConfigNode) throws(ConfigError) -> (host: String, port: Int) {
        let text = try node.string()
        // A bare IPv6 address has colons but no brackets: the whole text is the address.
        let bareIPv6 = !text.hasPrefix("[") && text.filter { $0 == ":" }.count > 1
        let parsed = bareIPv6 ? ListenAddress("[\(text)]") : ListenAddress(text)
        guard let parsed, (1...65535).contains(parsed.port), Self.isNumericAddress(parsed.host) else {
            throw node.error("expected ADDRESS[:PORT] or [IPV6]:PORT with a numeric address, not \"\(text)\"")
        }
        return (parsed.host, parsed.port)
    }

    private static func isNumericAddress(_ host: String) -> Bool {
        var buffer = in6_addr()
        return inet_pton(AF_INET, host, &buffer) == 1 || inet_pton(AF_INET6, host, &buffer) == 1
    }
}

extension ConfigWarnings {
    /// A line card's password written into the config (readable wherever the config is).
    func chassisRole() throws(ConfigError) -> [ConfigError] {
        guard let chassis = try root.child("chassis"), let password = try chassis.child("password") else { return [] }
        return [password.error("the line card's password is in the config file; put it in a password_file (mode 600)")]
    }
}

extension ChassisRole {
    /// Sessions the role needs on top of `limits.max_sessions`: one per line card on an MM.
    var linkSessions: Int { Int(managementModule?.slotCount ?? 0) }

    /// One line for `check-config` and the start-up log; nil for a standalone switch.
    var summary: String? {
        switch self {
        case .standalone:
            return nil
        case .managementModule(let settings):
            return "chassis role: management module for slots 1-\(settings.slotCount) (reading max age "
                + "\(settings.readingMaximumAge) s, link timeout \(settings.linkTimeout) s)"
        case .lineCard(let settings):
            let address = settings.managementModuleHost.contains(":")
                ? "[\(settings.managementModuleHost)]" : settings.managementModuleHost
            return "chassis role: line card in slot \(settings.slot), IPMB address 0x"
                + String(settings.ipmbAddress, radix: 16, uppercase: true) + ", management module "
                + "\(address):\(settings.managementModulePort) as \(settings.userName), cipher suite \(settings.cipherSuite)"
        }
    }
}

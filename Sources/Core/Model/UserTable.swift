/// One slot of the user table (IPMI 2.0 section 6.9). Slot 1 is the null user.
public struct UserRecord: Codable, Sendable, Equatable {
    public var id: UInt8
    public var name: String
    /// Up to 20 bytes; IPMI 1.5 uses the first 16, zero-padded.
    public var password: [UInt8]
    public var enabled: Bool
    /// Privilege limit on the LAN channel; nil means no access (0x0F on the wire).
    public var privilegeLimit: PrivilegeLevel?
    public var ipmiMessaging: Bool
    public var linkAuthentication: Bool
    public var callbackOnly: Bool
    /// How many sessions the user may hold at once (Set User Access byte 4); 0 means only the
    /// BMC's limit applies.
    public var sessionLimit: UInt8 = 0

    /// An empty slot may use IPMI messaging once it is enabled and given a password and a
    /// privilege limit, so ipmitool's user set name / set password / priv / enable suffice.
    public init(id: UInt8, name: String = "", password: [UInt8] = [], enabled: Bool = false,
                privilegeLimit: PrivilegeLevel? = nil, ipmiMessaging: Bool = true, linkAuthentication: Bool = false,
                callbackOnly: Bool = false) {
        self.id = id
        self.name = name
        self.password = password
        self.enabled = enabled
        self.privilegeLimit = privilegeLimit
        self.ipmiMessaging = ipmiMessaging
        self.linkAuthentication = linkAuthentication
        self.callbackOnly = callbackOnly
    }

    public var nameBytes: [UInt8] { Array(name.utf8) }

    /// The key RMCP+ authenticates with (K_UID): the password, zero-padded to 20 bytes.
    public var key: [UInt8] {
        var key = password
        key.append(contentsOf: repeatElement(0, count: max(0, 20 - password.count)))
        return key
    }

    /// The password as IPMI 1.5 uses it: exactly 16 bytes.
    public var legacyPassword: [UInt8] {
        Array(password.prefix(16)) + [UInt8](repeating: 0, count: max(0, 16 - password.count))
    }

    /// May this user log in over the LAN channel at all?
    public var canLogIn: Bool { enabled && ipmiMessaging && privilegeLimit != nil }

    enum CodingKeys: String, CodingKey {
        case id, name, password, enabled, privilegeLimit, ipmiMessaging, linkAuthentication, callbackOnly, sessionLimit
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(UInt8.self, forKey: .id)
        name = try container.decode(String.self, forKey: .name)
        guard let bytes = [UInt8](hexString: try container.decode(String.self, forKey: .password)) else {
            throw DecodingError.dataCorruptedError(forKey: .password, in: container, debugDescription: "not hex")
        }
        password = bytes
        enabled = try container.decode(Bool.self, forKey: .enabled)
        privilegeLimit = try container.decodeIfPresent(PrivilegeLevel.self, forKey: .privilegeLimit)
        ipmiMessaging = try container.decode(Bool.self, forKey: .ipmiMessaging)
        linkAuthentication = try container.decode(Bool.self, forKey: .linkAuthentication)
        callbackOnly = try container.decode(Bool.self, forKey: .callbackOnly)
        sessionLimit = try container.decodeIfPresent(UInt8.self, forKey: .sessionLimit) ?? 0
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(name, forKey: .name)
        try container.encode(password.hexString, forKey: .password)
        try container.encode(enabled, forKey: .enabled)
        try container.encodeIfPresent(privilegeLimit, forKey: .privilegeLimit)
        try container.encode(ipmiMessaging, forKey: .ipmiMessaging)
        try container.encode(linkAuthentication, forKey: .linkAuthentication)
        try container.encode(callbackOnly, forKey: .callbackOnly)
        if sessionLimit != 0 { try container.encode(sessionLimit, forKey: .sessionLimit) }
    }
}

/// The BMC's users: a fixed number of slots, persisted as a whole on every change.
public struct UserTable: Codable, Sendable, Equatable {
    public static let capacity: UInt8 = 16
    public private(set) var slots: [UserRecord]

    public init(configured: [UserConfiguration]) {
        slots = (1...UserTable.capacity).map { UserRecord(id: $0) }
        for user in configured where user.id >= 1 && user.id <= UserTable.capacity {
            slots[Int(user.id) - 1] = UserRecord(
                id: user.id, name: user.name, password: user.password, enabled: user.enabled,
                privilegeLimit: user.privilege, ipmiMessaging: true, linkAuthentication: false, callbackOnly: false)
        }
    }

    /// Whether user `id` exists and may log in now; read in place, for every session packet.
    public func canLogIn(_ id: UInt8) -> Bool {
        slot(of: id).map { slots[$0].canLogIn } ?? false
    }

    public subscript(id: UInt8) -> UserRecord? {
        get { slot(of: id).map { slots[$0] } }
        set {
            guard let newValue, let slot = slot(of: id) else { return }
            slots[slot] = newValue
        }
    }

    /// Where user `id` (1-based) is kept; nil outside the table.
    private func slot(of id: UInt8) -> Int? {
        id >= 1 && Int(id) <= slots.count ? Int(id) - 1 : nil
    }

    public var enabledCount: Int { slots.count { $0.enabled } }
    /// Slot 1, the null user, has a fixed (empty) name.
    public static let fixedNameCount: UInt8 = 1

    /// The user a session may be opened for: by name alone, or for a null name the first
    /// user whose name is null and whose limit is the requested privilege (role lookup).
    public func lookUp(name: [UInt8], privilege: PrivilegeLevel?, nameOnly: Bool) -> UserRecord? {
        if name.isEmpty {
            return slots.first { $0.name.isEmpty && $0.canLogIn && (nameOnly || $0.privilegeLimit == privilege) }
        }
        return slots.first {
            $0.nameBytes == name && $0.canLogIn && (nameOnly || privilege == nil || $0.privilegeLimit == privilege)
        }
    }
}

extension Array where Element == UInt8 {
    public init?(hexString hex: String) {
        var bytes: [UInt8] = []
        var iterator = hex.utf8.makeIterator()
        while let high = iterator.next() {
            guard let low = iterator.next(), let h = hexValue(high), let l = hexValue(low) else { return nil }
            bytes.append(h << 4 | l)
        }
        self = bytes
    }

    public var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(count * 2)
        for byte in self {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

private func hexValue(_ c: UInt8) -> UInt8? {
    switch c {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
    default: nil
    }
}

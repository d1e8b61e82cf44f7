/// The IPMI 1.5 session authentication type (the first byte of the session header).
/// `rmcpPlus` is not an authentication type but marks the IPMI 2.0 header format.
public enum AuthenticationType: UInt8, Sendable, CaseIterable, Codable {
    case none = 0x00
    case md2 = 0x01
    case md5 = 0x02
    case straightPassword = 0x04
    case oem = 0x05
    case rmcpPlus = 0x06

    /// The bit for this type in Get Channel Authentication Capabilities and LAN parameter 2.
    public var supportBit: UInt8 {
        switch self {
        case .none: 0x01
        case .md2: 0x02
        case .md5: 0x04
        case .straightPassword: 0x10
        case .oem: 0x20
        case .rmcpPlus: 0x00
        }
    }

    public init?(name: String) {
        switch name.lowercased() {
        case "none": self = .none
        case "md5": self = .md5
        case "password", "straight_password", "straight-password": self = .straightPassword
        default: return nil
        }
    }
}

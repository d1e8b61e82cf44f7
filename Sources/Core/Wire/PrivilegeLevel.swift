/// IPMI privilege levels, ordered so that `a < b` means `b` may do more.
public enum PrivilegeLevel: UInt8, Comparable, Sendable, CaseIterable, Codable {
    /// Commands any remote console may send before it has a session.
    case none = 0
    case callback = 1
    case user = 2
    case `operator` = 3
    case administrator = 4
    case oem = 5

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The value carried in a privilege-limit field where 0x0F means "no access".
    public static let noAccessRawValue: UInt8 = 0x0F

    public var name: String {
        switch self {
        case .none: "none"
        case .callback: "callback"
        case .user: "user"
        case .operator: "operator"
        case .administrator: "administrator"
        case .oem: "oem"
        }
    }

    public init?(name: String) {
        switch name.lowercased() {
        case "callback": self = .callback
        case "user": self = .user
        case "operator": self = .operator
        case "administrator", "admin": self = .administrator
        case "oem", "oem_proprietary": self = .oem
        default: return nil
        }
    }
}

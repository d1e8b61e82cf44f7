/// The six thresholds of a threshold sensor, in the order of the threshold masks and of
/// Get/Set Sensor Thresholds (IPMI 2.0 section 35.8).
public enum Threshold: Int, CaseIterable, Sendable, Codable {
    case lowerNonCritical = 0
    case lowerCritical = 1
    case lowerNonRecoverable = 2
    case upperNonCritical = 3
    case upperCritical = 4
    case upperNonRecoverable = 5

    public var isUpper: Bool { rawValue >= 3 }
    public var maskBit: UInt8 { 1 << UInt8(rawValue) }

    /// The event offset this ipmigod asserts for it: going low for lower thresholds, going
    /// high for upper ones (IPMI 2.0 table 42-2).
    public var eventOffset: UInt8 {
        switch self {
        case .lowerNonCritical: 0x00
        case .lowerCritical: 0x02
        case .lowerNonRecoverable: 0x04
        case .upperNonCritical: 0x07
        case .upperCritical: 0x09
        case .upperNonRecoverable: 0x0B
        }
    }

    /// Severity order for assertion (non-critical first); deassertions go the other way.
    public var severity: Int { rawValue % 3 }

    public static let upper: [Threshold] = [.upperNonCritical, .upperCritical, .upperNonRecoverable]
    public static let lower: [Threshold] = [.lowerNonCritical, .lowerCritical, .lowerNonRecoverable]
    /// Deassertions go most severe first, assertions least severe first (precomputed: this
    /// runs for every reading).
    static let deassertionOrder: [Threshold] = upper.reversed() + lower.reversed()
    static let assertionOrder: [Threshold] = lower + upper

    /// The config file's and ipmitool's short names.
    public var shortName: String {
        ["lnc", "lcr", "lnr", "unc", "ucr", "unr"][rawValue]
    }

    public init?(shortName: String) {
        switch shortName.lowercased() {
        case "lnc": self = .lowerNonCritical
        case "lc", "lcr": self = .lowerCritical
        case "lnr": self = .lowerNonRecoverable
        case "unc": self = .upperNonCritical
        case "uc", "ucr": self = .upperCritical
        case "unr": self = .upperNonRecoverable
        default: return nil
        }
    }
}

/// Raw threshold values, present or not.
public struct ThresholdSet: Sendable, Equatable, Codable {
    public var values: [UInt8?] = Array(repeating: nil, count: 6)

    public init() {}

    public subscript(threshold: Threshold) -> UInt8? {
        get { values[threshold.rawValue] }
        set { values[threshold.rawValue] = newValue }
    }

    /// Bits 0..5: which thresholds are present.
    public var mask: UInt8 {
        Threshold.allCases.reduce(0) { self[$1] == nil ? $0 : $0 | $1.maskBit }
    }
}

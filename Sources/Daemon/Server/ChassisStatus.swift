import IPMICore

/// The chassis part of `ipmigod status`: power, identify, and the last platform actions
/// with how each ended.
struct ChassisStatus: Codable, Equatable {
    var power: String
    var identify: String
    var actions: [PlatformActionRecord]

    /// Taken on the BMC's event loop.
    init(bmc: BMC) {
        power = bmc.chassis.isPoweredOn ? "on" : "off"
        identify = switch bmc.chassis.identify {
        case .off: "off"
        case .timed: "on (timed)"
        case .indefinite: "on (forced)"
        }
        actions = bmc.chassis.recentActions
    }

    var lines: [String] {
        var lines = ["chassis: power \(power), identify \(identify)", "platform actions:"]
        for action in actions {
            lines.append("  +\(action.atSecond) s: \(action.action) (\(action.reason)): \(action.outcome)")
        }
        if actions.isEmpty { lines.append("  (none since start)") }
        return lines
    }
}

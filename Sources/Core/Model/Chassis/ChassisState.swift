import NIOCore

/// What the chassis is doing now: power, identify, the last restart. Volatile: a restart of
/// the daemon starts it again from the power restore policy.
public struct ChassisState {
    public var isPoweredOn = true
    /// A power action is with the platform; another is refused until it ends.
    public var isPowerActionRunning = false
    /// Between the off and on halves of a power cycle: sensors read unavailable.
    public var isPowerCycling = false
    /// Get Chassis Status byte 2: bit 4 is "last power on by an IPMI command".
    public var lastPowerEvent: UInt8 = 0
    public var identify: IdentifyState = .off
    public var restartCause: RestartCause = .unknown
    /// The channel the restart was asked on (Get System Restart Cause byte 2).
    public var restartChannel: UInt8 = 0
    public var boot = VolatileBootOptions()
    /// The last platform actions, newest last, for `ipmigod status`.
    public var recentActions: [PlatformActionRecord] = []
    var identifyTimer: Scheduled<Void>?
    var bootFlagTimer: Scheduled<Void>?
    var pohTimer: Scheduled<Void>?
    /// Seconds of power-on not yet counted as a whole minute.
    var pohSeconds = 0
    let started = NIODeadline.now()

    public init() {}
}

public enum IdentifyState: Sendable, Equatable {
    case off
    case timed(until: NIODeadline)
    case indefinite

    /// Get Chassis Status byte 3 bits 5..4.
    var statusBits: UInt8 {
        switch self {
        case .off: 0
        case .timed: 1
        case .indefinite: 2
        }
    }
}

/// Get System Restart Cause (IPMI 2.0 table 28-11).
public enum RestartCause: UInt8, Sendable {
    case unknown = 0x0
    case chassisControl = 0x1
    case resetButton = 0x2
    case powerButton = 0x3
    case watchdog = 0x4
    case oem = 0x5
    case alwaysOnPolicy = 0x6
    case previousPolicy = 0x7
    case pefReset = 0x8
    case pefPowerCycle = 0x9
    case softReset = 0xA
    case realTimeClock = 0xB
}

/// One platform action as `ipmigod status` lists it.
public struct PlatformActionRecord: Sendable, Codable, Equatable {
    public var action: String
    public var reason: String
    /// "done", "refused (0xD5)", "failed (0xFF)" and so on.
    public var outcome: String
    /// Seconds after the daemon started.
    public var atSecond: Int
}

/// What the watchdog is timing (IPMI 2.0 section 27.6, timer use bits 2:0). The raw value is
/// also the bit of the timer use expiration flags that an expiry sets.
public enum WatchdogTimerUse: UInt8, Sendable, CustomStringConvertible {
    case biosFRB2 = 1
    case biosPOST = 2
    case osLoad = 3
    case smsOS = 4
    case oem = 5

    public var description: String {
        switch self {
        case .biosFRB2: "BIOS FRB2"
        case .biosPOST: "BIOS/POST"
        case .osLoad: "OS load"
        case .smsOS: "SMS/OS"
        case .oem: "OEM"
        }
    }
}

/// What an expiry does to the system (timer actions bits 2:0).
public enum WatchdogTimeoutAction: UInt8, Sendable, CustomStringConvertible {
    case none = 0
    case hardReset = 1
    case powerDown = 2
    case powerCycle = 3

    /// The platform action that carries it out; nil for "no action".
    public var platformAction: PlatformAction? {
        switch self {
        case .none: nil
        case .hardReset: .hardReset
        case .powerDown: .powerOff
        case .powerCycle: .powerCycle
        }
    }

    public var description: String { platformAction?.name ?? "none" }
}

/// The interrupt raised the pre-timeout interval before an expiry (timer actions bits 6:4).
public enum WatchdogPreTimeoutInterrupt: UInt8, Sendable {
    case none = 0
    case smi = 1
    /// NMI / diagnostic interrupt: the one a LAN-only BMC can raise, as a platform action.
    case nmi = 2
    case messaging = 3
}

/// The watchdog as Set Watchdog Timer leaves it.
public struct WatchdogSettings: Sendable, Equatable {
    public var timerUse: WatchdogTimerUse
    /// No SEL entry on expiry (timer use bit 7).
    public var dontLog: Bool
    public var timeoutAction: WatchdogTimeoutAction
    public var preTimeoutInterrupt: WatchdogPreTimeoutInterrupt
    /// Seconds before the expiry that the pre-timeout interrupt fires.
    public var preTimeoutInterval: UInt8
    /// In 100 ms counts.
    public var initialCountdown: UInt16

    public init(timerUse: WatchdogTimerUse, dontLog: Bool = false, timeoutAction: WatchdogTimeoutAction,
                preTimeoutInterrupt: WatchdogPreTimeoutInterrupt = .none, preTimeoutInterval: UInt8 = 0,
                initialCountdown: UInt16) {
        self.timerUse = timerUse
        self.dontLog = dontLog
        self.timeoutAction = timeoutAction
        self.preTimeoutInterrupt = preTimeoutInterrupt
        self.preTimeoutInterval = preTimeoutInterval
        self.initialCountdown = initialCountdown
    }

    /// Timer use byte as Get Watchdog Timer reports it (bit 6, running, added by the caller).
    var timerUseByte: UInt8 { (dontLog ? 0x80 : 0) | timerUse.rawValue }

    /// Timer actions byte: pre-timeout interrupt in bits 6:4, timeout action in bits 2:0.
    var timerActionsByte: UInt8 { preTimeoutInterrupt.rawValue << 4 | timeoutAction.rawValue }
}

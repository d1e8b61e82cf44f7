/// Something the platform (the switch's CPU complex, its LEDs, its boot loader) is asked to
/// do. The BMC decides; a `PlatformActions` implementation carries it out: hook commands an
/// integrator configures on a real switch, a simulated chassis in simulate mode, a recorder
/// in tests.
public enum PlatformAction: Sendable, Hashable, CustomStringConvertible {
    case powerOn
    case powerOff
    case powerCycle
    case hardReset
    case softShutdown
    case diagnosticInterrupt
    case identifyOn
    case identifyOff
    /// The boot device selector of boot option parameter 5 (IPMI 2.0 table 28-14, byte 2
    /// bits 5:2), with the persistent flag.
    case setBootDevice(selector: UInt8, persistent: Bool)

    /// The name used in the config's `hooks:` section and in log lines.
    public var name: String {
        switch self {
        case .powerOn: "power_on"
        case .powerOff: "power_off"
        case .powerCycle: "power_cycle"
        case .hardReset: "hard_reset"
        case .softShutdown: "soft_shutdown"
        case .diagnosticInterrupt: "diagnostic_interrupt"
        case .identifyOn: "identify_on"
        case .identifyOff: "identify_off"
        case .setBootDevice: "boot_device"
        }
    }

    public var description: String { name }
}

/// How a platform action ended.
public enum PlatformActionOutcome: Sendable, Equatable {
    case done
    /// The action ran and failed, hung past its timeout, or has no hook: the completion code
    /// to answer with.
    case failed(CompletionCode)
}

/// Carries out platform actions off the BMC's event loop. `completion` may be called on any
/// thread; `BMC.perform` brings it back to the BMC's loop.
public protocol PlatformActions: AnyObject, Sendable {
    /// Whether the action can be carried out at all (a hook is configured for it).
    func supports(_ action: PlatformAction) -> Bool
    func perform(_ action: PlatformAction, reason: String,
                 completion: @escaping @Sendable (PlatformActionOutcome) -> Void)
    /// Whether the chassis has no power until the BMC powers it on, so the power restore
    /// policy decides at start (a simulated chassis); false for a switch running this daemon.
    var startsWithoutPower: Bool { get }
}

extension PlatformActions {
    public var startsWithoutPower: Bool { false }
}

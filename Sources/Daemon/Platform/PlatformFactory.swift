import IPMICore
import Logging
import NIOCore

enum PlatformFactory {
    /// The platform the config names; called on the BMC's loop.
    static func make(_ configuration: PlatformConfiguration, bmc: BMC, loop: any EventLoop,
                     logger: Logger) -> (any PlatformActions)? {
        switch configuration {
        case .none:
            return nil
        case .simulated:
            return SimulatedChassis(loop: loop, logger: logger) { [unowned bmc] in bmc.chassisSettings.powerCycleInterval }
        case .hooks(let hooks):
            return HookRunner(hooks: hooks, logger: logger)
        }
    }
}

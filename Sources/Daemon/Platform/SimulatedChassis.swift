import IPMICore
import Logging
import NIOCore

/// Simulate mode's chassis: every action works and takes about as long as on hardware.
/// What it changes (power, and so whether sensors read; identify; boot device) the BMC
/// tracks from the outcome, exactly as with real hooks. It starts without power, so the
/// power restore policy decides at each start.
final class SimulatedChassis: PlatformActions {
    private let loop: any EventLoop
    private let logger: Logger
    /// Seconds the chassis stays off in a power cycle; read on the BMC's loop as each cycle starts.
    private let powerCycleInterval: NIOLoopBound<() -> UInt8>

    init(loop: any EventLoop, logger: Logger, powerCycleInterval: @escaping () -> UInt8) {
        self.loop = loop
        self.logger = logger
        self.powerCycleInterval = NIOLoopBound(powerCycleInterval, eventLoop: loop)
    }

    var startsWithoutPower: Bool { true }

    func supports(_ action: PlatformAction) -> Bool { true }

    func perform(_ action: PlatformAction, reason: String,
                 completion: @escaping @Sendable (PlatformActionOutcome) -> Void) {
        let delay: TimeAmount
        switch action {
        case .powerCycle:
            // The spec's interval, or one second when it is 0 (the platform's default).
            delay = .seconds(Int64(max(1, powerCycleInterval.value())))
        case .hardReset, .softShutdown:
            delay = .milliseconds(200)
        case .setBootDevice(let selector, let persistent):
            logger.info("simulated chassis: boot device recorded",
                        metadata: ["device": "\(BootFlags.deviceName(selector))", "persistent": "\(persistent)"])
            delay = .zero
        default:
            delay = .zero
        }
        logger.info("simulated chassis: \(action)", metadata: ["reason": "\(reason)"])
        loop.scheduleTask(in: delay) { completion(.done) }
    }
}

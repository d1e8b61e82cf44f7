import Logging
import NIOCore

/// Starts what simulate mode adds to a daemon: the simulated switch's overlay with the
/// scenarios the config starts, and the `sim` verbs the control socket serves for it.
enum SimulationControl {
    static func start(configuration: DaemonConfiguration, loop: any EventLoop,
                      logger: Logger) async throws -> (NIOLoopBound<SimulatedSwitch>, [ControlVerb]) {
        let sensors = configuration.bmc.sensors
        let simulation = configuration.simulation
        let member = try await loop.submit {
            let member = SimulatedSwitch(member: 0, sensors: sensors, catalog: simulation.catalog, logger: logger)
            let now = SimulatedSwitch.now()
            for start in simulation.startup { try member.start(start, at: now) }
            return NIOLoopBound(member, eventLoop: loop)
        }.get()
        return (member, SimulationVerbs.make(members: [member], loop: loop))
    }
}

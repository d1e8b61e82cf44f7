import Logging
import NIOCore

/// Starts what simulate mode adds to a daemon: the simulated switch's overlay with the
/// scenarios the config starts, and the control socket serving the `sim` verbs.
enum SimulationControl {
    static func start(configuration: DaemonConfiguration, loop: any EventLoop,
                      logger: Logger) async throws -> (NIOLoopBound<SimulatedSwitch>, ControlServer) {
        let sensors = configuration.bmc.sensors
        let simulation = configuration.simulation
        let member = try await loop.submit {
            let member = SimulatedSwitch(member: 0, sensors: sensors, catalog: simulation.catalog, logger: logger)
            let now = SimulatedSwitch.now()
            for start in simulation.startup { try member.start(start, at: now) }
            return NIOLoopBound(member, eventLoop: loop)
        }.get()
        let verbs = ControlVerbTable(SimulationVerbs.make(members: [member], loop: loop), loop: loop)
        let control = try await ControlServer.start(directory: configuration.bmc.stateDirectory, verbs: verbs, loop: loop,
                                                    logger: logger)
        return (member, control)
    }
}

import Logging
import NIOCore

/// Starts what simulate mode adds to a daemon: each simulated switch's overlay with the
/// scenarios the config starts, and the `sim` verbs the control socket serves for all of them.
enum SimulationControl {
    /// - Parameters:
    ///   - members: the host's switches (one, or a fleet's), each with an overlay of its own.
    ///   - stagger: a fleet's start offset per member: member k's startup scenarios begin
    ///     k × stagger seconds after member 0's.
    static func start(configuration: DaemonConfiguration, members: [MemberPlan], stagger: Double = 0, loop: any EventLoop,
                      logger: Logger) async throws -> ([NIOLoopBound<SimulatedSwitch>], [ControlVerb]) {
        let simulation = configuration.simulation
        let switches = try await loop.submit {
            let now = SimulatedSwitch.now()
            return try members.map { plan in
                let member = SimulatedSwitch(member: plan.number, sensors: plan.configuration.sensors, catalog: simulation.catalog,
                                             logger: logger)
                for var start in simulation.startup {
                    start.offset += Double(plan.number) * stagger
                    try member.start(start, at: now)
                }
                return NIOLoopBound(member, eventLoop: loop)
            }
        }.get()
        return (switches, SimulationVerbs.make(members: switches, loop: loop))
    }
}

import IPMICore

/// What simulate mode adds: the scenarios it knows and those it starts with the daemon.
struct SimulationConfiguration: Sendable {
    var catalog = ScenarioCatalog()
    var startup: [ScenarioStart] = []
}

/// A scenario to start: by name, looping or not, after an offset.
struct ScenarioStart: Sendable, Equatable {
    var name: String
    /// nil: as the scenario file says.
    var loops: Bool?
    /// Seconds between loop starts; nil: the scenario's own.
    var period: Double?
    /// Seconds from the start command (or the daemon's start) to the first run.
    var offset: Double = 0
}

/// The `simulate:` section:
///
///     simulate:
///       scenario_directory: /etc/ipmigod/scenarios   # more NAME.yaml scenarios
///       scenarios:                                   # started with the daemon
///         - { name: overheat, loop: true, period: 600, offset: 240 }
extension ConfigSchema {
    func readSimulation(_ node: ConfigNode?, sensors: [SensorDefinition]) throws(ConfigError) -> SimulationConfiguration {
        var simulation = SimulationConfiguration(catalog: try ScenarioCatalog.builtIn())
        guard let node else { return simulation }
        if let directory = try node.child("scenario_directory") {
            let path = try directory.string()
            do { try simulation.catalog.add(directory: path) } catch {
                // A directory that cannot be read is this key's problem; a bad file names itself.
                throw error.file == path ? directory.error(error.message) : error
            }
        }
        for element in try node.child("scenarios")?.elements() ?? [] {
            let nameNode = try element.required("name")
            let name = try nameNode.string()
            guard let scenario = simulation.catalog[name] else {
                throw nameNode.error("no scenario named \"\(name)\" (known: \(simulation.catalog.names.joined(separator: ", ")))")
            }
            do { _ = try scenario.bind(to: sensors) } catch { throw nameNode.error(error.description) }
            var start = ScenarioStart(name: name)
            start.loops = try element.child("loop")?.bool()
            start.period = try element.child("period")?.number(in: 0.01...ScenarioFile.maximumSeconds)
            start.offset = try element.child("offset")?.number(in: 0...ScenarioFile.maximumSeconds) ?? 0
            try element.rejectUnknownKeys()
            simulation.startup.append(start)
        }
        try node.rejectUnknownKeys()
        return simulation
    }
}

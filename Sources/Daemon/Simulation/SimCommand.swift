import ArgumentParser

/// `ipmigod sim ...`: live control of a running simulated switch over its control socket.
struct Sim: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Control a running simulated switch: hold, fail and clear sensors, run scenarios.",
        subcommands: [SimList.self, SimSet.self, SimFail.self, SimClear.self, SimScenario.self, SimStatus.self])
}

/// Which daemon (its state directory holds the socket) and which of its switches.
struct SimTarget: ParsableArguments {
    @OptionGroup var daemon: ControlTarget

    @Option(name: .long, help: "Which simulated switch: a member number or all (the default).")
    var member: String?

    func validate() throws {
        if let member, member != "all", Int(member).map({ $0 < 0 }) ?? true {
            throw ValidationError("--member: expected a member number or all, not \"\(member)\"")
        }
    }

    /// Sends the request and prints the answer; a refusal exits 1, no daemon 69.
    func run(_ verb: String, _ arguments: [String] = []) throws {
        try daemon.run(ControlRequest(verb: verb, member: member, arguments: arguments), tool: "ipmigod sim")
    }
}

struct SimList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "Simulated sensors: last reading and what holds it (source, set, fail or a scenario).")
    @OptionGroup var target: SimTarget
    func run() throws { try target.run("sim.list") }
}

struct SimSet: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set", abstract: "Hold a sensor at a value (real units; a discrete sensor's state mask, e.g. 0x03).")
    @Argument(help: "The sensor's name, as in ipmitool sdr elist.") var sensor: String
    @Argument(help: "The value.") var value: String
    @OptionGroup var target: SimTarget
    func run() throws { try target.run("sim.set", [sensor, value]) }
}

struct SimFail: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fail", abstract: "Make a sensor unreadable (its reading becomes unavailable).")
    @Argument(help: "The sensor's name.") var sensor: String
    @OptionGroup var target: SimTarget
    func run() throws { try target.run("sim.fail", [sensor]) }
}

struct SimClear: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clear", abstract: "Give a sensor back to its configured source (--all: every sensor, and stop scenarios).")
    @Argument(help: "The sensor's name.") var sensor: String?
    @Flag(name: .long, help: "Every sensor; running scenarios stop.") var all = false
    @OptionGroup var target: SimTarget

    func validate() throws {
        guard (sensor != nil) != all else { throw ValidationError("give a SENSOR or --all") }
    }

    func run() throws {
        if let sensor { try target.run("sim.clear", [sensor]) } else { try target.run("sim.clear-all") }
    }
}

struct SimScenario: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scenario", abstract: "Start a named scenario (without NAME: list them), or --stop running ones.")
    @Argument(help: "The scenario (conf/scenarios/NAME.yaml, or the config's scenario_directory).") var name: String?
    @Flag(name: .long, help: "Stop NAME, or every running scenario.") var stop = false
    @Flag(name: .long, inversion: .prefixedNo, help: "Loop (default: as the scenario file says).") var loop: Bool?
    @Option(name: .long, help: "Seconds between loop starts.") var period: Double?
    @Option(name: .long, help: "Seconds before the first run.") var offset: Double?
    @Option(name: .long, help: "In a fleet: member k starts k × SECONDS after member 0.") var stagger: Double?
    @OptionGroup var target: SimTarget

    func validate() throws {
        if stop, loop != nil || period != nil || offset != nil || stagger != nil {
            throw ValidationError("--stop takes no --loop, --period, --offset or --stagger")
        }
    }

    func run() throws {
        if stop { return try target.run("sim.stop", name.map { [$0] } ?? []) }
        guard let name else { return try target.run("sim.scenarios") }
        var arguments = [name]
        if let loop { arguments.append("loop=\(loop)") }
        if let period { arguments.append("period=\(period)") }
        if let offset { arguments.append("offset=\(offset)") }
        if let stagger { arguments.append("stagger=\(stagger)") }
        try target.run("sim.scenario", arguments)
    }
}

struct SimStatus: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Running scenarios with their elapsed time, and the sensors held.")
    @OptionGroup var target: SimTarget
    func run() throws { try target.run("sim.status") }
}

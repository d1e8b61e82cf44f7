import IPMICore
import NIOCore

/// The `ipmigod sim ...` verbs of the control socket. Each runs on the poller's loop, where
/// the simulated switches live, for the members the request names (all when it names none).
enum SimulationVerbs {
    static func make(members: [NIOLoopBound<SimulatedSwitch>], loop: any EventLoop) -> [ControlVerb] {
        /// A verb run on each selected member; the outputs are joined, under the member's
        /// number when there is more than one.
        func perMember(_ name: String, _ summary: String,
                       _ body: @escaping @Sendable (ControlRequest, SimulatedSwitch, Double) throws -> String) -> ControlVerb {
            ControlVerb(name: name, summary: summary) { request in
                loop.submit {
                    do {
                        let selected = try select(request.member, from: members)
                        let now = SimulatedSwitch.now()
                        var outputs: [String] = []
                        for member in selected {
                            let output = try body(request, member.value, now)
                            outputs.append(members.count > 1 && !output.isEmpty ? "member \(member.value.member):\n\(output)" : output)
                        }
                        return .success(outputs.filter { !$0.isEmpty }.joined(separator: "\n"))
                    } catch {
                        return .failure("\(error)")
                    }
                }
            }
        }

        return [
            perMember("sim.list", "simulated sensors: last reading and what holds it") { _, member, now in
                TextTable.render(member.sensorTable(at: now), header: ["SENSOR", "READING", "HELD BY"])
            },
            perMember("sim.set", "SENSOR VALUE: hold a sensor at a value") { request, member, _ in
                let (sensor, text) = try arguments(request, exactly: 2, usage: "SENSOR VALUE")
                guard let value = parseNumber(text) else { throw SimulationError("\"\(text)\" is not a number") }
                try member.set(sensor, value: value)
                return ""
            },
            perMember("sim.fail", "SENSOR: make a sensor's reading unavailable") { request, member, _ in
                try member.fail(try arguments(request, exactly: 1, usage: "SENSOR").0)
                return ""
            },
            perMember("sim.clear", "SENSOR: give a sensor back to its source") { request, member, _ in
                try member.clear(try arguments(request, exactly: 1, usage: "SENSOR").0)
                return ""
            },
            perMember("sim.clear-all", "every sensor back to its source; scenarios stopped") { _, member, _ in
                member.clearAll()
                return ""
            },
            perMember("sim.scenarios", "the scenarios that can be started") { _, member, _ in
                TextTable.render(member.catalog.names.map { name in
                    let scenario = member.catalog[name]!
                    return [name, "\(scenario.duration.readingText) s", scenario.description]
                }, header: ["SCENARIO", "LENGTH", "DESCRIPTION"])
            },
            perMember("sim.scenario", "NAME [loop=BOOL] [period=S] [offset=S] [stagger=S]: start a scenario") { request, member, now in
                var (start, stagger) = try scenarioStart(request)
                // Staggered across a fleet: member k starts k × stagger seconds after member 0.
                start.offset += Double(member.member) * stagger
                try member.start(start, at: now)
                return ""
            },
            perMember("sim.stop", "[NAME]: stop a running scenario, or all") { request, member, _ in
                guard request.arguments.count <= 1 else { throw SimulationError("usage: sim.stop [NAME]") }
                _ = try member.stop(request.arguments.first)
                return ""
            },
            perMember("sim.status", "running scenarios and how far in they are") { _, member, now in
                member.expire(at: now)
                let held = member.sensorTable(at: now).filter { $0[2] != "source" }
                var text = member.overlay.running.isEmpty ? "no scenario running"
                    : TextTable.render(member.scenarioTable(at: now), header: ["SCENARIO", "ELAPSED", "REPEATS"])
                if !held.isEmpty {
                    text += "\n\n" + TextTable.render(held, header: ["SENSOR", "READING", "HELD BY"])
                }
                return text
            },
        ]
    }

    /// The members a request names: a number, "all", or nil for all.
    static func select(_ member: String?, from members: [NIOLoopBound<SimulatedSwitch>]) throws(SimulationError) -> [NIOLoopBound<SimulatedSwitch>] {
        guard let member, member != "all" else { return members }
        guard let number = Int(member), let found = members.first(where: { $0.value.member == number }) else {
            throw SimulationError("no member \(member): this daemon simulates \(members.count == 1 ? "one switch, member 0" : "members 0 to \(members.count - 1)")")
        }
        return [found]
    }

    private static func arguments(_ request: ControlRequest, exactly count: Int, usage: String) throws(SimulationError) -> (String, String) {
        guard request.arguments.count == count else { throw SimulationError("usage: \(request.verb) \(usage)") }
        return (request.arguments[0], count > 1 ? request.arguments[1] : "")
    }

    /// "107", "-1.5" or a state mask like "0x03".
    static func parseNumber(_ text: String) -> Double? {
        if text.lowercased().hasPrefix("0x"), let value = Int(text.dropFirst(2), radix: 16) { return Double(value) }
        guard let value = Double(text), value.isFinite else { return nil }
        return value
    }

    private static func scenarioStart(_ request: ControlRequest) throws(SimulationError) -> (ScenarioStart, stagger: Double) {
        guard let name = request.arguments.first else {
            throw SimulationError("usage: sim.scenario NAME [loop=BOOL] [period=S] [offset=S] [stagger=S]")
        }
        var start = ScenarioStart(name: name)
        var stagger = 0.0
        for option in request.arguments.dropFirst() {
            let parts = option.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw SimulationError("expected KEY=VALUE, not \"\(option)\"") }
            switch (parts[0], parts[1]) {
            case ("loop", "true"): start.loops = true
            case ("loop", "false"): start.loops = false
            case ("period", let text):
                guard let value = Double(text), value > 0, value <= ScenarioFile.maximumSeconds else { throw SimulationError("period: \"\(text)\" is not a number of seconds") }
                start.period = value
            case ("offset", let text):
                guard let value = Double(text), value >= 0, value <= ScenarioFile.maximumSeconds else { throw SimulationError("offset: \"\(text)\" is not a number of seconds") }
                start.offset = value
            case ("stagger", let text):
                guard let value = Double(text), value >= 0, value <= 3600 else { throw SimulationError("stagger: \"\(text)\" is not 0 to 3600 seconds") }
                stagger = value
            default: throw SimulationError("unknown option \"\(option)\" (loop=BOOL, period=S, offset=S, stagger=S)")
            }
        }
        return (start, stagger)
    }
}

/// Left-aligned columns, as `ipmitool sdr elist` lines them up.
enum TextTable {
    static func render(_ rows: [[String]], header: [String]) -> String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0.indices.contains(column) ? $0[column].count : 0 }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[column] - cell.count)
            }.joined(separator: " | ")
        }.joined(separator: "\n")
    }
}

import IPMICore

/// Reads a scenario file (conf/scenarios/README.md has the format):
///
///     description: The ASIC overheats past upper critical, then cools.
///     loop: false
///     sensors:
///       ASIC Temp:
///         - { ramp: 107, for: 30 }
///         - { hold: true, for: 60 }
enum ScenarioFile {
    /// Longest segment, track or loop period: a week.
    static let maximumSeconds = 7 * 86_400.0
    static let valueRange = -1e9...1e9

    static func parse(_ text: String, name: String, file: String) throws(ConfigError) -> Scenario {
        let root = try ConfigNode.document(yaml: text, file: file)
        let description = try root.child("description")?.string() ?? ""
        let loops = try root.child("loop")?.bool() ?? false
        let period = try root.child("period")?.number(in: 0.01...maximumSeconds)
        let sensorsNode = try root.required("sensors")
        var tracks: [ScenarioTrack] = []
        for (sensor, timeline) in try sensorsNode.entries() {
            var segments: [ScenarioSegment] = []
            for element in try timeline.elements() { segments.append(try segment(element)) }
            guard !segments.isEmpty else { throw timeline.error("needs at least one segment") }
            tracks.append(ScenarioTrack(sensor: sensor, segments: segments))
        }
        guard !tracks.isEmpty else { throw sensorsNode.error("needs at least one sensor") }
        try root.rejectUnknownKeys()
        let scenario = Scenario(name: name, description: description, tracks: tracks, loops: loops, period: period)
        if let period, period < scenario.duration {
            throw root.error("period \(period.readingText) is shorter than the scenario (\(scenario.duration.readingText) s)")
        }
        return scenario
    }

    /// One segment: exactly one of step, hold, ramp, noise, flap, states, unavailable or
    /// normal, and `for` (seconds).
    private static func segment(_ node: ConfigNode) throws(ConfigError) -> ScenarioSegment {
        let duration = try node.required("for").number(in: 0.01...maximumSeconds)
        var kinds: [ScenarioSegment.Kind] = []
        if let value = try node.child("step") { kinds.append(.step(try value.number(in: valueRange))) }
        if let value = try node.child("hold") { try requireTrue(value); kinds.append(.hold) }
        if let value = try node.child("ramp") {
            kinds.append(.ramp(from: try node.child("from")?.number(in: valueRange), to: try value.number(in: valueRange)))
        } else if let from = try node.child("from") {
            throw from.error("only a ramp has a from")
        }
        if let value = try node.child("noise") {
            kinds.append(.noise(amplitude: try value.number(in: 0...1e9), around: try node.child("around")?.number(in: valueRange)))
        } else if let around = try node.child("around") {
            throw around.error("only noise has an around")
        }
        if let value = try node.child("flap") {
            let ends = try value.elements()
            guard ends.count == 2 else { throw value.error("expected two values: [FIRST, SECOND]") }
            let every = try node.required("every").number(in: 0.01...maximumSeconds)
            kinds.append(.flap(first: try ends[0].number(in: valueRange), second: try ends[1].number(in: valueRange), every: every))
        } else if let every = try node.child("every") {
            throw every.error("only a flap has an every")
        }
        if let value = try node.child("states") {
            // A discrete sensor's state offsets, as the config's `states:` lists them.
            var mask = 0
            for element in try value.elements() { mask |= 1 << (try element.integer(in: 0...14) as Int) }
            kinds.append(.step(Double(mask)))
        }
        if let value = try node.child("unavailable") { try requireTrue(value); kinds.append(.unavailable) }
        if let value = try node.child("normal") { try requireTrue(value); kinds.append(.normal) }
        try node.rejectUnknownKeys()
        guard kinds.count == 1 else {
            throw node.error("give exactly one of step, hold, ramp, noise, flap, states, unavailable or normal (and for)")
        }
        return ScenarioSegment(kinds[0], duration: duration)
    }

    private static func requireTrue(_ node: ConfigNode) throws(ConfigError) {
        guard try node.bool() else { throw node.error("write true (or leave the segment out)") }
    }
}

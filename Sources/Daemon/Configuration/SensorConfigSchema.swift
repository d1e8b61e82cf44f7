import IPMICore

/// The `sensors:` section: each sensor's type, entity, units, linearization, thresholds,
/// hysteresis, events and source. Thresholds and hysteresis are written in real units.
extension ConfigSchema {
    func readSensors(_ node: ConfigNode?) throws(ConfigError) -> [SensorDefinition] {
        guard let node else { return [] }
        var sensors: [SensorDefinition] = []
        for (position, element) in try node.elements().enumerated() {
            // Numbers 1 to 254 on LUN 0, then on LUNs 1, 2 and 3: up to 1016 sensors.
            guard position < 4 * 254 else { throw element.error("at most 1016 sensors fit on the BMC's four LUNs") }
            let sensor = try readSensor(element, defaultNumber: UInt8(position % 254 + 1), defaultLUN: UInt8(position / 254))
            if sensors.contains(where: { $0.key == sensor.key }) {
                throw element.error("sensor number \(sensor.number) on LUN \(sensor.lun) is used twice")
            }
            if sensors.contains(where: { $0.name == sensor.name }) {
                throw element.error("sensor name \"\(sensor.name)\" is used twice")
            }
            sensors.append(sensor)
        }
        return sensors
    }

    private func readSensor(_ node: ConfigNode, defaultNumber: UInt8, defaultLUN: UInt8) throws(ConfigError) -> SensorDefinition {
        let nameNode = try node.required("name")
        let name = try nameNode.string()
        guard !name.isEmpty, name.utf8.count <= 16 else { throw nameNode.error("a sensor name is 1 to 16 characters") }
        let number: UInt8 = try node.child("number")?.integer(in: 1...254) ?? defaultNumber
        let lun: UInt8 = try node.child("lun")?.integer(in: 0...3) ?? defaultLUN
        let typeNode = try node.required("type")
        let type = try SensorTypeName.parse(typeNode)
        let entityNode = try node.child("entity")
        let entity = try entityNode.map { (entity: ConfigNode) throws(ConfigError) in try EntityName.parse(entity) } ?? type.defaultEntity
        let instance: UInt8 = try node.child("instance")?.integer(in: 0...127) ?? 1
        let interval = try node.child("interval")?.number(in: 0.01...3600) ?? 1
        let eventOnly = try node.child("event_only")?.bool() ?? false
        let source = try readSource(node.child("source"))

        var definition: SensorDefinition
        if let statesNode = try node.child("states") {
            // A discrete sensor: the source's value is a bit mask of the states present.
            var states: UInt16 = 0
            for element in try statesNode.elements() { states |= 1 << UInt16(try element.integer(in: UInt8(0)...14)) }
            let readingType: UInt8 = try node.child("event_type")?.integer(in: 0x02...0x7F) ?? 0x6F
            var settings = SensorSettings()
            settings.assertionEnables = states
            settings.deassertionEnables = states
            definition = SensorDefinition(
                number: number, lun: lun, name: name, sensorType: type.code, kind: .discrete(eventReadingType: readingType, states: states),
                entityID: entity, entityInstance: instance, isEventOnly: eventOnly, source: source, pollInterval: interval)
            definition.initialSettings = settings
        } else {
            let linearization = try readLinearization(node.child("linearization")) ?? type.defaultLinearization
            let unit: UInt8 = try node.child("unit").map { (unit: ConfigNode) throws(ConfigError) in try unit.integer(in: UInt8(0)...92) } ?? type.unit
            var settings = SensorSettings()
            if let thresholds = try node.child("thresholds") {
                for (key, value) in try thresholds.entries() {
                    guard let threshold = Threshold(shortName: key) else {
                        throw value.error("expected one of lnr, lc, lnc, unc, uc, unr")
                    }
                    settings.thresholds[threshold] = linearization.raw(try value.number(in: -1e9...1e9))
                }
            }
            if let hysteresis = try node.child("hysteresis") {
                if let positive = try hysteresis.child("positive") {
                    settings.positiveHysteresis = linearization.rawDelta(try positive.number(in: 0...1e9))
                }
                if let negative = try hysteresis.child("negative") {
                    settings.negativeHysteresis = linearization.rawDelta(try negative.number(in: 0...1e9))
                }
                try hysteresis.rejectUnknownKeys()
            }
            var events = settings.thresholds.mask
            if let eventsNode = try node.child("events") {
                events = 0
                for element in try eventsNode.elements() {
                    let text = try element.string()
                    guard let threshold = Threshold(shortName: text) else { throw element.error("expected a threshold name, not \"\(text)\"") }
                    guard settings.thresholds[threshold] != nil else { throw element.error("no \(text) threshold is set") }
                    events |= threshold.maskBit
                }
            }
            let enables = Threshold.allCases.reduce(UInt16(0)) { events & $1.maskBit != 0 ? $0 | 1 << UInt16($1.eventOffset) : $0 }
            settings.assertionEnables = enables
            settings.deassertionEnables = enables
            definition = SensorDefinition(
                number: number, lun: lun, name: name, sensorType: type.code, kind: .threshold, entityID: entity,
                entityInstance: instance, unit: unit, linearization: linearization, initialSettings: settings,
                isEventOnly: eventOnly, source: source, pollInterval: interval)
        }
        try node.rejectUnknownKeys()
        return definition
    }

    private func readLinearization(_ node: ConfigNode?) throws(ConfigError) -> Linearization? {
        guard let node else { return nil }
        let linearization = Linearization(
            m: try node.child("m")?.integer(in: -512...511) ?? 1, b: try node.child("b")?.integer(in: -512...511) ?? 0,
            bExponent: try node.child("b_exp")?.integer(in: -8...7) ?? 0,
            rExponent: try node.child("r_exp")?.integer(in: -8...7) ?? 0)
        try node.rejectUnknownKeys()
        guard linearization.m != 0 else { throw node.error("m must not be 0") }
        return linearization
    }

    private func readSource(_ node: ConfigNode?) throws(ConfigError) -> SensorSource {
        guard let node else { return .none }
        let entries = try node.entries()
        guard entries.count == 1, let (kind, body) = entries.first else {
            throw node.error("give exactly one of hwmon, file or simulated")
        }
        let source: SensorSource
        switch kind {
        case "hwmon":
            let chip = try body.required("chip").string()
            let label = try body.child("label")?.string()
            let attribute = try body.child("attribute")?.string()
            guard (label == nil) != (attribute == nil) else { throw body.error("give label or attribute (e.g. temp1), not both") }
            let root = try body.child("root")?.string() ?? "/sys/class/hwmon"
            source = .hwmon(root: root, chip: chip, label: label, attribute: attribute)
        case "file":
            source = .file(path: try body.required("path").string(), scale: try body.child("scale")?.number(in: -1e9...1e9) ?? 1,
                           offset: try body.child("offset")?.number(in: -1e9...1e9) ?? 0)
        case "simulated":
            source = .simulated(try readWaveform(body))
        default:
            throw body.error("unknown source \"\(kind)\": expected hwmon, file or simulated")
        }
        try body.rejectUnknownKeys()
        return source
    }

    private func readWaveform(_ node: ConfigNode) throws(ConfigError) -> Waveform {
        let range = -1e9...1e9
        let kind = try node.required("waveform").string()
        switch kind {
        case "constant":
            return .constant(try node.required("value").number(in: range))
        case "ramp":
            return .ramp(from: try node.required("from").number(in: range), to: try node.required("to").number(in: range),
                         period: try node.required("period").number(in: 0.1...1e7))
        case "sine":
            return .sine(minimum: try node.required("min").number(in: range), maximum: try node.required("max").number(in: range),
                         period: try node.required("period").number(in: 0.1...1e7))
        case "random_walk":
            return .randomWalk(start: try node.required("start").number(in: range), step: try node.required("step").number(in: 0...1e9),
                               minimum: try node.required("min").number(in: range), maximum: try node.required("max").number(in: range))
        case "steps":
            var steps: [WaveformStep] = []
            for element in try node.required("steps").elements() {
                steps.append(WaveformStep(at: try element.required("at").number(in: 0...1e9),
                                          value: try element.required("value").number(in: range)))
                try element.rejectUnknownKeys()
            }
            guard !steps.isEmpty else { throw node.error("steps needs at least one step") }
            return .steps(steps.sorted { $0.at < $1.at }, repeatEvery: try node.child("repeat_every")?.number(in: 0.1...1e7))
        default:
            throw node.error("unknown waveform \"\(kind)\": expected constant, ramp, sine, random_walk or steps")
        }
    }
}

/// Sensor types by name, with the units and linearization that suit each by default.
struct SensorTypeName {
    var code: UInt8
    var unit: UInt8
    var defaultLinearization: Linearization
    var defaultEntity: UInt8

    static let byName: [String: SensorTypeName] = [
        // 1 degree C per count.
        "temperature": SensorTypeName(code: 0x01, unit: 1, defaultLinearization: Linearization(), defaultEntity: 0x07),
        // 10 mV per count: up to 2.55 V; 12 V rails set m: 6, r_exp: -2 (60 mV).
        "voltage": SensorTypeName(code: 0x02, unit: 4, defaultLinearization: Linearization(m: 1, rExponent: -2), defaultEntity: 0x07),
        // 0.1 A per count.
        "current": SensorTypeName(code: 0x03, unit: 5, defaultLinearization: Linearization(m: 1, rExponent: -1), defaultEntity: 0x0A),
        // 100 RPM per count.
        "fan": SensorTypeName(code: 0x04, unit: 18, defaultLinearization: Linearization(m: 100), defaultEntity: 0x1D),
        // 10 W per count; IPMI has no power sensor type, so "other units-based".
        "power": SensorTypeName(code: 0x0B, unit: 6, defaultLinearization: Linearization(m: 10), defaultEntity: 0x0A),
        "power_supply": SensorTypeName(code: 0x08, unit: 0, defaultLinearization: Linearization(), defaultEntity: 0x0A),
        "entity_presence": SensorTypeName(code: 0x25, unit: 0, defaultLinearization: Linearization(), defaultEntity: 0x07),
        // The BMC watchdog's events name this sensor (event only; states 0 to 3 and 8).
        "watchdog": SensorTypeName(code: WatchdogSensor.sensorType, unit: 0, defaultLinearization: Linearization(), defaultEntity: 0x07),
    ]

    static func parse(_ node: ConfigNode) throws(ConfigError) -> SensorTypeName {
        let text = try node.string()
        if let type = byName[text] { return type }
        if let code: UInt8 = try? node.integer(in: 1...0xFF) {
            return SensorTypeName(code: code, unit: 0, defaultLinearization: Linearization(), defaultEntity: 0x07)
        }
        throw node.error("expected \(byName.keys.sorted().joined(separator: ", ")) or a sensor type number")
    }
}

/// Entity IDs by name (IPMI 2.0 table 43-13), for the ones a switch has.
enum EntityName {
    static let byName: [String: UInt8] = [
        "processor": 0x03, "system_board": 0x07, "power_supply": 0x0A, "chassis": 0x17, "fan": 0x1D,
        "air_inlet": 0x37, "switch": 0x07, "power_module": 0x0A, "memory": 0x20,
    ]

    static func parse(_ node: ConfigNode) throws(ConfigError) -> UInt8 {
        let text = try node.string()
        if let code = byName[text] { return code }
        if let code: UInt8 = try? node.integer(in: 0...0xFF) { return code }
        throw node.error("expected \(byName.keys.sorted().joined(separator: ", ")) or an entity ID number")
    }
}

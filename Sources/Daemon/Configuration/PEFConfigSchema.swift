import IPMICore

extension ConfigSchema {
    /// The `pef:` section. It seeds the PEF tables on first start; after that the state
    /// directory's `pef.json` (changed with ipmitool or pef-config) is authoritative.
    ///
    ///     pef:
    ///       enabled: true               # PEF control bit 0
    ///       startup_delay: 0            # seconds before PEF acts after start
    ///       alert_startup_delay: 0      # seconds before alerts go out after start
    ///       filters:                    # after the default filters, in table order
    ///         - { sensor_type: 0x01, sensor_number: any, event_type: 0x01, offsets: [7, 9],
    ///             severity: critical, actions: [alert], policy: 1 }
    func readPEF(_ node: ConfigNode?) throws(ConfigError) -> PEFConfiguration {
        var pef = PEFConfiguration()
        guard let node else { return pef }
        if let value = try node.child("enabled") { pef.enabled = try value.bool() }
        if let value = try node.child("startup_delay") { pef.startupDelay = try value.integer(in: 0...255) }
        if let value = try node.child("alert_startup_delay") { pef.alertStartupDelay = try value.integer(in: 0...255) }
        if let list = try node.child("filters") {
            let elements = try list.elements()
            let room = PEFTables.filterCount - PEFTables.defaultFilters.count
            guard elements.count <= room else { throw list.error("at most \(room) filters fit after the defaults") }
            for element in elements { pef.extraFilters.append(try readPEFFilter(element)) }
        }
        try node.rejectUnknownKeys()
        return pef
    }

    private func readPEFFilter(_ node: ConfigNode) throws(ConfigError) -> EventFilter {
        func anyOrByte(_ key: String) throws(ConfigError) -> UInt8 {
            guard let value = try node.child(key) else { return EventFilter.any }
            return try value.string() == "any" ? EventFilter.any : value.integer(in: 0...255)
        }
        let sensorType = try anyOrByte("sensor_type")
        let sensorNumber = try anyOrByte("sensor_number")
        let eventType = try anyOrByte("event_type")
        var offsetMask: UInt16 = 0xFFFF
        if let value = try node.child("offsets") {
            offsetMask = 0
            for element in try value.elements() { offsetMask |= 1 << (try element.integer(UInt16.self, in: 0...14)) }
        }
        var severity = PEFSeverity.unspecified
        if let value = try node.child("severity") {
            let names: [String: PEFSeverity] = ["unspecified": .unspecified, "monitor": .monitor,
                                                "information": .information, "ok": .ok, "non_critical": .nonCritical,
                                                "critical": .critical, "non_recoverable": .nonRecoverable]
            let text = try value.string()
            guard let level = names[text] else {
                throw value.error("expected one of \(names.keys.sorted().joined(separator: ", ")), not \"\(text)\"")
            }
            severity = level
        }
        var actions: PEFActions = .alert
        if let value = try node.child("actions") {
            let names: [String: PEFActions] = ["alert": .alert, "power_off": .powerOff, "power_cycle": .powerCycle,
                                               "reset": .reset, "diagnostic_interrupt": .diagnosticInterrupt]
            actions = []
            for element in try value.elements() {
                let text = try element.string()
                guard let action = names[text] else {
                    throw element.error("expected one of \(names.keys.sorted().joined(separator: ", ")), not \"\(text)\"")
                }
                actions.insert(action)
            }
        }
        let policy: UInt8 = try node.child("policy")?.integer(in: 1...15) ?? 1
        try node.rejectUnknownKeys()
        return EventFilter(actions: actions, policy: policy, severity: severity, sensorType: sensorType,
                           sensorNumber: sensorNumber, eventTrigger: eventType, offsetMask: offsetMask)
    }
}

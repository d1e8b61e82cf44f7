import IPMICore

extension ConfigSchema {
    /// The `chassis:` section.
    ///
    ///     chassis:
    ///       power_restore_policy: always-on   # always-off (default), previous, always-on
    func readChassis(_ node: ConfigNode?) throws(ConfigError) -> ChassisConfiguration {
        var chassis = ChassisConfiguration()
        guard let node else { return chassis }
        if let value = try node.child("power_restore_policy") {
            let policies: [String: PowerRestorePolicy] = ["always-off": .alwaysOff, "previous": .previous, "always-on": .alwaysOn]
            let text = try value.string()
            guard let policy = policies[text] else { throw value.error("expected always-off, previous or always-on, not \"\(text)\"") }
            chassis.restorePolicy = policy
        }
        try node.rejectUnknownKeys()
        return chassis
    }
}

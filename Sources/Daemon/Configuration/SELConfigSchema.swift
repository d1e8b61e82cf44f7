import IPMICore

extension ConfigSchema {
    /// The `sel:` section: how many entries the SEL holds and what to do when it is full.
    ///
    ///     sel:
    ///       capacity: 1024        # entries, 16..4096
    ///       when_full: stop       # stop (refuse new entries) or overwrite (drop the oldest)
    func readSEL(_ node: ConfigNode?) throws(ConfigError) -> SELConfiguration {
        var sel = SELConfiguration()
        guard let node else { return sel }
        if let value = try node.child("capacity") { sel.capacity = try value.integer(in: SELConfiguration.capacityRange) }
        if let value = try node.child("when_full") {
            switch try value.string() {
            case "stop": sel.overwritesWhenFull = false
            case "overwrite": sel.overwritesWhenFull = true
            case let other: throw value.error("expected stop or overwrite, not \"\(other)\"")
            }
        }
        try node.rejectUnknownKeys()
        return sel
    }
}

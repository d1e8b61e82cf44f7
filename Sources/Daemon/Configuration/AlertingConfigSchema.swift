import IPMICore

extension ConfigSchema {
    /// The `lan:` section (network identity, community, alert destinations). Placeholder:
    /// the LAN configuration work fills it in.
    func readLAN(_ node: ConfigNode?) throws(ConfigError) -> LANConfiguration {
        LANConfiguration()
    }
}

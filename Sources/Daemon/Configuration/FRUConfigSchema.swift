import IPMICore

extension ConfigSchema {
    /// The `fru:` section. Placeholder: the FRU work fills it in.
    func readFRU(_ node: ConfigNode?) throws(ConfigError) -> FRUConfiguration {
        FRUConfiguration()
    }
}

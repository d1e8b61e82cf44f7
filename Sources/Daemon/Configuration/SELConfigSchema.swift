import IPMICore

extension ConfigSchema {
    /// The `sel:` section. Placeholder: the SEL work fills it in.
    func readSEL(_ node: ConfigNode?) throws(ConfigError) -> SELConfiguration {
        SELConfiguration()
    }
}

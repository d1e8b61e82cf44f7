import IPMICore

extension ConfigSchema {
    /// The `pef:` section. Placeholder: the PEF work fills it in.
    func readPEF(_ node: ConfigNode?) throws(ConfigError) -> PEFConfiguration {
        PEFConfiguration()
    }
}

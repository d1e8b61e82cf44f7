extension SensorEventCommands {
    /// PEF and alerting commands (IPMI 2.0 chapter 30). Placeholder: the PEF work fills it in.
    static let pefCommands: [CommandSpec] = []
}

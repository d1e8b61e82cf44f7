extension StorageCommands {
    /// Placeholder: the SEL work fills it in.
    static let selCommands: [CommandSpec] = []
}

extension StorageCommands {
    /// Placeholder: the FRU work fills it in.
    static let fruCommands: [CommandSpec] = []
}

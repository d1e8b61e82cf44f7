extension StorageCommands {
    static let sdrRepositoryCommands: [CommandSpec] = []
}

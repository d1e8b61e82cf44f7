/// The Storage network function (netfn 0x0A): FRU inventory, SDR repository and SEL.
public enum StorageCommands {
    public static let table: [CommandSpec] = fruCommands + sdrRepositoryCommands + selCommands
}
